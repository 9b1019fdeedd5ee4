/**
 * The deletes a finished workflow still owes, and what the engine makes of those that did not happen:
 * pods still running (stopped, too-large.ts), pods its `podGC` collects and claims its `volumeClaimGC`
 * deletes. The completing decide plans them; when one fails, the next round of the reconcile (and every
 * later reconcile, since the workflow is not labelled completed) comes here:
 * - refused for good (403, 404 of a namespace, …): asking again cannot help. A Warning event names the
 *   object, its place and the server's message (a pod's node says it too, pod-effects.ts; a claim stays
 *   in `status.persistentVolumeClaims`, so deleting the workflow tries again) and the workflow is
 *   labelled completed without it;
 * - failed for now (5xx, 429, 401, unreachable): asked again after a backoff (2 s doubling to 30 s;
 *   attempts in `status.effectRetries` under `pod:`/`claim:` keys) with the completed label withheld,
 *   until the bound (the controller's transient timeout, else one hour); then it is given up with a
 *   Warning event naming it, its place and the last error.
 */
import type { Action, ClaimEffect, EmitEventAction, PodEffect, Snapshot } from './contract.ts';
import type { EffectRetry, VolumeClaimEntry, WorkflowSpec, WorkflowStatus } from './types.ts';
import { gcCandidates, gcDelete } from './pod-gc.ts';
import { claimGcCollects } from './pod/claims.ts';
import { DEFAULT_TRANSIENT_TIMEOUT_MS, MAX_RETRY_BACKOFF_MS } from './effects.ts';
import { humanizeDuration } from './retry/durations.ts';

/** Kubernetes event reason when a claim of the workflow could not be deleted. */
export const CLAIM_DELETE_FAILED_REASON = 'WorkflowClaimDeleteFailed';
/** The first pause before a failed delete of a finished workflow is asked again. */
export const FIRST_DELETE_RETRY_MS = 2_000;
/** The outcome reason of a delete given up after the bound (pod-effects.ts words its note). */
export const GAVE_UP = 'GaveUp';

type Delete = Extract<Action, { kind: 'DeletePod' | 'DeleteClaim' }>;

export interface OwedDeletes {
  /** The deletes to ask now. */
  actions: Delete[];
  /** Claim events (pods' are pod-effects.ts notes). */
  events: EmitEventAction[];
  /** Pod deletes given up after the bound: noted on their nodes as refusals are. */
  gaveUp: PodEffect[];
  /** Retry bookkeeping to store (`status.effectRetries`). */
  retries: Record<string, EffectRetry>;
  /** The completed label waits: a pod is still to go, or a delete failed for now. */
  pending: boolean;
  /** When a delete failed for now: the backoff before the next try. */
  retryInMs?: number;
  /** `status.persistentVolumeClaims` after this decide (deleted ones leave it). */
  claims: VolumeClaimEntry[];
}

/**
 * The owed deletes of finished `status`: `stops` (live pods) plus what `spec`'s podGC and volumeClaimGC
 * collect, minus refusals and give-ups, with this reconcile's failures (`snapshot.effects`) decided.
 */
export function owedDeletes(
  snapshot: Snapshot,
  status: WorkflowStatus,
  spec: WorkflowSpec | undefined,
  stops: Delete[],
  now: Date,
): OwedDeletes {
  const out: OwedDeletes = { actions: [], events: [], gaveUp: [], retries: {}, pending: false, claims: [] };
  const stopped = new Set(stops.map(keyOf));
  const gc = gcCandidates(spec?.podGC, status.nodes ?? {}, snapshot.pods, status.phase)
    .map((p) => gcDelete(p, spec?.podGC?.strategy ?? ''))
    .filter((d) => !stopped.has(keyOf(d)));
  for (const d of [...stops, ...gc]) owe(out, snapshot, status, d, now);
  const entries = claimEntries(snapshot, status);
  const strategy = String((spec?.volumeClaimGC as { strategy?: string } | undefined)?.strategy ?? '');
  for (const entry of entries) {
    if (!claimGcCollects(strategy, status.phase) || !owe(out, snapshot, status, claimDelete(entry, strategy), now))
      out.claims.push(entry);
  }
  return out;
}

/**
 * Decides one delete; true when it is asked now with the outcome not known yet (a claim then leaves
 * the status, as when the completing decide asked for it).
 */
