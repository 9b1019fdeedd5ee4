/**
 * Kubernetes Events for phase changes, as Argo records them: `Workflow<Phase>` when the workflow's
 * phase changes (Running: "Workflow Running", Succeeded: "Workflow completed", otherwise its message),
 * then `WorkflowNode<Phase>` for every node whose phase changed, by node name ("<Phase> node <name>:
 * <message>"), with the node's name and type as annotations. Pending is not an event. Which of them are
 * recorded is the deployment's event policy (runtime/events.ts).
 */
import type { EmitEventAction } from './contract.ts';
import { ANNOTATION_NODE_NAME, ANNOTATION_NODE_TYPE } from './labels.ts';
import type { WorkflowStatus } from './types.ts';

/** Argo's events for the phase changes between two statuses (workflow first, then nodes by name). */
export function phaseEvents(before: WorkflowStatus | undefined, after: WorkflowStatus): EmitEventAction[] {
  const out: EmitEventAction[] = [];
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
