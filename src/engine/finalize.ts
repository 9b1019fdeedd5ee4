/**
 * What deleting a workflow with remote pods means, decided from what was observed (pure): which of its
 * pods to delete now, whether our finalizer may go, and when to look again. Pods outside the workflow's
 * own cluster/namespace cannot be garbage-collected through an ownerReference, so the finalizer stays
 * until none of the workflow's pods is left in any place it used — terminating ones included — and
 * every place that fails for now could be listed (a place that refuses the list for good, or has no
 * credentials, cannot be cleaned by Argosy: it is logged, not waited for). Deletes are capped per reconcile like creates (a 3,000-pod workflow must
 * not hold the queue, nor overrun one invocation); the rest continues at once on the next reconcile.
 */
import type { ObservedPod, PlaceProblem } from './contract.ts';
import { isForeignPod } from './labels.ts';

/** Pod deletes per reconcile of a workflow being deleted, unless configured. */
export const DEFAULT_MAX_POD_DELETES = 200;
/** How soon to look again while pods are still terminating or a place could not be listed. */
export const FINALIZE_RECHECK_MS = 2_000;

/** How soon to look again when only an unreachable place keeps the finalizer. */
export const UNREACHABLE_RECHECK_MS = 30_000;

export interface FinalizeInput {
  /** The UID of the workflow being deleted (pods of an earlier workflow with its name are left alone). */
  workflowUid?: string;
  /** The workflow's pods in its remote places. */
  pods: ObservedPod[];
  /** Remote places whose pods could not be listed now. */
  unobserved: PlaceProblem[];
  maxDeletes?: number;
}

export interface FinalizePlan {
  deletes: { cluster: string; namespace: string; name: string }[];
  /** Live pods left for the next reconcile (the cap). */
  deferred: number;
  /** Pods still there after this round (terminating, just deleted, or deferred). */
  remaining: number;
  /** True when nothing of the workflow is left anywhere: our finalizer may be removed. */
  removeFinalizer: boolean;
  /** Look again after this long (0 = at once); undefined when the finalizer goes. */
  requeueAfterMs?: number;
  /** Why the finalizer stays, for logs and the workflow's events. */
  reason?: string;
}

/** Decides one finalizer round. */
export function planFinalize(input: FinalizeInput): FinalizePlan {
  const mine = input.pods.filter((p) => !isForeignPod(p.pod, input.workflowUid));
  const live = mine.filter((p) => !p.pod.metadata.deletionTimestamp && p.pod.metadata.name);
  const max = Math.max(1, input.maxDeletes ?? DEFAULT_MAX_POD_DELETES);
  const deletes = live
    .slice(0, max)
    .map((p) => ({ cluster: p.cluster, namespace: p.namespace, name: p.pod.metadata.name as string }));
  const deferred = live.length - deletes.length;
  // A place that fails for now may still hold pods: wait for it. One that refuses the list for good
  // (403) can never be cleaned by us; waiting would keep the workflow Terminating forever.
  const waiting = input.unobserved.filter((p) => p.outcome.kind === 'transient');
  if (mine.length === 0 && waiting.length === 0) return { deletes, deferred, remaining: 0, removeFinalizer: true };
  const blocked = waiting.map((p) => `${p.cluster}/${p.namespace}: ${p.outcome.message}`);
  const reason = [
    mine.length > 0 ? `${mine.length} pods still there (${deletes.length} deleted now, ${deferred} next)` : '',
    blocked.length > 0 ? `cannot list pods in ${blocked.join('; ')}` : '',
  ]
    .filter(Boolean)
    .join('; ');
  return {
    deletes,
    deferred,
    remaining: mine.length,
    removeFinalizer: false,
    requeueAfterMs: deferred > 0 ? 0 : mine.length > 0 ? FINALIZE_RECHECK_MS : UNREACHABLE_RECHECK_MS,
    reason,
  };
}
