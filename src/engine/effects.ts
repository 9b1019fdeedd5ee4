/**
 * What the engine makes of effects that did not happen. The runtime reports the pod creates of the
 * previous decision that the API server refused or that failed for now (`Snapshot.effects`), and the
 * places whose pods it could not list (`Snapshot.unobserved`).
 * - Refused (400, 403, 404, 422, …): final for the node. It ends Error with the server's message, which
 *   then counts as an Error attempt for retries and as a failed child for failFast/continueOn, as any
 *   Error node does.
 * - Failed for now (unreachable, 5xx, 429, 401, 403 `exceeded quota`): the node keeps its phase and says what it waits for
 *   (`waiting for cluster other: … (retrying, 3 attempts)`), a Warning event is recorded when the wait
 *   starts, and the workflow wakes up again with a backoff. A missing pod in a place that could not be
 *   listed is never read as "pod deleted". After the bound (controller setting, else the workflow's
 *   deadline, else one hour) the node ends Error.
 * - A memoization cache write that did not happen (refused, or still conflicting): the node ends Error.
 * The attempts are kept in `status.effectRetries` (by node ID), so the count survives reconciles.
 */
import type { CreateEffect, Snapshot } from './contract.ts';
import type { ExecContext } from './context.ts';
import { isFulfilled, markPhase, mutableNode, wakeAt } from './context.ts';
import { podEffectNotes } from './pod-effects.ts';
import type { NodeStatus, WorkflowStatus } from './types.ts';
import { humanizeDuration } from './retry/durations.ts';
import type { EffectState } from './effect-state.ts';

export type { EffectState } from './effect-state.ts';

/** Bound of a node's wait for a cluster when neither the controller nor the workflow sets one. */
export const DEFAULT_TRANSIENT_TIMEOUT_MS = 60 * 60 * 1000;
/** Longest pause between two attempts while waiting for a cluster. */
export const MAX_RETRY_BACKOFF_MS = 30_000;
/** Kubernetes event reason recorded when a node starts waiting for a cluster. */
export const WAITING_EVENT_REASON = 'WorkflowNodeWaiting';

/** The node message of a create the API server refused, e.g. `pod create refused by other/ns: …`. */
export function refusedCreateMessage(r: CreateEffect): string {
  return `pod create refused by ${r.cluster}/${r.namespace}: ${r.outcome.message}`;
}

/** Applies the previous round's refusals to their nodes and sets up the waits, before the walk. */
export function prepareEffects(ctx: ExecContext, snapshot: Snapshot, status: WorkflowStatus): void {
  const transient: EffectState['transient'] = new Map();
  notePodEffects(ctx, snapshot);
  for (const r of snapshot.effects ?? []) {
    if (!('nodeId' in r)) continue;
    const node = ctx.nodes[r.nodeId];
    // A memoization cache write that did not happen ends its (Succeeded) node Error, as Argo's Save does.
    if (node && r.kind === 'SaveMemoEntry') markPhase(ctx, r.nodeId, 'Error', r.outcome.message);
    if (!node || isFulfilled(node)) continue;
    if (r.outcome.kind === 'rejected') markPhase(ctx, r.nodeId, 'Error', refusedCreateMessage(r));
    else transient.set(r.nodeId, r.outcome);
  }
  const unobserved = new Map((snapshot.unobserved ?? []).map((p) => [`${p.cluster}/${p.namespace}`, p]));
  const retries = status.effectRetries ?? {};
  if (transient.size === 0 && unobserved.size === 0 && Object.keys(retries).length === 0) return;
  ctx.effects = { transient, unobserved, retries, next: {} };
}

/** Failed pod deletes and labels: a note on the pod's node and a Warning event (pod-effects.ts). */
function notePodEffects(ctx: ExecContext, snapshot: Snapshot): void {
  const notes = podEffectNotes(snapshot, ctx.nodes);
  notes.messages.forEach((message, id) => {
    mutableNode(ctx, id).message = message;
  });
  ctx.actions.push(...notes.events);
}

