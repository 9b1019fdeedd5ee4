/**
 * A DAG template indexed once per decide: tasks by name, dependency lists, lazily parsed `depends`,
 * targets, and a topological order restricted to the targets' ancestors. Linear in the task count and
 * lean in allocations (one name → index map, arrays by index): it runs on every decide, because the
 * runtime reads a fresh Workflow each time.
 */
import type { DAGTask, Template } from '../types.ts';
import { dependsTasks, taskDependsExpr, type DependsExpr } from '../expr/depends.ts';

/** The index of one DAG template. */
export interface DagIndex {
  /** Position of a task in `dag.tasks` (-1 if unknown). */
  indexOf: (name: string) => number;
  task: (name: string) => DAGTask | undefined;
  /** The (known) tasks a task depends on, in order of first mention. */
  deps: (name: string) => string[];
  /** The parsed `depends` (or `dependencies`) of a task; parsed on first use, an Error if it does not parse. */
  exprOf: (task: string) => DependsExpr | Error | undefined;
  targets: string[];
  /** Tasks to run, dependencies first. */
  order: DAGTask[];
}

const NONE: string[] = [];

function parse(task: DAGTask): DependsExpr | Error | undefined {
  try {
    return taskDependsExpr(task);
  } catch (e) {
    return e as Error;
  }
}

/** Builds the index. */
export function indexDag(t: Template): DagIndex {
  const list = t.dag?.tasks ?? [];
  const index = new Map<string, number>();
  list.forEach((task, i) => index.set(task.name, i));
  const exprs = new Map<string, DependsExpr | Error | undefined>();
  const depNames: string[][] = new Array<string[]>(list.length);
  const hasDependents = new Uint8Array(list.length);
  for (let i = 0; i < list.length; i++) {
    const task = list[i] as DAGTask;
    let names: string[];
    if (task.depends && task.depends.trim() !== '') {
      const expr = parse(task);
      exprs.set(task.name, expr);
      names = expr === undefined || expr instanceof Error ? NONE : dependsTasks(expr);
    } else names = task.dependencies ?? NONE;
    // Unknown names are validation errors; at run time they are ignored rather than waited for.
    for (const n of names)
      if (!index.has(n)) {
        names = names.filter((x) => index.has(x));
        break;
      }
    depNames[i] = names;
    for (const n of names) hasDependents[index.get(n) as number] = 1;
  }
  const at = (name: string): number => index.get(name) ?? -1;
  const explicit = (t.dag?.target ?? '').split(' ').filter((s) => s !== '');
  // Argo sorts the default (leaf) targets: it fixes the execution order and the DAG's outboundNodes.
  const targets =
    explicit.length > 0
      ? explicit.filter((n) => index.has(n))
      : list
          .filter((_, i) => !hasDependents[i])
          .map((x) => x.name)
          .sort();
  return {
    indexOf: at,
    task: (name) => list[at(name)],
    deps: (name) => depNames[at(name)] ?? NONE,
    exprOf: (name) => {
      if (exprs.has(name)) return exprs.get(name);
      const task = list[at(name)];
      const expr = task ? parse(task) : undefined;
      exprs.set(name, expr);
      return expr;
    },
    targets,
    order: topoOrder(list, index, depNames, targets),
  };
}

/**
 * Iterative post-order DFS from the targets over task indexes (no recursion: 10k-task chains must not
 * blow the stack).
 */
function topoOrder(list: DAGTask[], index: Map<string, number>, depNames: string[][], targets: string[]): DAGTask[] {
  const n = list.length;
  const state = new Uint8Array(n);
  const order: DAGTask[] = [];
  const nodes: number[] = [];
  const cursors: number[] = [];
  for (const target of targets) {
    const root = index.get(target);
    if (root === undefined || state[root]) continue;
    nodes.push(root);
    cursors.push(0);
    state[root] = 1;
    while (nodes.length > 0) {
      const top = nodes.length - 1;
      const cur = nodes[top] as number;
      const ds = depNames[cur] as string[];
      const k = cursors[top] as number;
      if (k < ds.length) {
        cursors[top] = k + 1;
        const d = index.get(ds[k] as string) as number;
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
