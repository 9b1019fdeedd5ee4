/**
 * The workflow's `activeDeadlineSeconds`: the decide wakes up at the deadline; past it, every
 * unfinished pod node (and every Pending node and active Suspend node) that is not part of an exit
 * handler fails with `Step exceeded its deadline`, its pod is deleted, and no new pod is created
 * (`ctx.deadlineExceeded`). Exit handlers still run and ignore the deadline.
 */
import type { ExecContext } from './context.ts';
import { isFulfilled, markPhase } from './context.ts';
import type { NodeStatus } from './types.ts';
import { DEADLINE_MESSAGE } from './pod/execute-pod.ts';
import { workflowDeadline } from './pod/build-pod.ts';
import { isPartOfExitHandler } from './exit/run-exit.ts';

function isStoppedByDeadline(node: NodeStatus): boolean {
  if (isFulfilled(node)) return false;
  return node.type === 'Pod' || node.phase === 'Pending' || (node.type === 'Suspend' && node.phase === 'Running');
}

/** Applies the workflow deadline; returns the milliseconds left when it has not passed yet. */
export function applyWorkflowDeadline(ctx: ExecContext): number | undefined {
  const deadline = workflowDeadline(ctx);
  if (deadline === undefined) return undefined;
  const left = deadline - ctx.nowDate.getTime();
  if (left > 0) return left;
  ctx.deadlineExceeded = true;
  for (const id in ctx.nodes) {
    const node = ctx.nodes[id] as NodeStatus;
    if (!isStoppedByDeadline(node) || isPartOfExitHandler(ctx.nodes, node)) continue;
    markPhase(ctx, node.id, 'Failed', DEADLINE_MESSAGE);
    const observed = node.type === 'Pod' ? ctx.podsByNodeId.get(node.id) : undefined;
    if (observed?.pod.metadata.name) {
      ctx.actions.push({
        kind: 'DeletePod',
        cluster: observed.cluster,
        namespace: observed.namespace,
        name: observed.pod.metadata.name,
        reason: DEADLINE_MESSAGE,
      });
    }
  }
  return undefined;
}