/**
 * For a node without an observed pod: when its place could not be listed, or its create failed for
 * now, the node waits (or ends Error) instead of being created again or read as deleted.
 */
export function holdNode(
  ctx: ExecContext,
  node: NodeStatus,
  place: { cluster: string; namespace: string },
): NodeStatus | undefined {
  const fx = ctx.effects;
  if (!fx) return undefined;
  const problem = fx.unobserved.get(`${place.cluster}/${place.namespace}`);
  if (problem?.outcome.kind === 'rejected')
    return markPhase(
      ctx,
      node.id,
      'Error',
      `pod list refused by ${place.cluster}/${place.namespace}: ${problem.outcome.message}`,
    );
  const created = fx.transient.get(node.id);
  // A create the ResourceQuota admission plugin refused: room comes back as other pods end or the quota
  // changes, so, as Argo's controller does (requeueIfTransientErr → markNodePending), the node stays
  // Pending with the message and is tried again without the bound of a wait for a cluster; the
  // workflow's deadline and the template's timeout still end it.
  if (created?.quota)
    return waitForCluster(ctx, fx, node, place.cluster, created.message, 'waiting for quota in cluster', false);
  if (created !== undefined) return waitForCluster(ctx, fx, node, place.cluster, created.message);
  if (!problem) return undefined;
  if (!problem.noCredentials) return waitForCluster(ctx, fx, node, place.cluster, problem.outcome.message);
  // Without credentials only nodes that already had their pod created wait; a new node goes on to the
  // placement check, which refuses the place and says how to configure it.
  if (!ctx.wf.status?.nodes?.[node.id]) return undefined;
  return waitForCluster(ctx, fx, node, place.cluster, problem.outcome.message, 'cannot observe cluster');
}

function waitForCluster(
  ctx: ExecContext,
  fx: EffectState,
  node: NodeStatus,
  cluster: string,
  why: string,
  what = 'waiting for cluster',
  bounded = true,
): NodeStatus {
  const prev = fx.retries[node.id];
  const attempts = !prev ? 1 : prev.last === ctx.now ? prev.attempts : prev.attempts + 1;
  const since = prev?.since ?? ctx.now;
  const limit = bounded ? transientLimitMs(ctx) : undefined;
  const waited = ctx.nowDate.getTime() - Date.parse(since);
  if (limit !== undefined && waited >= limit)
    return markPhase(
      ctx,
      node.id,
      'Error',
      `gave up waiting for cluster ${cluster} after ${humanizeDuration(waited)} (${plural(attempts)}): ${why}`,
    );
  fx.next[node.id] = { attempts, since, last: ctx.now };
  wakeAt(ctx, ctx.nowDate.getTime() + Math.min(MAX_RETRY_BACKOFF_MS, 1000 * 2 ** Math.min(attempts - 1, 10)));
  const message = `${what} ${cluster}: ${why} (retrying, ${plural(attempts)})`;
  if (!prev)
    ctx.actions.push({
      kind: 'EmitEvent',
      type: 'Warning',
      reason: WAITING_EVENT_REASON,
      message: `${node.name}: ${message}`,
    });
  return markPhase(ctx, node.id, node.phase ?? 'Pending', message);
}

/** How long a node may wait for a cluster: the controller's bound, else the workflow's deadline, else one hour. */
export function transientLimitMs(ctx: ExecContext): number | undefined {
  return (
    ctx.controller.transientTimeoutMs ?? (ctx.wf.spec.activeDeadlineSeconds ? undefined : DEFAULT_TRANSIENT_TIMEOUT_MS)
  );
}

function plural(attempts: number): string {
  return attempts === 1 ? '1 attempt' : `${attempts} attempts`;
}

/** Stores the waits still going on (and drops the field when there are none). */
export function finishEffects(ctx: ExecContext, status: WorkflowStatus): void {
  if (!ctx.effects) return;
  if (Object.keys(ctx.effects.next).length > 0) status.effectRetries = ctx.effects.next;
  else delete status.effectRetries;
}
