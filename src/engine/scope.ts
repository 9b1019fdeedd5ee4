/**
 * Variable scopes: the workflow globals (`workflow.*`), template inputs (`inputs.parameters.*`) and the
 * outputs of sibling steps/tasks (`steps.X.*`, `tasks.X.*`), resolved lazily so large DAGs stay linear.
 */
import type { NodeStatus, Parameter, Template, Workflow } from './types.ts';
import type { Resolver } from './substitute.ts';
import type { ObservedConfigMap } from './contract.ts';
import { globalParameterFromConfigMap } from './configmap-params.ts';
import { stableJson } from './loops.ts';
import { ARTIFACT_QUERY, outputArtifactJson } from './artifacts/passing.ts';
import { creationTimeVariables } from './creation-time.ts';
import { ABSENT_OPTIONAL } from './expr/absent.ts';

/**
 * `workflow.*` variables. Arguments with `valueFrom.configMapKeyRef` read `configMaps` (throws Argo's
 * `failed to set global parameter ...` error).
 */
export function globalVariables(wf: Workflow, configMaps?: Record<string, ObservedConfigMap>): Record<string, string> {
  const g: Record<string, string> = {
    'workflow.name': wf.metadata.name ?? '',
    'workflow.namespace': wf.metadata.namespace ?? '',
    // The entrypoint of the workflow as it runs (a workflowTemplateRef's when the workflow names none).
    'workflow.mainEntrypoint': wf.spec.entrypoint ?? '',
  };
  if (wf.metadata.uid) g['workflow.uid'] = wf.metadata.uid;
  if (wf.spec.serviceAccountName) g['workflow.serviceAccountName'] = wf.spec.serviceAccountName;
  // Only when spec.priority is set, as Argo's setGlobalParameters (lint knows it only then too).
  if (typeof wf.spec.priority === 'number') g['workflow.priority'] = String(wf.spec.priority);
  if (wf.metadata.creationTimestamp) {
    g['workflow.creationTimestamp'] = wf.metadata.creationTimestamp;
    Object.assign(g, creationTimeVariables(wf.metadata.creationTimestamp));
  }
  // Set on runs a CronWorkflow created (Argo's setGlobalParameters).
  const scheduled = wf.metadata.annotations?.['workflows.argoproj.io/scheduled-time'];
  if (scheduled) g['workflow.scheduledTime'] = scheduled;
  const params = wf.spec.arguments?.parameters ?? [];
  for (const p of params) {
    const v =
      p.value ??
      (p.valueFrom?.configMapKeyRef
        ? globalParameterFromConfigMap(p, wf.metadata.namespace ?? '', configMaps)
        : p.default);
    if (v !== undefined) g[`workflow.parameters.${p.name}`] = String(v);
  }
  if (params.length > 0) {
    g['workflow.parameters'] = JSON.stringify(params.map((p) => ({ name: p.name, value: p.value })));
    g['workflow.parameters.json'] = g['workflow.parameters'];
  }
  for (const [k, v] of Object.entries(wf.metadata.labels ?? {})) g[`workflow.labels.${k}`] = v;
  for (const [k, v] of Object.entries(wf.metadata.annotations ?? {})) g[`workflow.annotations.${k}`] = v;
  return g;
}

/** `inputs.parameters.*` of a template's resolved inputs. */
export function inputVariables(params: Parameter[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const p of params) if (p.value !== undefined) out[`inputs.parameters.${p.name}`] = String(p.value);
  if (params.length > 0)
    out['inputs.parameters'] = JSON.stringify(params.map((p) => ({ name: p.name, value: p.value })));
  return out;
}

/** A step/task as seen from its siblings: its node, or the expanded item nodes. */
export interface SiblingOutputs {
  node?: NodeStatus;
  items?: NodeStatus[];
}

function parseMaybeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

function singleValue(node: NodeStatus, rest: string): string | undefined {
  switch (rest) {
    case 'id':
      return node.id;
    case 'status':
      return node.phase;
    case 'startedAt':
      return node.startedAt;
    case 'finishedAt':
      return node.finishedAt;
    case 'exitCode':
    case 'outputs.exitCode':
      return node.outputs?.exitCode;
    case 'ip':
      return node.podIP;
    case 'outputs.result':
      return node.outputs?.result;
    default:
      if (rest.startsWith('outputs.parameters.')) {
        const name = rest.slice('outputs.parameters.'.length);
        const p = node.outputs?.parameters?.find((x) => x.name === name);
        return p?.value !== undefined ? String(p.value) : undefined;
      }
      return undefined;
  }
}

