/**
 * Argo's `{{=expr}}` tags (`util/template/expression_template.go`): an expression whose variables are
 * all available is evaluated and replaced by its value (strings as they are, anything else as Go JSON);
 * one naming a variable that is not available yet is left as it is, for a later pass (a loop's `item`,
 * `retries`, `workflow.status` ...). Errors and a nil result fail with Argo's messages.
 */
import { parseExpr } from './parser.ts';
import { evaluateNode } from './evaluate.ts';
import { buildEnv, variablePaths, type VariableLookup } from './argo-env.ts';
import { isExprError } from './errors.ts';
import { goJson } from './values.ts';

/** A `{{=...}}` tag that cannot be evaluated. */
export class ExpressionTagError extends Error {
  override name = 'ExpressionTagError';
}

/** The variable a resolver answers with the decide's time (epoch ms), for sprig's date functions. */
export const NOW_VARIABLE = 'argosy.nowMs';

/** Variables Argo binds late: an expression missing one is always left for a later pass. */
const LATE_BOUND = new Set([
  'item',
  'retries',
  'lastRetry.exitCode',
  'lastRetry.status',
  'lastRetry.duration',
  'lastRetry.message',
  'workflow.status',
  'workflow.failures',
]);

/**
 * Evaluates the body of one `{{=...}}` tag; `undefined` leaves the tag as it is.
 * Throws {@link ExpressionTagError}.
 * @example evaluateExpressionTag('asInt(inputs.parameters.n) * 10', (v) => (v === 'inputs.parameters.n' ? '3' : undefined)) // '30'
 */
export function evaluateExpressionTag(expression: string, lookup: VariableLookup): string | undefined {
  let node;
  try {
    node = parseExpr(expression);
  } catch (e) {
    throw new ExpressionTagError(`failed to evaluate expression: ${(e as Error).message}`, { cause: e });
  }
  const clock = lookup(NOW_VARIABLE);
  const nowMs = clock === undefined ? undefined : Number(clock);
  const { env, missing } = buildEnv(variablePaths(node), lookup, nowMs ?? 0);
  if (missing.some((m) => LATE_BOUND.has(m))) return undefined;
  let result;
  try {
    result = evaluateNode(node, env, expression, nowMs);
  } catch (e) {
    if (missing.length > 0) return undefined;
    if (!isExprError(e)) throw e;
    throw new ExpressionTagError(`failed to evaluate expression: ${e.message}`, { cause: e });
  }
  if (result === null) {
    if (missing.length > 0) return undefined;
    throw new ExpressionTagError(`failed to evaluate expression ${JSON.stringify(expression)}`);
  }
  return typeof result === 'string' ? result : goJson(result);
}

/** True for {@link ExpressionTagError} (by name). */
export function isExpressionTagError(e: unknown): e is ExpressionTagError {
  return e instanceof Error && e.name === 'ExpressionTagError';
}