function owe(out: OwedDeletes, snapshot: Snapshot, status: WorkflowStatus, d: Delete, now: Date): boolean {
  const key = keyOf(d);
  const failed = effectOf(snapshot, d);
  const stored = status.effectRetries?.[key];
  if (failed?.outcome.kind === 'rejected') {
    if (d.kind === 'DeleteClaim') out.events.push(claimEvent(d, failed.outcome.message, ' (refused)'));
    return false;
  }
  const at = now.toISOString();
  const retry: EffectRetry | undefined = failed
    ? { attempts: (stored?.attempts ?? 0) + 1, since: stored?.since ?? at, last: at, message: failed.outcome.message }
    : stored;
  const waited = retry ? now.getTime() - Date.parse(retry.since) : 0;
  if (retry && waited >= (snapshot.controller.transientTimeoutMs ?? DEFAULT_TRANSIENT_TIMEOUT_MS)) {
    giveUp(out, d, retry, waited);
    return false;
  }
  out.actions.push(d);
  if (retry) out.retries[key] = retry;
  if (d.kind === 'DeletePod' || failed) out.pending = true;
  if (failed) {
    const backoff = Math.min(MAX_RETRY_BACKOFF_MS, FIRST_DELETE_RETRY_MS * 2 ** Math.min(retry!.attempts - 1, 10));
    out.retryInMs = Math.min(out.retryInMs ?? backoff, backoff);
    if (d.kind === 'DeleteClaim') out.events.push(claimEvent(d, failed.outcome.message, ' (will be retried)'));
  }
  return !failed;
}

function giveUp(out: OwedDeletes, d: Delete, retry: EffectRetry, waited: number): void {
  const message = `${retry.message ?? 'failed'} (gave up after ${humanizeDuration(waited)}, ${retry.attempts} attempts)`;
  if (d.kind === 'DeleteClaim') out.events.push(claimEvent(d, message, ''));
  else
    out.gaveUp.push({
      kind: 'DeletePod',
      cluster: d.cluster,
      namespace: d.namespace,
      name: d.name,
      outcome: { kind: 'rejected', statusCode: 0, reason: GAVE_UP, message },
    });
}

/** The stored claims, and those a failed delete of this reconcile puts back (the decide before dropped them). */
function claimEntries(snapshot: Snapshot, status: WorkflowStatus): VolumeClaimEntry[] {
  const entries = [...(status.persistentVolumeClaims ?? [])];
  const wfName = snapshot.workflow.metadata.name ?? '';
  for (const r of snapshot.effects ?? []) {
    if (r.kind !== 'DeleteClaim') continue;
    if (entries.some((e) => e.persistentVolumeClaim.claimName === r.name && e.clusterName === r.cluster)) continue;
    const name = r.name.startsWith(`${wfName}-`) ? r.name.slice(wfName.length + 1) : r.name;
    entries.push({
      name,
      persistentVolumeClaim: { claimName: r.name },
      clusterName: r.cluster,
      namespace: r.namespace,
    });
  }
  return entries;
}

function claimDelete(entry: VolumeClaimEntry, strategy: string): Delete {
  return {
    kind: 'DeleteClaim',
    cluster: entry.clusterName,
    namespace: entry.namespace,
    name: entry.persistentVolumeClaim.claimName,
    reason: `volumeClaimGC ${strategy || 'OnWorkflowSuccess'}`,
  };
}

function claimEvent(d: Delete, message: string, then: string): EmitEventAction {
  return {
    kind: 'EmitEvent',
    type: 'Warning',
    reason: CLAIM_DELETE_FAILED_REASON,
    message: `persistentvolumeclaim ${d.name} could not be deleted in ${d.cluster}/${d.namespace}: ${message}${then}`,
  };
}

function effectOf(snapshot: Snapshot, d: Delete): PodEffect | ClaimEffect | undefined {
  return (snapshot.effects ?? []).find(
    (r): r is PodEffect | ClaimEffect =>
      r.kind === d.kind && 'name' in r && r.name === d.name && r.cluster === d.cluster && r.namespace === d.namespace,
  );
}

function keyOf(d: Delete): string {
  return `${d.kind === 'DeletePod' ? 'pod' : 'claim'}:${d.cluster}/${d.namespace}/${d.name}`;
}
