/**
 * A DAG template indexed once per decide: tasks by name, parsed `depends`, dependency lists, targets,
 * and a topological order restricted to the targets' ancestors. Everything is linear in the task count.
 */
import type { DAGTask, Template } from '../types.ts';
import { dependsTasks, taskDependsExpr, type DependsExpr } from '../expr/depends.ts';

/** The index of one DAG template. */
export interface DagIndex {
  tasks: Map<string, DAGTask>;
  deps: Map<string, string[]>;
  exprs: Map<string, DependsExpr | Error | undefined>;
  targets: string[];
  /** Tasks to run, dependencies first. */
  order: DAGTask[];
}

/** Builds the index (cached per template object by the caller). */
export function indexDag(t: Template): DagIndex {
  const list = t.dag?.tasks ?? [];
  const tasks = new Map<string, DAGTask>();
  const deps = new Map<string, string[]>();
  const exprs = new Map<string, DependsExpr | Error | undefined>();
  const hasDependents = new Set<string>();
  for (const task of list) tasks.set(task.name, task);
  for (const task of list) {
    try {
      const expr = taskDependsExpr(task);
      if (!expr) {
        deps.set(task.name, []);
        exprs.set(task.name, undefined);
        continue;
      }
      // Plain `dependencies` need no expression walk (fan-ins can list thousands of tasks).
      const raw = task.depends && task.depends.trim() !== '' ? dependsTasks(expr) : (task.dependencies ?? []);
      const names = raw.filter((n) => tasks.has(n));
      deps.set(task.name, names);
      exprs.set(task.name, expr);
      for (const n of names) hasDependents.add(n);
    } catch (e) {
      deps.set(task.name, []);
      exprs.set(task.name, e as Error);
    }
  }
  const explicit = (t.dag?.target ?? '').split(' ').filter((s) => s !== '');
  // Argo sorts the default (leaf) targets: it fixes the execution order and the DAG's outboundNodes.
  const targets =
    explicit.length > 0
      ? explicit.filter((n) => tasks.has(n))
      : list
          .filter((x) => !hasDependents.has(x.name))
          .map((x) => x.name)
          .sort();
  return { tasks, deps, exprs, targets, order: topoOrder(list, deps, targets) };
}

/**
 * Iterative post-order DFS from the targets over integer task indexes (no recursion: 10k-task chains
 * must not blow the stack; no per-step allocation: this runs on every decide).
 */
function topoOrder(list: DAGTask[], deps: Map<string, string[]>, targets: string[]): DAGTask[] {
  const n = list.length;
  const index = new Map<string, number>();
  list.forEach((x, i) => index.set(x.name, i));
  const depIdx: number[][] = list.map((x) => (deps.get(x.name) ?? []).map((d) => index.get(d) as number));
  const wanted = new Uint8Array(n);
  const stack: number[] = [];
  for (const target of targets) {
    const i = index.get(target);
    if (i !== undefined) stack.push(i);
  }
  while (stack.length > 0) {
    const i = stack.pop() as number;
    if (wanted[i]) continue;
    wanted[i] = 1;
    for (const d of depIdx[i] as number[]) if (!wanted[d]) stack.push(d);
  }
  const state = new Uint8Array(n);
  const order: DAGTask[] = [];
  const nodes: number[] = [];
  const cursors: number[] = [];
  const roots: number[] = [];
  for (const target of targets) {
    const i = index.get(target);
    if (i !== undefined) roots.push(i);
  }
  for (const root of roots) {
    if (state[root]) continue;
    nodes.push(root);
    cursors.push(0);
    state[root] = 1;
    while (nodes.length > 0) {
      const top = nodes.length - 1;
      const cur = nodes[top] as number;
      const ds = depIdx[cur] as number[];
      const k = cursors[top] as number;
      if (k < ds.length) {
        cursors[top] = k + 1;
        const d = ds[k] as number;
        if (!state[d]) {
          state[d] = 1;
          nodes.push(d);
          cursors.push(0);
        }
        continue;
      }
      nodes.pop();
      cursors.pop();
      state[cur] = 2;
      order.push(list[cur] as DAGTask);
    }
  }
  return order;
}
