/**
 * Outputs of steps/DAG templates (`outputs.parameters[].valueFrom.parameter`, `expression` or `value`, and a templated
 * `outputs.result`) resolved against the children's scope once the template succeeded, and global
 * outputs: parameters with `globalName` become `{{workflow.outputs.parameters.<globalName>}}` at once and
 * `status.outputs.parameters` of the workflow (Argo's `addOutputsToGlobalScope`).
 */
import type { ExecContext } from './context.ts';
import type { NodeStatus, Outputs, Parameter, Template } from './types.ts';
import { substituteString, type Resolver } from './substitute.ts';
import { evaluateOutputExpression } from './expr/output-expression.ts';

const GLOBAL_PREFIX = 'workflow.outputs.parameters.';

/** The outputs of a finished steps/DAG node, or undefined when it declares none; exports global ones. */
export function aggregateTemplateOutputs(t: Template, resolve: Resolver, ctx?: ExecContext): Outputs | undefined {
  const declared = t.outputs?.parameters ?? [];
  const params: Parameter[] = [];
  for (const p of declared) {
    const source = p.valueFrom?.parameter ?? p.value;
    let value = source !== undefined ? substituteString(String(source), resolve) : undefined;
    if (p.valueFrom?.expression !== undefined) value = evaluateOutputExpression(p.valueFrom.expression, resolve);
    if ((value === undefined || value.includes('{{')) && p.valueFrom?.default !== undefined)
      value = p.valueFrom.default;
    if (value === undefined) continue;
    const out: Parameter = { name: p.name, value };
    if (p.valueFrom) out.valueFrom = p.valueFrom;
    if (p.globalName) out.globalName = p.globalName;
    params.push(out);
  }
  const outputs: Outputs = {};
  if (params.length > 0) outputs.parameters = params;
  if (typeof t.outputs?.result === 'string') outputs.result = substituteString(t.outputs.result, resolve);
  if (Object.keys(outputs).length === 0) return undefined;
  if (ctx) exportGlobalOutputs(ctx, outputs);
  return outputs;
}

/** Makes a node's `globalName` parameters visible as `workflow.outputs.parameters.*` from now on. */
export function exportGlobalOutputs(ctx: ExecContext, outputs: Outputs | undefined): void {
  for (const p of outputs?.parameters ?? []) {
    if (p.globalName && p.value !== undefined) ctx.globals[`${GLOBAL_PREFIX}${p.globalName}`] = String(p.value);
  }
}

/** Re-exports the global outputs of the nodes already recorded (start of a decide). */
export function exportRecordedGlobals(ctx: ExecContext, nodes: Record<string, NodeStatus>): void {
  for (const id in nodes) {
    const outputs = nodes[id]?.outputs;
    if (outputs?.parameters) exportGlobalOutputs(ctx, outputs);
  }
}

/** `status.outputs` of the workflow: every exported global parameter, or undefined when none. */
export function workflowOutputs(ctx: ExecContext): Outputs | undefined {
  const parameters: Parameter[] = [];
  for (const key in ctx.globals) {
    if (key.startsWith(GLOBAL_PREFIX))
      parameters.push({ name: key.slice(GLOBAL_PREFIX.length), value: ctx.globals[key] as string });
  }
  return parameters.length > 0 ? { parameters } : undefined;
}
