/**
 * `retryStrategy.expression` and hook `expression`s: expr-lang (`../expr/`) over Argo's string
 * variables (`retries`, `lastRetry.exitCode|status|duration|message`, `workflow.status`, ...), which must
 * yield a bool.
 */
import { parseExpr } from '../expr/parser.ts';
import { evaluateNode } from '../expr/evaluate.ts';
import { buildEnv, variablePaths } from '../expr/argo-env.ts';
import { NOW_VARIABLE } from '../expr/expression-tag.ts';

/** An expression that does not parse, evaluate or yield a bool. */
export class RetryExpressionError extends Error {
  override name = 'RetryExpressionError';
}

/** Variables by name: a map, or a lookup (a template scope). */
export type ExpressionVars = Record<string, string> | ((name: string) => string | undefined);

/**
 * Evaluates a boolean expression over string variables. Throws {@link RetryExpressionError}.
 * @example evaluateRetryExpression('asInt(lastRetry.exitCode) > 1', { 'lastRetry.exitCode': '2' }) // true
 */
export function evaluateRetryExpression(expression: string, vars: ExpressionVars): boolean {
  const lookup =
    typeof vars === 'function'
      ? vars
      : (name: string) => (Object.prototype.hasOwnProperty.call(vars, name) ? vars[name] : undefined);
  let v;
  try {
    const node = parseExpr(expression);
    const clock = lookup(NOW_VARIABLE);
    const nowMs = clock === undefined ? undefined : Number(clock);
    v = evaluateNode(node, buildEnv(variablePaths(node), lookup, nowMs ?? 0).env, expression, nowMs);
  } catch (e) {
    throw new RetryExpressionError((e as Error).message, { cause: e });
  }
  if (typeof v !== 'boolean') throw new RetryExpressionError(`expected bool, but got ${JSON.stringify(v)}`);
  return v;
}
