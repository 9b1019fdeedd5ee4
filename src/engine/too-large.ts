/**
 * A workflow whose status cannot be stored, and a finished workflow that still has pods running.
 *
 * When the decided status does not fit in the Workflow object even with compressed nodes, the runtime
 * reports it (`Snapshot.statusTooLarge`) and the engine ends the workflow: phase Error with the size
 * message, as Argo's `persistWorkflowSizeLimitErr` does with the last stored status
 * (workflow/controller/operator.go). Argo keeps running what it started; Argosy stops it instead: every
 * live pod gets a `DeletePod`, because nothing would track those pods any more. The places of the
 * pods are kept in `status.podPlaces`, so the finalizer still finds them once the node tree is gone.
 *
 * The same rule holds for any finished workflow: it is labelled completed (and never reconciled
 * again) only once none of its pods is left running.
 */
import type { Action, Decision, ObservedPod, Snapshot } from './contract.ts';
import { WORKFLOW_FINALIZER } from './contract.ts';
import type { Condition, NodeStatus, PodPlace, WorkflowSpec, WorkflowStatus } from './types.ts';
import { ANNOTATION_POD_NAME_FORMAT, LABEL_COMPLETED, LABEL_PHASE } from './labels.ts';
import { podEffectNotes, refusedDeletes } from './pod-effects.ts';
import { owedDeletes, type OwedDeletes } from './owed-deletes.ts';
import { releaseAll } from './sync/state.ts';

/** How soon a finished workflow looks again whether the pods it stopped are gone. */
export const STOPPED_PODS_RECHECK_MS = 2_000;

/** The reason on the `DeletePod` of a pod stopped because its workflow finished without it. */
export const STOP_REASON = 'workflow finished while the pod was still running';

/** True for a pod that may still run: not finished and not being deleted. */
export function isLivePod(observed: ObservedPod): boolean {
  const phase = observed.pod.status?.phase;
  return (
    !!observed.pod.metadata.name &&
    !observed.pod.metadata.deletionTimestamp &&
    phase !== 'Succeeded' &&
    phase !== 'Failed'
  );
}

/** A `DeletePod` for every live pod of the snapshot. */
export function stopLivePods(pods: ObservedPod[], reason: string): Action[] {
  return pods.filter(isLivePod).map((p) => ({
    kind: 'DeletePod' as const,
    cluster: p.cluster,
    namespace: p.namespace,
    name: p.pod.metadata.name as string,
    reason,
  }));
}

/** The runtime reports a status that cannot be stored, or nodes that cannot be read: the workflow ends. */
export function mustEnd(snapshot: Snapshot): boolean {
  return !!snapshot.statusTooLarge || !!snapshot.offloadedNodesLost;
}

/**
 * The decision for a workflow that is finished, or must end because its status cannot be stored: stop
 * its pods still running and make the deletes its podGC/volumeClaimGC still owe (the completed label
 * waits until they are done, owed-deletes.ts), else nothing to do. `spec` is the spec it ran.
 */
export function decideFinished(snapshot: Snapshot, status: WorkflowStatus, now: Date, spec?: WorkflowSpec): Decision {
  if (snapshot.offloadedNodesLost) return endNodesLost(snapshot, now);
  if (snapshot.statusTooLarge) return endTooLarge(snapshot, now);
  return stopLeftPods(snapshot, status, 'workflow already finished', now, spec);
}

/**
 * Stops the live pods and makes the owed deletes, except those refused for good or given up (named in
 * an event and on their node instead). Failed pod actions are noted on the status' nodes.
 */
function stopLeftPods(
  snapshot: Snapshot,
  status: WorkflowStatus,
  reason: string,
  now: Date,
  spec?: WorkflowSpec,
): Decision {
  const refused = refusedDeletes(snapshot);
  const stops = stopLivePods(snapshot.pods, STOP_REASON).filter(
    (a) => a.kind !== 'DeletePod' || !refused.has(`${a.cluster}/${a.namespace}/${a.name}`),
  );
  const owed = owedDeletes(snapshot, status, spec, stops as Extract<Action, { kind: 'DeletePod' }>[], now);
  const notes = podEffectNotes(
    { ...snapshot, effects: [...(snapshot.effects ?? []), ...owed.gaveUp] },
    status.nodes ?? {},
  );
  if (notes.messages.size > 0) {
    const nodes = { ...status.nodes };
    notes.messages.forEach((message, id) => (nodes[id] = { ...(nodes[id] as NodeStatus), message }));
    status.nodes = nodes;
  }
  settleOwed(status, owed);
  // Nothing of it runs any more: its locks (held or waited for) go to the next waiters now.
  const releases = releaseAll(snapshot.workflow, snapshot.locks);
  delete status.synchronization;
  const deletes = owed.actions;
  const decision: Decision = {
    actions: [...releases, ...deletes, ...notes.events, ...owed.events],
    status,
    metadata: finishedMetadata(snapshot, status, !owed.pending),
    reasons: deletes.length > 0 ? [`${reason}; ${deletes.length} deletes still owed`] : [reason],
  };
  if (owed.pending) decision.requeueAfterMs = owed.retryInMs ?? STOPPED_PODS_RECHECK_MS;
  return decision;
}

