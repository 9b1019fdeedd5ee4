/**
 * A DAG template indexed once per decide: tasks by name, parsed `depends`, dependency lists, targets,
 * and a topological order restricted to the targets' ancestors. Everything is linear in the task count.
 */
import type { DAGTask, Template } from '../types.ts';
import { dependsTasks, parseDepends, taskDependsText, type DependsExpr } from '../expr/depends.ts';

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
    const text = taskDependsText(task);
    if (text.trim() === '') {
      deps.set(task.name, []);
      exprs.set(task.name, undefined);
      continue;
    }
    try {
      const expr = parseDepends(text);
      const names = dependsTasks(expr).filter((n) => tasks.has(n));
      deps.set(task.name, names);
      exprs.set(task.name, expr);
      for (const n of names) hasDependents.add(n);
    } catch (e) {
      deps.set(task.name, []);
      exprs.set(task.name, e as Error);
    }
  }
  const explicit = (t.dag?.target ?? '').split(' ').filter((s) => s !== '');
  const targets =
    explicit.length > 0
      ? explicit.filter((n) => tasks.has(n))
      : list.filter((x) => !hasDependents.has(x.name)).map((x) => x.name);
  return { tasks, deps, exprs, targets, order: topoOrder(list, deps, targets) };
}

/** Iterative post-order DFS from the targets (no recursion: 10k-task chains must not blow the stack). */
function topoOrder(list: DAGTask[], deps: Map<string, string[]>, targets: string[]): DAGTask[] {
  const byName = new Map(list.map((x) => [x.name, x]));
  const wanted = new Set<string>();
  const stack = [...targets];
  while (stack.length > 0) {
    const n = stack.pop() as string;
    if (wanted.has(n)) continue;
    wanted.add(n);
    for (const d of deps.get(n) ?? []) stack.push(d);
  }
  const state = new Map<string, 1 | 2>();
  const order: DAGTask[] = [];
  for (const root of list) {
    if (!wanted.has(root.name) || state.has(root.name)) continue;
    const frames: { name: string; i: number }[] = [{ name: root.name, i: 0 }];
    state.set(root.name, 1);
    while (frames.length > 0) {
      const f = frames[frames.length - 1] as { name: string; i: number };
      const ds = deps.get(f.name) ?? [];
      if (f.i < ds.length) {
        const d = ds[f.i++] as string;
        if (!state.has(d)) {
          state.set(d, 1);
          frames.push({ name: d, i: 0 });
        }
        continue;
      }
      frames.pop();
      state.set(f.name, 2);
      const task = byName.get(f.name);
      if (task) order.push(task);
    }
  }
  return order;
}
