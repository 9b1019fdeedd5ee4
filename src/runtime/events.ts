/**
 * Kubernetes Events on the Workflow, as the engine decides them (Argo's reasons WorkflowRunning,
 * WorkflowSucceeded, WorkflowNodeFailed, … from engine/phase-events.ts, and the engine's own). Events
 * are API writes too, so by default only the workflow's outcome and node failures are recorded (policy
 * `important`; see docs/adr/0003-status-writes.md). Event names are
 * deterministic (workflow + hash of reason and message), so a retried reconcile does not record the
 * same event twice. Events are best effort: a failure is logged, never fails the reconcile.
 */
import { createHash } from 'node:crypto';
import type { EmitEventAction } from '../engine/contract.ts';
import type { Workflow } from '../engine/types.ts';
import type { Logger } from '../logger.ts';
import type { ClusterRegistry } from '../ports/kube.ts';
import { isAlreadyExists } from '../adapters/kube/errors.ts';

/** Which events are recorded: none, workflow-level + node failures, or every one the engine emits. */
export type EventPolicy = 'none' | 'important' | 'all';

/** An event to record: the engine's action (node events carry the node's name/type as annotations). */
export type EmitEvent = EmitEventAction;

const IMPORTANT = new Set([
  'WorkflowSucceeded',
  'WorkflowFailed',
  'WorkflowError',
  'WorkflowTimedOut',
  'WorkflowNodeFailed',
  'WorkflowNodeError',
  // A node waiting for a cluster that fails for now (engine/effects.ts): the user must see why.
  'WorkflowNodeWaiting',
  // A node moved to another cluster (engine/placement/failover.ts): where it runs changed.
  'WorkflowNodeFailover',
  // A pod that could not be deleted or labelled completed (engine/pod-effects.ts).
  'WorkflowPodDeleteFailed',
  'WorkflowPodLabelFailed',
  // A claim (volumeClaimGC) that could not be deleted (engine/owed-deletes.ts).
  'WorkflowClaimDeleteFailed',
  // Artifact GC that failed or could not run (engine/artifact-gc): objects left in the repository.
  'ArtifactGCFailed',
]);

/** Whether the policy records an event with this reason. */
export function shouldRecordEvent(policy: EventPolicy, reason: string): boolean {
  if (policy === 'none') return false;
  if (policy === 'all') return true;
  return IMPORTANT.has(reason);
}

/** Records one event; returns whether an API write happened. */
export async function emitWorkflowEvent(
  deps: { registry: ClusterRegistry; logger: Logger; events?: EventPolicy; now: () => Date },
  workflow: Workflow,
  action: EmitEvent,
): Promise<boolean> {
  if (!shouldRecordEvent(deps.events ?? 'important', action.reason)) return false;
  const ns = workflow.metadata.namespace ?? '';
  const wf = workflow.metadata.name ?? '';
  const hash = createHash('sha256')
    .update(`${workflow.metadata.uid ?? ''}|${action.reason}|${action.message}`)
    .digest('hex');
  const time = deps.now().toISOString();
  const body = {
    apiVersion: 'v1',
    kind: 'Event',
    metadata: { name: `${wf}.${hash.slice(0, 16)}`, namespace: ns, annotations: action.annotations },
    involvedObject: {
      apiVersion: 'argoproj.io/v1alpha1',
      kind: 'Workflow',
      name: wf,
      namespace: ns,
      uid: workflow.metadata.uid,
      resourceVersion: workflow.metadata.resourceVersion,
    },
    reason: action.reason,
    message: action.message,
    type: action.type,
    source: { component: 'argosy' },
    firstTimestamp: time,
    lastTimestamp: time,
    count: 1,
    reportingComponent: 'argosy',
  };
  try {
    await deps.registry.mainClient().request({ method: 'POST', path: `/api/v1/namespaces/${ns}/events`, body });
    return true;
  } catch (e) {
    if (!isAlreadyExists(e)) deps.logger.warn('could not record event', { reason: action.reason, error: e });
    return false;
  }
}
