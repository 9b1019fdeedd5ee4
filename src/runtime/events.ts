/**
 * Kubernetes Events on the Workflow, as Argo records them (reason WorkflowRunning, WorkflowSucceeded,
 * WorkflowNodeFailed, ...). Events are API writes too, so by default only the workflow's outcome and
 * node failures are recorded (policy `important`; see docs/adr/0003-status-writes.md). They are
 * derived here from the phase transitions between the stored and the decided status, with Argo's
 * reasons and messages. Event names are
 * deterministic (workflow + hash of reason and message), so a retried reconcile does not record the
 * same event twice. Events are best effort: a failure is logged, never fails the reconcile.
 */
import { createHash } from 'node:crypto';
import type { Action } from '../engine/contract.ts';
import { ANNOTATION_NODE_NAME, ANNOTATION_NODE_TYPE } from '../engine/labels.ts';
import type { Workflow, WorkflowStatus } from '../engine/types.ts';
import type { Logger } from '../logger.ts';
import type { ClusterRegistry } from '../ports/kube.ts';
import { isAlreadyExists } from '../adapters/kube/errors.ts';

/** Which events are recorded: none, workflow-level + node failures, or every one the engine emits. */
export type EventPolicy = 'none' | 'important' | 'all';

/** An event to record: the engine's action, plus annotations (node events carry the node's name/type). */
export type EmitEvent = Extract<Action, { kind: 'EmitEvent' }> & { annotations?: Record<string, string> };

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
  // Artifact GC that failed or could not run (engine/artifact-gc): objects left in the repository.
  'ArtifactGCFailed',
]);

/** Whether the policy records an event with this reason. */
export function shouldRecordEvent(policy: EventPolicy, reason: string): boolean {
  if (policy === 'none') return false;
  if (policy === 'all') return true;
  return IMPORTANT.has(reason);
}

/** Argo's events for the phase changes between two statuses (workflow first, then nodes by name). */
export function deriveEvents(before: WorkflowStatus | undefined, after: WorkflowStatus): EmitEvent[] {
  const out: EmitEvent[] = [];
  const was = before?.phase ?? '';
  const now = after.phase ?? '';
  if (now !== was && now !== '' && now !== 'Pending') {
    const message =
      now === 'Running' ? 'Workflow Running' : now === 'Succeeded' ? 'Workflow completed' : (after.message ?? now);
    out.push({
      kind: 'EmitEvent',
      type: now === 'Running' || now === 'Succeeded' ? 'Normal' : 'Warning',
      reason: `Workflow${now}`,
      message,
    });
  }
  const nodes = Object.values(after.nodes ?? {}).sort((a, b) => a.name.localeCompare(b.name));
  for (const node of nodes) {
    const phase = node.phase ?? '';
    if (!phase || phase === 'Pending' || phase === before?.nodes?.[node.id]?.phase) continue;
    const failed = phase === 'Failed' || phase === 'Error';
    out.push({
      kind: 'EmitEvent',
      type: failed ? 'Warning' : 'Normal',
      reason: `WorkflowNode${phase}`,
      message: `${phase} node ${node.name}${node.message ? `: ${node.message}` : ''}`,
      annotations: { [ANNOTATION_NODE_NAME]: node.name, [ANNOTATION_NODE_TYPE]: node.type },
    });
  }
  return out;
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
