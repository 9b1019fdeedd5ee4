/**
 * Which pods a reconcile lists. Argo's controller only watches pods not yet labelled
 * `workflows.argoproj.io/completed` (workflow/controller/controller.go newWorkflowPodWatch), and a pod
 * is labelled only once the status recording its node's outcome is stored (decide.ts, `afterStatusWrite`),
 * so a running workflow's reconcile lists its unfinished pods only: at 100,000 pods that is a few
 * thousand objects instead of 84 MB (docs/adr/0026-unfinished-pods-list.md). What needs finished pods:
 * - a finished workflow (owed podGC deletes, too-large.ts) and a deleted one: everything, listed up front;
 * - podGC with a pod-level `deleteDelayDuration`: the pod is labelled before its delete is due;
 * - the decision that completes a workflow with podGC (workflow-level deletes of every pod), and a
 *   Running pod node whose pod is not among the unfinished ones (labelled, or gone): asked for by
 *   {@link finishedPodsWanted}, after which the runtime decides again with them.
 */
import type { ObservedPod, Snapshot } from './contract.ts';
import type { PodScope } from './labels.ts';
import { ANNOTATION_NODE_ID } from './labels.ts';
import type { NodeStatus, Workflow, WorkflowStatus } from './types.ts';

function isDone(phase: string | undefined): boolean {
  return phase === 'Succeeded' || phase === 'Failed' || phase === 'Error';
}

/** The pods a reconcile of `wf` (as read) lists before deciding. */
export function podListScope(wf: Workflow): PodScope {
  if (wf.metadata.deletionTimestamp || isDone(wf.status?.phase)) return 'all';
  const gc = wf.spec.podGC;
  const podLevel = gc?.strategy === 'OnPodCompletion' || gc?.strategy === 'OnPodSuccess';
  return podLevel && gc?.deleteDelayDuration ? 'all' : 'unfinished';
}

/**
 * Why this decision needs the finished pods too (undefined: it does not): the snapshot held only the
 * unfinished ones and either the workflow completes with podGC, or a pod node stored Running has no pod
 * among them (its pod was labelled, or is gone: only the full list tells which).
 */
export function finishedPodsWanted(snapshot: Snapshot, status: WorkflowStatus): string | undefined {
  if (!snapshot.unfinishedPodsOnly) return undefined;
  if (isDone(status.phase) && snapshot.workflow.spec.podGC?.strategy)
    return `podGC ${snapshot.workflow.spec.podGC.strategy} at completion`;
  const missing = runningWithoutPod(snapshot.workflow.status?.nodes ?? {}, snapshot.pods);
  return missing ? `pod of running node ${missing} not among the unfinished pods` : undefined;
}

/** The first pod node stored Running whose pod is not observed, if any. */
export function runningWithoutPod(nodes: Record<string, NodeStatus>, pods: ObservedPod[]): string | undefined {
  let seen: Set<string> | undefined;
  for (const id in nodes) {
    const n = nodes[id];
    if (n?.type !== 'Pod' || n.phase !== 'Running') continue;
    seen ??= new Set(pods.map((p) => p.pod.metadata.annotations?.[ANNOTATION_NODE_ID] ?? p.pod.metadata.name ?? ''));
    if (!seen.has(id)) return id;
  }
  return undefined;
}
