/**
 * Outputs of steps/DAG templates (`outputs.parameters[].valueFrom.parameter`, `expression` or `value`, and a templated
 * `outputs.result`) resolved against the children's scope once the template succeeded, and global
 * outputs: parameters with `globalName` become `{{workflow.outputs.parameters.<globalName>}}` at once and
 * `status.outputs.parameters` of the workflow (Argo's `addOutputsToGlobalScope`).
 */
import type { ExecContext } from './context.ts';
import type { Artifact, NodeStatus, Outputs, Parameter, Template } from './types.ts';
import { substituteString, type Resolver } from './substitute.ts';
import { evaluateOutputExpression } from './expr/output-expression.ts';
import { isExpressionTagError } from './expr/expression-tag.ts';
import { AbsentOptionalError, isAbsentOptionalError } from './expr/absent.ts';
import { ARTIFACT_QUERY, ArtifactReferenceError, resolveArgumentArtifacts } from './artifacts/passing.ts';

const GLOBAL_PREFIX = 'workflow.outputs.parameters.';
const GLOBAL_ARTIFACT_PREFIX = `${ARTIFACT_QUERY}workflow.outputs.artifacts.`;

/**
 * Output artifacts of a steps/DAG template (`from`/`fromExpression` over the children's scope), Argo's
 * `getTemplateOutputsFromScope`: an optional one that does not resolve is left out.
 */
function templateOutputArtifacts(t: Template, resolve: Resolver): Artifact[] {
  const declared = t.outputs?.artifacts ?? [];
  const out: Artifact[] = [];
  for (const a of declared) {
    if (a.from === undefined && a.fromExpression === undefined) continue;
    try {
      out.push(...(resolveArgumentArtifacts([{ ...a, optional: false }], resolve) ?? []));
    } catch (e) {
      if (a.optional && e instanceof ArtifactReferenceError && e.message.includes('Unable to resolve')) continue;
      throw new ArtifactReferenceError(
        `unable to resolve outputs from scope: ${(e as Error).message.replace(/^unable to resolve references: /, '')}`,
      );
    }
  }
  return out;
}

/**
 * One output parameter's value (Argo's getTemplateOutputsFromScope): a failing expression (nil included)
 * or an absent optional gives way to the parameter's `valueFrom.default`; without one it fails the node.
 */
function outputValue(p: Parameter, resolve: Resolver): string | undefined {
  const source = p.valueFrom?.parameter ?? p.value;
  try {
    if (p.valueFrom?.expression !== undefined) return evaluateOutputExpression(p.valueFrom.expression, resolve);
    return source !== undefined ? substituteString(String(source), resolve) : undefined;
  } catch (e) {
    const handled = isAbsentOptionalError(e) || isExpressionTagError(e);
    if (handled && p.valueFrom?.default !== undefined) return String(p.valueFrom.default);
    if (!isAbsentOptionalError(e)) throw e;
    throw new AbsentOptionalError(
      `output parameter ${JSON.stringify(p.name)}: ${JSON.stringify(String(source))} is an absent optional (skipped/omitted node output with no default)`,
    );
  }
}

/** The outputs of a finished steps/DAG node, or undefined when it declares none; exports global ones. */
export function aggregateTemplateOutputs(t: Template, resolve: Resolver, ctx?: ExecContext): Outputs | undefined {
  const declared = t.outputs?.parameters ?? [];
  const params: Parameter[] = [];
  for (const p of declared) {
    let value = outputValue(p, resolve);
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
  const artifacts = templateOutputArtifacts(t, resolve);
  if (artifacts.length > 0) outputs.artifacts = artifacts;
  if (typeof t.outputs?.result === 'string') outputs.result = substituteString(t.outputs.result, resolve);
  if (Object.keys(outputs).length === 0) return undefined;
  if (ctx) exportGlobalOutputs(ctx, outputs);
  return outputs;
}

/**
 * Makes a node's `globalName` parameters and artifacts visible as `workflow.outputs.*` from now on;
 * a global artifact is the output renamed, without `globalName` and `path` (Argo's `addArtifactToGlobalScope`).
 */
export function exportGlobalOutputs(ctx: ExecContext, outputs: Outputs | undefined): void {
  for (const p of outputs?.parameters ?? []) {
    if (p.globalName && p.value !== undefined) ctx.globals[`${GLOBAL_PREFIX}${p.globalName}`] = String(p.value);
  }
  for (const a of outputs?.artifacts ?? []) {
    if (!a.globalName) continue;
    const { globalName, path: _p, ...rest } = a;
    ctx.globals[`${GLOBAL_ARTIFACT_PREFIX}${globalName}`] = JSON.stringify({ ...rest, name: globalName });
  }
}

/** Re-exports the global outputs of the nodes already recorded (start of a decide). */
export function exportRecordedGlobals(ctx: ExecContext, nodes: Record<string, NodeStatus>): void {
  for (const id in nodes) {
    const outputs = nodes[id]?.outputs;
    if (outputs?.parameters || outputs?.artifacts) exportGlobalOutputs(ctx, outputs);
  }
}

/** `status.outputs` of the workflow: every exported global parameter, or undefined when none. */
export function workflowOutputs(ctx: ExecContext): Outputs | undefined {
  const parameters: Parameter[] = [];
  const artifacts: Artifact[] = [];
  for (const key in ctx.globals) {
    if (key.startsWith(GLOBAL_PREFIX))
      parameters.push({ name: key.slice(GLOBAL_PREFIX.length), value: ctx.globals[key] as string });
    else if (key.startsWith(GLOBAL_ARTIFACT_PREFIX)) artifacts.push(JSON.parse(ctx.globals[key] as string) as Artifact);
  }
  const out: Outputs = {};
  if (parameters.length > 0) out.parameters = parameters;
  if (artifacts.length > 0) out.artifacts = artifacts;
  return out.parameters || out.artifacts ? out : undefined;
}