/** The claims left and the retry bookkeeping of the owed deletes, on the finished status. */
function settleOwed(status: WorkflowStatus, owed: OwedDeletes): void {
  if (owed.claims.length > 0) status.persistentVolumeClaims = owed.claims;
  else delete status.persistentVolumeClaims;
  if (Object.keys(owed.retries).length > 0) status.effectRetries = owed.retries;
  else delete status.effectRetries;
}

/**
 * Ends a workflow whose decided status cannot be stored: the last stored status (its nodes only when
 * `keepNodes`, unfinished ones ended), phase Error with the size message, every place its pods may be
 * in, and a `DeletePod` for each of its live pods (`snapshot.pods` includes the ones just created).
 */
function endTooLarge(snapshot: Snapshot, now: Date): Decision {
  const tooLarge = snapshot.statusTooLarge as NonNullable<Snapshot['statusTooLarge']>;
  const message = `${tooLarge.message}; its pods were stopped: split the workflow, or make its outputs and messages smaller`;
  const decision = endWithError(snapshot, now, message, tooLarge.keepNodes);
  return { ...decision, reasons: ['status too large to store', ...decision.reasons] };
}

/**
 * Ends a workflow whose offloaded nodes are gone for good (Argo marks a workflow it cannot hydrate
 * Error): nothing is known of its nodes any more, so its pods are stopped and their places kept.
 */
function endNodesLost(snapshot: Snapshot, now: Date): Decision {
  const lost = snapshot.offloadedNodesLost as NonNullable<Snapshot['offloadedNodesLost']>;
  const decision = endWithError(snapshot, now, `${lost.message}; its pods were stopped`, false);
  return { ...decision, reasons: ['offloaded nodes lost', ...decision.reasons] };
}

/** The last stored status, phase Error with `message`, pods' places kept, live pods stopped. */
function endWithError(snapshot: Snapshot, now: Date, message: string, keepNodes: boolean): Decision {
  const at = now.toISOString();
  const stored = snapshot.workflow.status ?? {};
  const { nodes, effectRetries: _waits, compressedNodes: _packed, offloadNodeStatusVersion: _off, ...rest } = stored;
  const status: WorkflowStatus = {
    ...rest,
    phase: 'Error',
    startedAt: stored.startedAt ?? at,
    finishedAt: at,
    message,
    conditions: finishedConditions(stored.conditions),
    podPlaces: placesOf(snapshot, nodes),
  };
  if (keepNodes && nodes) status.nodes = endNodes(nodes, at);
  return stopLeftPods(snapshot, status, `workflow Error: ${message}`, now);
}

/** Every place the workflow's pods may be in: observed pods, places not listed, nodes' recorded places. */
function placesOf(snapshot: Snapshot, nodes: Record<string, NodeStatus> | undefined): PodPlace[] {
  const wfNs = snapshot.workflow.metadata.namespace ?? '';
  const main = snapshot.controller.clusterName;
  const seen = new Map<string, PodPlace>();
  const add = (cluster: string | undefined, namespace: string | undefined): void => {
    const place = { cluster: cluster || main, namespace: namespace || wfNs };
    seen.set(`${place.cluster}/${place.namespace}`, place);
  };
  for (const p of snapshot.workflow.status?.podPlaces ?? []) add(p.cluster, p.namespace);
  for (const p of snapshot.pods) add(p.cluster, p.namespace);
  for (const p of snapshot.unobserved ?? []) add(p.cluster, p.namespace);
  for (const n of Object.values(nodes ?? {})) {
    add(n.clusterName, n.namespace);
    for (const c of n.clusterHistory ?? []) add(c, n.namespace);
  }
  return [...seen.values()].sort((a, b) => `${a.cluster}/${a.namespace}`.localeCompare(`${b.cluster}/${b.namespace}`));
}

/** The stored nodes, with the ones still Pending/Running ended as when any workflow finishes. */
function endNodes(nodes: Record<string, NodeStatus>, at: string): Record<string, NodeStatus> {
  const out: Record<string, NodeStatus> = {};
  for (const [id, node] of Object.entries(nodes)) {
    const open = node.phase === 'Pending' || node.phase === 'Running' || !node.phase;
    out[id] = open
      ? { ...node, phase: 'Failed', message: 'workflow ended (Error) before this node finished', finishedAt: at }
      : node;
  }
  return out;
}

function finishedConditions(conditions: Condition[] | undefined): Condition[] {
  return [
    ...(conditions ?? []).filter((c) => c.type !== 'Completed' && c.type !== 'PodRunning'),
    { type: 'PodRunning', status: 'False' },
    { type: 'Completed', status: 'True' },
  ];
}

function finishedMetadata(snapshot: Snapshot, status: WorkflowStatus, completed: boolean): Decision['metadata'] {
  const meta = snapshot.workflow.metadata;
  const format = meta.annotations?.[ANNOTATION_POD_NAME_FORMAT] ?? snapshot.controller.podNameFormat ?? 'v2';
  return {
    labels: { [LABEL_PHASE]: status.phase ?? '', [LABEL_COMPLETED]: completed ? 'true' : 'false' },
    annotations: { [ANNOTATION_POD_NAME_FORMAT]: format },
    finalizers: (meta.finalizers ?? []).filter((f) => f === WORKFLOW_FINALIZER),
  };
}
