/**
 * `outputs.parameters[].valueFrom.expression` of steps/DAG templates (Argo's getTemplateOutputsFromScope):
 * expr-lang over the children's scope (`steps.X.outputs.result`, `tasks['a-b'].outputs.parameters.p`,
 * ...); the value is Go's `%v` of the result. A failure ends the node Error.
 */
import { parseExpr } from './parser.ts';
import { evaluateNode } from './evaluate.ts';
import { buildEnv, variablePaths, type VariableLookup } from './argo-env.ts';
import { ExpressionTagError, NOW_VARIABLE } from './expression-tag.ts';
import { goString } from './values.ts';

/** Evaluates an output expression; throws `ExpressionTagError`. */
export function evaluateOutputExpression(expression: string, lookup: VariableLookup): string {
  try {
    const node = parseExpr(expression);
    const clock = lookup(NOW_VARIABLE);
    const nowMs = clock === undefined ? undefined : Number(clock);
    const { env } = buildEnv(variablePaths(node), lookup, nowMs ?? 0);
    const result = evaluateNode(node, env, expression, nowMs);
    // Argo v4.1.2: a nil result (a skipped producer's absent output without `??`) fails.
    if (result === null) throw new Error(`failed to evaluate expression ${JSON.stringify(expression)}`);
    return goString(result);
  } catch (e) {
    if (e instanceof Error && e.message.startsWith('failed to evaluate expression "'))
      throw new ExpressionTagError(e.message, { cause: e });
    throw new ExpressionTagError(`failed to evaluate expression: ${(e as Error).message}`, { cause: e });
  }
}
