/**
 * What the reconcile does around the decided actions, decided here so the runtime only executes
 * (read → decide → apply → write):
 * - the workflow's metadata is stored first when it adds the finalizer and an action makes a pod or task
 *   set outside the workflow's own cluster/namespace: once such a pod exists, only the finalizer can
 *   clean it up (garbage collection does not cross clusters or namespaces);
 * - at most `Snapshot.podCreateBudget` pod creates, in the engine's order; the nodes of the others stay
 *   Pending without a pod, so the next decide (asked for at once) plans them again;
 * - the Kubernetes events of the phase changes from the stored status (phase-events.ts).
 */
import type { Action, Decision, Snapshot } from './contract.ts';
import { phaseEvents } from './phase-events.ts';

/** The decision with the metadata-first flag, the pod-create cap and the phase events applied. */
export function planReconcile(snapshot: Snapshot, decision: Decision): Decision {
  const out: Decision = { ...decision };
  const budget = snapshot.podCreateBudget;
  if (budget !== undefined) {
    const { kept, deferred } = capPodCreates(decision.actions, budget);
    out.actions = kept;
    // The walk already built no more pods than the budget (pod/execute-pod.ts); creates planned elsewhere
    // (agents, retries of refused creates) are held to it here.
    if (deferred > 0) out.deferredCreates = (decision.deferredCreates ?? 0) + deferred;
  }
  if (addsFinalizer(snapshot, out) && makesRemote(snapshot, out.actions)) out.metadataFirst = true;
  const events = phaseEvents(snapshot.storedStatus ?? snapshot.workflow.status, out.status);
  if (events.length > 0) out.phaseEvents = events;
  return out;
}

/** Keeps at most `max` CreatePod actions (in the engine's order); counts the rest. */
export function capPodCreates(actions: Action[], max: number): { kept: Action[]; deferred: number } {
  let creates = 0;
  let deferred = 0;
  const kept = actions.filter((a) => {
    if (a.kind !== 'CreatePod') return true;
    if (creates < max) {
      creates++;
      return true;
    }
    deferred++;
    return false;
  });
  return { kept, deferred };
}

function addsFinalizer(snapshot: Snapshot, decision: Decision): boolean {
  const have = new Set(snapshot.workflow.metadata.finalizers ?? []);
  return decision.metadata.finalizers.some((f) => !have.has(f));
}

/** An action that makes something outside the workflow's own cluster and namespace. */
function makesRemote(snapshot: Snapshot, actions: Action[]): boolean {
  const wfNs = snapshot.workflow.metadata.namespace ?? '';
  const main = snapshot.controller.clusterName;
  return actions.some(
    (a) => (a.kind === 'CreatePod' || a.kind === 'ApplyTaskSet') && (a.cluster !== main || a.namespace !== wfNs),
  );
}
