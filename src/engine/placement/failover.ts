/**
 * Moving a step whose pod cannot start where it is (docs/adr/0013-cluster-choice.md): a pod that
 * stays unschedulable or cannot pull its image, or a cluster that cannot be reached, for
 * `failoverAfter` — then the pod is deleted and the node moves to the next candidate (or, under a
 * retryStrategy, the attempt fails so the next attempt runs elsewhere).
 */
import type { ExecContext } from '../context.ts';
import { markPhase, mutableNode, wakeAt } from '../context.ts';
import type { KubePod, ObservedPod } from '../contract.ts';
import { humanizeDuration } from '../retry/durations.ts';
import type { NodeStatus } from '../types.ts';
import { chooseCluster, type ChoicePlace } from './choose.ts';
import { failoverAfterMs, type TemplatePlacement } from './spec.ts';

/** Kubernetes event reason recorded when a node moves to another cluster. */
export const FAILOVER_EVENT_REASON = 'WorkflowNodeFailover';
const IMAGE_PULL = new Set(['ErrImagePull', 'ImagePullBackOff', 'InvalidImageName']);

/** Why and since when (epoch ms) a pod cannot start, or undefined when it is not stuck. */
export function stuckSince(pod: KubePod): { since: number; why: string } | undefined {
  if (pod.status?.phase !== 'Pending' || pod.metadata.deletionTimestamp) return undefined;
  for (const c of pod.status?.conditions ?? [])
    if (c.type === 'PodScheduled' && c.status === 'False' && c.reason === 'Unschedulable') {
      const since = Date.parse(c.lastTransitionTime ?? pod.metadata.creationTimestamp ?? '');
      return Number.isNaN(since) ? undefined : { since, why: `pod unschedulable: ${c.message ?? ''}`.trim() };
    }
  for (const cs of pod.status?.containerStatuses ?? []) {
    const w = cs.state?.waiting;
    if (w?.reason && IMAGE_PULL.has(w.reason)) {
      const since = Date.parse(pod.metadata.creationTimestamp ?? '');
      const why = `container ${cs.name} cannot pull its image (${w.reason}${w.message ? `: ${w.message}` : ''})`;
      return Number.isNaN(since) ? undefined : { since, why };
    }
  }
  return undefined;
}

/** What failover needs of the node's step. */
export interface FailoverStep {
  placement: TemplatePlacement;
  place: ChoicePlace;
  /** Under a retryStrategy the attempt fails instead of moving (it is counted and retried elsewhere). */
  retried: boolean;
}

/**
 * Moves the node when its pod (or its cluster) has been stuck for `failoverAfter`; otherwise asks to be
 * woken up when that time comes. Returns the node when it moved or ended, undefined to carry on.
 */
export function failoverIfStuck(
  ctx: ExecContext,
  node: NodeStatus,
  step: FailoverStep,
  stuck: { since: number; why: string } | undefined,
  observed: ObservedPod | undefined,
): NodeStatus | undefined {
  const after = failoverAfterMs(step.placement);
  if (!stuck || after === 0) return undefined;
  const due = stuck.since + after;
  if (ctx.nowDate.getTime() < due) {
    wakeAt(ctx, due);
    return undefined;
  }
  const from = node.clusterName || ctx.controller.clusterName;
  const why = `${stuck.why} in cluster ${from} for ${humanizeDuration(ctx.nowDate.getTime() - stuck.since)}`;
  // The old pod is no longer the node's, for the rest of this decide too (the after-walk assessment).
  ctx.podsByNodeId.delete(node.id);
  if (observed && !observed.pod.metadata.deletionTimestamp && observed.pod.metadata.name)
    ctx.actions.push({
      kind: 'DeletePod',
      cluster: observed.cluster,
      namespace: observed.namespace,
      name: observed.pod.metadata.name,
      reason: `failover: ${why}`,
    });
  if (step.retried) {
    mutableNode(ctx, node.id).failedOver = true;
    event(ctx, node, `${why}; the next attempt avoids ${from}`);
    return markPhase(ctx, node.id, 'Failed', `${why}; retrying on another cluster`);
  }
  return moveNode(ctx, node, step, from, why);
}

function moveNode(ctx: ExecContext, node: NodeStatus, step: FailoverStep, from: string, why: string): NodeStatus {
  const n = mutableNode(ctx, node.id);
  n.clusterHistory = [...(n.clusterHistory ?? []), from];
  const choice = chooseCluster(ctx, step.placement, step.place, n.clusterHistory);
  if (choice.cluster === undefined) {
    if (choice.final) return markPhase(ctx, node.id, 'Error', `${why}; ${choice.message}`);
    n.awaitingCluster = true;
    delete n.clusterName;
    wakeAt(ctx, ctx.nowDate.getTime() + 30_000);
    return markPhase(ctx, node.id, 'Pending', `${why}; ${choice.message}`);
  }
  setCluster(ctx, n, choice.cluster);
  const message = `moved from ${from} to ${choice.cluster}: ${why}`;
  event(ctx, node, message);
  // The new pod is created on the next decide, once the old one is seen going (same name, new place).
  wakeAt(ctx, ctx.nowDate.getTime() + 1000);
  return markPhase(ctx, node.id, 'Pending', message);
}

/** Records the chosen cluster the way every node records its place (absent = the main cluster). */
export function setCluster(ctx: ExecContext, n: NodeStatus, cluster: string): void {
  delete n.awaitingCluster;
  if (cluster === ctx.controller.clusterName) delete n.clusterName;
  else n.clusterName = cluster;
}

function event(ctx: ExecContext, node: NodeStatus, message: string): void {
  ctx.actions.push({
    kind: 'EmitEvent',
    type: 'Warning',
    reason: FAILOVER_EVENT_REASON,
    message: `${node.name}: ${message}`,
  });
}