/**
 * Argo's processAggregateNodeOutputs: only Succeeded items with outputs count (hooks and retried
 * attempts are not items here); `outputs.parameters` is a list of name→value maps and
 * `outputs.parameters.<name>` the list of that parameter's values (parsed when every value is a JSON
 * list or map, as aggregatedJSONValueList does).
 */
function aggregateValue(items: NodeStatus[], rest: string): string | undefined {
  const done = items.filter((n) => n.phase === 'Succeeded' && n.outputs && !n.nodeFlag?.hooked && !n.nodeFlag?.retried);
  if (rest === 'outputs.result') {
    return stableJsonList(
      done.map((n) => (n.outputs?.result !== undefined ? parseMaybeJson(n.outputs.result) : undefined)),
    );
  }
  const withParams = done.filter((n) => (n.outputs?.parameters?.length ?? 0) > 0);
  if (rest === 'outputs.parameters') {
    return stableJson(
      withParams.map((n) => Object.fromEntries((n.outputs?.parameters ?? []).map((p) => [p.name, p.value ?? '']))),
    );
  }
  if (!rest.startsWith('outputs.parameters.')) return undefined;
  const name = rest.slice('outputs.parameters.'.length);
  const values = withParams.flatMap((n) =>
    (n.outputs?.parameters ?? []).filter((p) => p.name === name).map((p) => String(p.value ?? '')),
  );
  return values.length > 0 ? aggregatedValueList(values) : undefined;
}

function aggregatedValueList(values: string[]): string {
  const parsed = values.map(parseMaybeJson);
  const structured = parsed.every((v) => v !== null && typeof v === 'object');
  return stableJson(structured ? parsed : values);
}

function stableJsonList(values: unknown[]): string {
  return stableJson(values.filter((v) => v !== undefined));
}

/**
 * Argo's addSkippedNodeOutputsToScope: a Skipped/Omitted producer with no outputs has its template's
 * declared output parameters (and a declared `outputs.result`) in scope, as their `valueFrom.default`
 * or, without one, as {@link ABSENT_OPTIONAL}.
 */
function skippedOutput(
  node: NodeStatus,
  rest: string,
  templateOf: ((node: NodeStatus) => Template | undefined) | undefined,
): string | undefined {
  if ((node.phase !== 'Skipped' && node.phase !== 'Omitted') || node.outputs) return undefined;
  const outputs = templateOf?.(node)?.outputs;
  if (rest === 'outputs.result') return outputs?.result !== undefined ? ABSENT_OPTIONAL : undefined;
  if (!rest.startsWith('outputs.parameters.')) return undefined;
  const name = rest.slice('outputs.parameters.'.length);
  const declared = outputs?.parameters?.find((p) => p.name === name);
  if (!declared) return undefined;
  return declared.valueFrom?.default !== undefined ? String(declared.valueFrom.default) : ABSENT_OPTIONAL;
}

/**
 * A resolver for `<prefix>.<name>.<...>` (prefix `steps` or `tasks`); `templateOf` (a node's template)
 * gives the declared outputs of skipped/omitted producers (see {@link skippedOutput}).
 */
export function siblingResolver(
  prefix: 'steps' | 'tasks',
  lookup: (name: string) => SiblingOutputs | undefined,
  templateOf?: (node: NodeStatus) => Template | undefined,
): Resolver {
  const head = `${prefix}.`;
  const resolve: Resolver = (tag) => {
    if (tag.startsWith(ARTIFACT_QUERY)) return siblingArtifact(tag.slice(ARTIFACT_QUERY.length), head, lookup);
    if (!tag.startsWith(head)) return undefined;
    const body = tag.slice(head.length);
    const dot = body.indexOf('.');
    if (dot < 0) return undefined;
    const sib = lookup(body.slice(0, dot));
    if (!sib) return undefined;
    const rest = body.slice(dot + 1);
    if (sib.items) {
      const agg = aggregateValue(sib.items, rest);
      if (agg !== undefined) return agg;
    }
    if (!sib.node) return undefined;
    return singleValue(sib.node, rest) ?? skippedOutput(sib.node, rest, templateOf);
  };
  return resolve;
}

/** `steps.X.outputs.artifacts.Y` as JSON (a retried or looped step: its node's outputs). */
function siblingArtifact(
  ref: string,
  head: string,
  lookup: (name: string) => SiblingOutputs | undefined,
): string | undefined {
  if (!ref.startsWith(head)) return undefined;
  const m = /^([^.]+)\.outputs\.artifacts\.(.+)$/.exec(ref.slice(head.length));
  if (!m) return undefined;
  return outputArtifactJson(lookup(m[1] as string)?.node?.outputs?.artifacts, m[2] as string);
}
