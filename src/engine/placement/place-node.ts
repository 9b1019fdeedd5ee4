/**
 * The pod executor's hooks for templates with `placement` (docs/adr/0013-cluster-choice.md): choose
 * the cluster when the node is created (or later, while none can take it), fail over a pod that
 * cannot start, and keep pods left in a cluster the node moved away from out of its way.
 */
import type { ExecContext } from '../context.ts';
import { markPhase, mutableNode, wakeAt } from '../context.ts';
import type { ObservedPod } from '../contract.ts';
import { substituteDeep, type Resolver } from '../substitute.ts';
import type { NodeStatus, Template } from '../types.ts';
import { transientLimitMs } from '../effects.ts';
import { humanizeDuration } from '../retry/durations.ts';
import { avoidedClusters, chooseCluster, type ChoicePlace } from './choose.ts';
import { failoverIfStuck, setCluster, stuckSince, type FailoverStep } from './failover.ts';
import { placementOf } from './spec.ts';

/** How often a node that no candidate can take looks again. */
const AWAIT_RECHECK_MS = 30_000;

/** The step's placement with its parameters substituted, and where else its pods run. */
export function placementStep(
  ctx: ExecContext,
  template: Template,
  scope: Resolver,
  place: ChoicePlace,
): FailoverStep | undefined {
  const raw = placementOf(template);
  if (!raw) return undefined;
  return { placement: substituteDeep(raw, scope), place, retried: template.retryStrategy !== undefined };
}

/**
 * Chooses the new node's cluster (recorded in the node); when none can take it the node waits
 * Pending with the reasons, or ends Error when waiting cannot help. Returns true when a pod may be made.
 */
export function placeNewNode(ctx: ExecContext, node: NodeStatus, step: FailoverStep): boolean {
  const avoid = avoidedClusters(ctx, step.placement, node.name);
  return applyChoice(ctx, node, step, avoid);
}

/** A node waiting for a candidate looks again; true when it now has a cluster. */
export function placeAwaitingNode(ctx: ExecContext, node: NodeStatus, step: FailoverStep): boolean {
  const avoid = [...avoidedClusters(ctx, step.placement, node.name), ...(node.clusterHistory ?? [])];
  const waited = ctx.nowDate.getTime() - Date.parse(node.startedAt ?? ctx.now);
  const limit = transientLimitMs(ctx);
  if (limit !== undefined && waited >= limit) {
    const choice = chooseCluster(ctx, step.placement, step.place, avoid);
    if (choice.cluster === undefined) {
      markPhase(ctx, node.id, 'Error', `gave up after ${humanizeDuration(waited)}: ${choice.message}`);
      return false;
    }
  }
  return applyChoice(ctx, node, step, avoid);
}

function applyChoice(ctx: ExecContext, node: NodeStatus, step: FailoverStep, avoid: string[]): boolean {
  const choice = chooseCluster(ctx, step.placement, step.place, avoid);
  const n = mutableNode(ctx, node.id);
  if (choice.cluster !== undefined) {
    const was = n.awaitingCluster;
    setCluster(ctx, n, choice.cluster);
    if (was) markPhase(ctx, node.id, 'Pending', '');
    return true;
  }
  if (choice.final) {
    markPhase(ctx, node.id, 'Error', choice.message);
    return false;
  }
  n.awaitingCluster = true;
  delete n.clusterName;
  wakeAt(ctx, ctx.nowDate.getTime() + AWAIT_RECHECK_MS);
  markPhase(ctx, node.id, 'Pending', choice.message);
  return false;
}

/** Fails over a node whose observed pod cannot start (undefined = carry on assessing it). */
export function failoverObserved(
  ctx: ExecContext,
  node: NodeStatus,
  step: FailoverStep,
  observed: ObservedPod,
): NodeStatus | undefined {
  return failoverIfStuck(ctx, node, step, stuckSince(observed.pod), observed);
}

/** Fails over a node whose cluster has not been reachable for `failoverAfter` (undefined = carry on). */
export function failoverUnreachable(ctx: ExecContext, node: NodeStatus, step: FailoverStep): NodeStatus | undefined {
  const waiting = ctx.effects?.retries[node.id];
  if (!waiting) return undefined;
  const since = Date.parse(waiting.since);
  const stuck = { since, why: `cluster cannot be reached (${node.message ?? 'no answer'})` };
  return failoverIfStuck(ctx, node, step, stuck, undefined);
}

/**
 * Pods of nodes that moved, found in a cluster the node left: not the node's pod. They are deleted
 * (once) and never assessed. Returns true when `observed` is such a pod.
 */
export function isLeftBehind(ctx: ExecContext, node: NodeStatus | undefined, observed: ObservedPod): boolean {
  if (!node?.clusterHistory?.length) return false;
  const here = (node.clusterName || ctx.controller.clusterName) === observed.cluster;
  if (here) return false;
  const name = observed.pod.metadata.name;
  if (node.clusterHistory.includes(observed.cluster) && name && !observed.pod.metadata.deletionTimestamp)
    ctx.actions.push({
      kind: 'DeletePod',
      cluster: observed.cluster,
      namespace: observed.namespace,
      name,
      reason: `node ${node.name} moved to another cluster`,
    });
  return true;
}
