/**
 * No node is left Pending/Running inside a finished workflow. Argo updates every pod node from its pod
 * whatever the template walk does (pod reconciliation), and does not mark a workflow completed while a
 * pod's results are still to come (`checkTaskResultsInProgress` in workflow/controller/operator.go).
 * The walk here stops at the first failure of a step group, so a sibling started before it (Argo's
 * `conditionals.yaml`: a `when` that cannot be evaluated next to a running step) would never be
 * looked at again:
 * - {@link assessUnvisitedPods} updates unfinished pod nodes from their pods after the walk;
 * - {@link hasLivePods} keeps the workflow from finishing while one of its pods may still run;
 * - {@link endUnfinished} ends, when the workflow finishes, any node that can no longer progress.
 */
import type { ExecContext } from './context.ts';
import { isFulfilled, markPhase, mutableNode } from './context.ts';
import type { NodeStatus, WorkflowPhase } from './types.ts';
import { assessPod, recordFinish } from './pod/assess-pod.ts';
import { nodeTemplate } from './template.ts';

const NO_TEMPLATE = { name: '' };

/** Updates unfinished pod nodes the walk did not reach from their observed pods. */
export function assessUnvisitedPods(ctx: ExecContext): void {
  ctx.podsByNodeId.forEach((observed, id) => {
    const node = ctx.nodes[id];
    if (!node || node.type !== 'Pod' || isFulfilled(node)) return;
    const t = nodeTemplate(ctx, node);
    // A running daemon's node is its executor's (pod/daemons.ts): Pending until ready, then daemoned.
    if (t?.daemon === true && observed.pod.status?.phase === 'Running') return;
    const a = assessPod(observed, t ?? NO_TEMPLATE, false);
    if (a.phase === node.phase && (node.message ?? '') === a.message) return;
    const n = mutableNode(ctx, id);
    if (a.hostNodeName) n.hostNodeName = a.hostNodeName;
    if (a.outputs) n.outputs = a.outputs;
    recordFinish(n, a);
    markPhase(ctx, id, a.phase, a.message);
  });
}

/** True while a pod of an unfinished node exists or is being created: the workflow cannot finish yet. */
export function hasLivePods(ctx: ExecContext): boolean {
  if (ctx.actions.some((a) => a.kind === 'CreatePod')) return true;
  let live = false;
  ctx.podsByNodeId.forEach((observed, id) => {
    if (!live && !isFulfilled(ctx.nodes[id]) && !observed.pod.metadata.deletionTimestamp) live = true;
  });
  return live;
}

/** Ends the nodes still Pending/Running when the workflow finishes with `phase`. */
export function endUnfinished(ctx: ExecContext, phase: WorkflowPhase): void {
  for (const id in ctx.nodes) {
    const node = ctx.nodes[id] as NodeStatus;
    if (isFulfilled(node)) continue;
    markPhase(ctx, id, 'Failed', `workflow ended (${phase}) before this node finished`);
  }
}
