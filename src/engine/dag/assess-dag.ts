/**
 * DAG phase (Argo's `assessDAGPhase`): each task carries a branch phase (its own when it completed,
 * inherited through Skipped/Omitted tasks, Failed/Error winning). Targets decide: any unfulfilled ⇒
 * Running; a target whose branch failed (and whose task is not continueOn) ⇒ that phase; else Succeeded.
 */
import type { ExecContext } from '../context.ts';
import { isCompleted, isDone, taskNodeId } from '../context.ts';
import type { NodePhase, NodeStatus } from '../types.ts';
import type { DagIndex } from './dag-index.ts';
import { continuesOn } from '../run-step.ts';

function worse(a: NodePhase, b: NodePhase): NodePhase {
  const rank = (p: NodePhase): number => (p === 'Error' ? 2 : p === 'Failed' ? 1 : 0);
  return rank(b) > rank(a) ? b : a;
}

/** The phase of a DAG node given its tasks' nodes. */
export function assessDag(ctx: ExecContext, dagNode: NodeStatus, idx: DagIndex, failFast: boolean): NodePhase {
  const branch = new Map<string, NodePhase>();
  for (const task of idx.order) {
    const node = ctx.nodes[taskNodeId(ctx, dagNode, idx.indexOf(task.name), task.name)];
    if (!node) continue;
    // Argo's BFS stops at the first unfulfilled node it reaches: the DAG is still running.
    if (!isDone(node)) return 'Running';
    if (isCompleted(node)) {
      branch.set(task.name, node.phase as NodePhase);
      continue;
    }
    let inherited: NodePhase = 'Succeeded';
    for (const d of idx.deps(task.name)) inherited = worse(inherited, branch.get(d) ?? 'Succeeded');
    branch.set(task.name, inherited);
  }
  for (const target of idx.targets) if (!branch.has(target)) return 'Running';
  let result: NodePhase = 'Succeeded';
  for (const target of idx.targets) {
    const b = branch.get(target) as NodePhase;
    const task = idx.task(target);
    if ((b === 'Failed' || b === 'Error') && !(task && continuesOn(task, b))) {
      result = worse(result, b);
      if (failFast) break;
    }
  }
  return result;
}
