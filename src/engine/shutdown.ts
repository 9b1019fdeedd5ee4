/**
 * `spec.shutdown` (set by `argosy stop|terminate`): `Terminate` stops every
 * unfinished pod node, exit handlers included, and starts nothing new; `Stop` does the same for
 * everything but exit handlers, which still run. Stopped nodes end `Failed` with
 * `Stopped with strategy '<Stop|Terminate>'` and their pods are deleted (in whichever cluster they run);
 * a workflow that ends Failed/Error while shutting down carries the same message.
 */
import type { ExecContext } from './context.ts';
import { isFulfilled, markPhase, wakeAt } from './context.ts';
import type { NodeStatus, WorkflowPhase } from './types.ts';

export type ShutdownStrategy = 'Stop' | 'Terminate';

/** The workflow's shutdown strategy, if one is set. */
export function shutdownOf(ctx: ExecContext): ShutdownStrategy | undefined {
  const s = ctx.wf.spec.shutdown;
  return s === 'Stop' || s === 'Terminate' ? s : undefined;
}

/** Argo's node and workflow message for a shutdown. */
export function shutdownMessage(strategy: ShutdownStrategy): string {
  return `Stopped with strategy '${strategy}'`;
}

/** Argo's `IsPartOfExitHandler`: the node, or a boundary above it, is an exit-handler node (`….onExit`). */
function isInExitHandler(nodes: Record<string, NodeStatus>, node: NodeStatus): boolean {
  let current: NodeStatus | undefined = node;
  for (let hops = 0; current && hops < 1000; hops++) {
    if ((current.displayName ?? current.name).endsWith('.onExit')) return true;
    current = current.boundaryID ? nodes[current.boundaryID] : undefined;
  }
  return false;
}

/** True when the shutdown strategy stops this (unfinished) node: always for Terminate, not exit handlers for Stop. */
export function isStoppedByShutdown(ctx: ExecContext, node: NodeStatus): boolean {
  const s = shutdownOf(ctx);
  if (!s) return false;
  return s === 'Terminate' || !isInExitHandler(ctx.nodes, node);
}

/** The workflow message when it ends in `phase` during a shutdown (Argo: only for Failed/Error). */
export function workflowShutdownMessage(ctx: ExecContext, phase: WorkflowPhase): string | undefined {
  const s = shutdownOf(ctx);
  return s && (phase === 'Failed' || phase === 'Error') ? shutdownMessage(s) : undefined;
}

/**
 * Fails the active Suspend nodes a shutdown stops (pods are stopped by the pod executor). Called before
 * the walk, and after it for Suspend nodes the walk itself started, with a wake-up so the parents roll up.
 */
export function stopSuspendNodes(ctx: ExecContext, afterWalk = false): void {
  const s = shutdownOf(ctx);
  if (!s) return;
  for (const id in ctx.nodes) {
    const node = ctx.nodes[id] as NodeStatus;
    if (node.type !== 'Suspend' || isFulfilled(node) || !isStoppedByShutdown(ctx, node)) continue;
    markPhase(ctx, id, 'Failed', shutdownMessage(s));
    if (afterWalk) wakeAt(ctx, ctx.nowDate.getTime());
  }
}
