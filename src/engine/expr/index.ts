/**
 * expr-lang (github.com/expr-lang/expr v1.17.8, as Argo pins it) for Argo's `{{=expr}}` tags, hook and
 * retry expressions: {@link evaluateExpr} parses and evaluates one expression against an environment.
 */
import { parseExpr } from './parser.ts';
import { evaluateNode } from './evaluate.ts';
import type { Value, VMap } from './values.ts';

/**
 * Parses and evaluates `source` against `env`; throws `ExprError` (position and problem). `nowMs` is
 * what `now()` returns (the caller's clock); without it `now()` fails.
 */
export function evaluateExpr(source: string, env: VMap, nowMs?: number): Value {
  return evaluateNode(parseExpr(source), env, source, nowMs);
}

export { ExprError, isExprError } from './errors.ts';
export { Float, goJson, goString, type Value, type VMap } from './values.ts';
export { parseExpr } from './parser.ts';
