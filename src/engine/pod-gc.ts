/**
 * `spec.podGC` (Argo's pod garbage collection): `OnPodCompletion`, `OnPodSuccess`, `OnWorkflowCompletion`,
 * `OnWorkflowSuccess`, optionally limited by `labelSelector` and delayed by `deleteDelayDuration`. Each
 * pod to collect becomes a `DeletePod` in the cluster/namespace the pod runs in. Pod-level strategies
 * wait for the delay (the decide asks to be woken up); the workflow-level ones delete at completion,
 * because a completed workflow is never reconciled again (a delay there is not honoured).
 */
import type { Action, ObservedPod } from './contract.ts';
import type { ExecContext } from './context.ts';
import { isFulfilled, wakeAt } from './context.ts';
import type { NodeStatus, WorkflowPhase } from './types.ts';
import { ANNOTATION_NODE_ID } from './labels.ts';
import { parseGoDuration } from './retry/durations.ts';

/** Argo's podGC strategies. */
export type PodGCStrategy = 'OnPodCompletion' | 'OnPodSuccess' | 'OnWorkflowCompletion' | 'OnWorkflowSuccess';

interface LabelSelector {
  matchLabels?: Record<string, string>;
  matchExpressions?: { key: string; operator: string; values?: string[] }[];
}

/** Kubernetes label selector semantics (matchLabels AND matchExpressions). */
export function matchesSelector(labels: Record<string, string>, sel: LabelSelector | undefined): boolean {
  if (!sel) return true;
  for (const [k, v] of Object.entries(sel.matchLabels ?? {})) if (labels[k] !== v) return false;
  for (const e of sel.matchExpressions ?? []) {
    const has = Object.prototype.hasOwnProperty.call(labels, e.key);
    const value = labels[e.key];
    const ok =
      e.operator === 'In'
        ? has && (e.values ?? []).includes(value as string)
        : e.operator === 'NotIn'
          ? !has || !(e.values ?? []).includes(value as string)
          : e.operator === 'Exists'
            ? has
            : e.operator === 'DoesNotExist'
              ? !has
              : false;
    if (!ok) return false;
  }
  return true;
}

/** The pod-gc-strategy annotation Argo puts on pods (`<strategy>/<delay>`), when podGC is set. */
export function podGcAnnotation(ctx: ExecContext): string | undefined {
  const gc = ctx.wf.spec.podGC;
  if (!gc?.strategy) return undefined;
  return `${gc.strategy}/${gc.deleteDelayDuration ?? ''}`;
}

function delayMs(ctx: ExecContext): number {
  const d = ctx.wf.spec.podGC?.deleteDelayDuration;
  if (!d) return 0;
  try {
    return Math.max(0, parseGoDuration(d));
  } catch {
    return 0;
  }
}

/** Whether the strategy collects the pod of `node` now, given the workflow phase after this decide. */
function collects(strategy: string, node: NodeStatus | undefined, phase: WorkflowPhase | undefined): boolean {
  const wfDone = phase === 'Succeeded' || phase === 'Failed' || phase === 'Error';
  switch (strategy) {
    case 'OnPodCompletion':
      return isFulfilled(node) || wfDone;
    case 'OnPodSuccess':
      return node?.phase === 'Succeeded';
    case 'OnWorkflowCompletion':
      return wfDone;
    case 'OnWorkflowSuccess':
      return phase === 'Succeeded';
    default:
      return false;
  }
}

/**
 * Adds a `DeletePod` for every observed pod the podGC strategy collects now. Call after the workflow
 * phase is known and before pods are labelled completed (a pod being deleted is not labelled).
 */
export function collectPods(ctx: ExecContext, pods: ObservedPod[], phase: WorkflowPhase | undefined): void {
  const gc = ctx.wf.spec.podGC;
  if (!gc?.strategy) return;
  const wfDone = phase === 'Succeeded' || phase === 'Failed' || phase === 'Error';
  const delay = delayMs(ctx);
  const deleting = new Set(
    ctx.actions.flatMap((a) => (a.kind === 'DeletePod' ? [`${a.cluster}/${a.namespace}/${a.name}`] : [])),
  );
  for (const observed of gcCandidates(gc, ctx.nodes, pods, phase)) {
    const meta = observed.pod.metadata;
    if (deleting.has(`${observed.cluster}/${observed.namespace}/${meta.name}`)) continue;
    const node = ctx.nodes[meta.annotations?.[ANNOTATION_NODE_ID] ?? (meta.name as string)];
    const since = node?.finishedAt ? Date.parse(node.finishedAt) : ctx.nowDate.getTime();
    const due = since + delay;
    if (delay > 0 && !wfDone && due > ctx.nowDate.getTime()) {
      wakeAt(ctx, due);
      continue;
    }
    ctx.actions.push(gcDelete(observed, gc.strategy));
  }
}

/** The observed pods (not being deleted) that `podGC` collects, given the nodes and the workflow phase. */
export function gcCandidates(
  gc: { strategy?: string; labelSelector?: unknown } | undefined,
  nodes: Record<string, NodeStatus>,
  pods: ObservedPod[],
  phase: WorkflowPhase | undefined,
): ObservedPod[] {
  const strategy = gc?.strategy;
  if (!strategy) return [];
  return pods.filter((observed) => {
    const meta = observed.pod.metadata;
    if (!meta.name || meta.deletionTimestamp) return false;
    const node = nodes[meta.annotations?.[ANNOTATION_NODE_ID] ?? meta.name];
    return (
      collects(strategy, node, phase) &&
      matchesSelector(meta.labels ?? {}, gc.labelSelector as LabelSelector | undefined)
    );
  });
}

/** The `DeletePod` of a pod podGC collects. */
export function gcDelete(observed: ObservedPod, strategy: string): Extract<Action, { kind: 'DeletePod' }> {
  return {
    kind: 'DeletePod',
    cluster: observed.cluster,
    namespace: observed.namespace,
    name: observed.pod.metadata.name as string,
    reason: `podGC ${strategy}`,
  };
}
