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
  /** The parsed `depends` (or `dependencies`) of a task; parsed on first use, an Error if it does not parse. */
  exprOf: (task: string) => DependsExpr | Error | undefined;
  targets: string[];
  /** Tasks to run, dependencies first. */
  order: DAGTask[];
}

const NONE: string[] = [];

/** Builds the index (cached per template object by the caller). Linear, and lean: it runs every decide. */
export function indexDag(t: Template): DagIndex {
  const list = t.dag?.tasks ?? [];
  const tasks = new Map<string, DAGTask>();
  const deps = new Map<string, string[]>();
  const exprs = new Map<string, DependsExpr | Error | undefined>();
  const hasDependents = new Set<string>();
  for (const task of list) tasks.set(task.name, task);
  const parse = (task: DAGTask): DependsExpr | Error | undefined => {
    try {
      return taskDependsExpr(task);
    } catch (e) {
      return e as Error;
    }
  };
  for (const task of list) {
    let names: string[];
    if (task.depends && task.depends.trim() !== '') {
      const expr = parse(task);
      exprs.set(task.name, expr);
      names = expr === undefined || expr instanceof Error ? NONE : dependsTasks(expr);
    } else names = task.dependencies ?? NONE;
    // Unknown names are validation errors; at run time they are ignored rather than waited for.
    let known = names;
    for (const n of names)
      if (!tasks.has(n)) {
        known = names.filter((x) => tasks.has(x));
        break;
      }
    deps.set(task.name, known);
    for (const n of known) hasDependents.add(n);
  }
  const exprOf = (name: string): DependsExpr | Error | undefined => {
    if (exprs.has(name)) return exprs.get(name);
    const task = tasks.get(name);
    const expr = task ? parse(task) : undefined;
    exprs.set(name, expr);
    return expr;
  };
  const explicit = (t.dag?.target ?? '').split(' ').filter((s) => s !== '');
  // Argo sorts the default (leaf) targets: it fixes the execution order and the DAG's outboundNodes.
  const targets =
    explicit.length > 0
      ? explicit.filter((n) => tasks.has(n))
      : list
          .filter((x) => !hasDependents.has(x.name))
          .map((x) => x.name)
          .sort();
  return { tasks, deps, exprOf, targets, order: topoOrder(list, deps, targets) };
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
