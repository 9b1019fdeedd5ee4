/**
 * The pod-level fields Argo copies from the template and the workflow spec into every pod it builds
 * (workflow/controller/workflowpod.go `build`, `addDNSConfig`, `addSchedulingConstraints`,
 * `setupServiceAccount`): which one wins is Argo's rule per field, restated here.
 */
import type { ExecContext } from '../context.ts';
import type { NodeStatus, Template } from '../types.ts';
import { mapResolver, substituteDeep } from '../substitute.ts';
import { PodBuildError } from './outputs-wrapper.ts';

type Spec = Record<string, unknown>;

const present = (v: unknown): boolean =>
  v !== undefined && v !== null && !(Array.isArray(v) && v.length === 0) && v !== '';

/** The template of the node's boundary (its steps/DAG), whose scheduling fields come second. */
function boundaryTemplate(ctx: ExecContext, node: NodeStatus): Template | undefined {
  const boundary = node.boundaryID ? ctx.nodes[node.boundaryID] : undefined;
  return boundary?.templateName ? ctx.templates.get(boundary.templateName) : undefined;
}

/** nodeSelector, affinity, tolerations: the template's, else the boundary's, else the workflow's. */
function scheduling(ctx: ExecContext, node: NodeStatus, t: Template, wf: Spec, out: Spec): void {
  const boundary = boundaryTemplate(ctx, node) as Spec | undefined;
  for (const field of ['nodeSelector', 'affinity', 'tolerations']) {
    const isSet = (v: unknown) => (field === 'affinity' ? v !== undefined && v !== null : present(v));
    const value = [t[field], boundary?.[field], wf[field]].find(isSet);
    if (value !== undefined) out[field] = value;
  }
}

/** Fields that are the template's, else the workflow's (Argo's names on each side). */
const TEMPLATE_ELSE_WORKFLOW: readonly [string, string, string][] = [
  ['schedulerName', 'schedulerName', 'schedulerName'],
  ['priorityClassName', 'priorityClassName', 'podPriorityClassName'],
  ['securityContext', 'securityContext', 'securityContext'],
];

/** The pod-level fields of the pod of `node` (template `t` already substituted with its scope). */
export function podSurface(ctx: ExecContext, node: NodeStatus, t: Template): Spec {
  // The workflow spec's fields see the globals (Argo substitutes them over the whole spec).
  const wf = substituteDeep(pick(ctx.wf.spec as Spec), mapResolver(ctx.globals));
  const out: Spec = {};
  scheduling(ctx, node, t, wf, out);
  for (const [pod, tf, wff] of TEMPLATE_ELSE_WORKFLOW) {
    const value = [t[tf], wf[wff]].find(present);
    if (value !== undefined) out[pod] = value;
  }
  const aliases = [...((wf.hostAliases as unknown[]) ?? []), ...((t.hostAliases as unknown[]) ?? [])];
  if (aliases.length > 0) out.hostAliases = aliases;
  for (const field of ['imagePullSecrets', 'dnsPolicy', 'dnsConfig']) if (present(wf[field])) out[field] = wf[field];
  if (automountToken(t, wf) === false) out.automountServiceAccountToken = false;
  return out;
}

/** The workflow spec fields read here (a copy: the spec itself is never modified). */
function pick(spec: Spec): Spec {
  const fields = [
    'nodeSelector', 'affinity', 'tolerations', 'schedulerName', 'podPriorityClassName', 'securityContext',
    'hostAliases', 'imagePullSecrets', 'dnsPolicy', 'dnsConfig', 'automountServiceAccountToken', 'executor',
  ]; // prettier-ignore
  return Object.fromEntries(fields.filter((f) => spec[f] !== undefined).map((f) => [f, spec[f]]));
}

/** `automountServiceAccountToken`: the template's when set, else the workflow's. */
function automountToken(t: Template, wf: Spec): boolean | undefined {
  const v = t.automountServiceAccountToken ?? wf.automountServiceAccountToken;
  return typeof v === 'boolean' ? v : undefined;
}

/** Argo's executor service account: the template's `executor.serviceAccountName`, else the workflow's. */
export function executorServiceAccount(ctx: ExecContext, t: Template): string | undefined {
  const of = (x: unknown) => (x as { serviceAccountName?: string } | undefined)?.serviceAccountName || undefined;
  const wf = of(ctx.wf.spec.executor);
  return of(t.executor) ?? (wf ? substituteDeep(wf, mapResolver(ctx.globals)) : undefined);
}

/**
 * Argo refuses a pod whose token is not mounted when its executor has no account of its own: `wait`
 * could not write the task result (`setupServiceAccount`).
 */
export function checkExecutorAccount(ctx: ExecContext, t: Template): void {
  const wf = ctx.wf.spec as Spec;
  if (automountToken(t, wf) === false && !executorServiceAccount(ctx, t))
    throw new PodBuildError('executor.serviceAccountName must not be empty if automountServiceAccountToken is false');
}
