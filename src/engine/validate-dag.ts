/** Validation of DAG templates: task names, dependencies, `depends` syntax and results, cycles, targets. */
import type { DAGTask, Template, Workflow } from './types.ts';
import type { Report } from './validate.ts';
import { fieldNameProblem, missingInputs } from './validate.ts';
import { checkCall, checkWhen } from './validate-common.ts';
import { dependsTasks, parseDepends, taskDependsText, unknownResults } from './expr/depends.ts';

function taskDeps(
  task: DAGTask,
  i: number,
  j: number,
  t: Template,
  tasks: Map<string, DAGTask>,
  report: Report,
): string[] {
  const field = task.depends ? 'depends' : 'dependencies';
  const path = `spec.templates[${i}].dag.tasks[${j}].${field}`;
  const argoPrefix = `templates.${t.name}.tasks.${task.name}`;
  const text = taskDependsText(task);
  if (text.trim() === '') return [];
  let names: string[];
  try {
    const expr = parseDepends(text);
    names = dependsTasks(expr);
    for (const r of unknownResults(expr))
      report(
        path,
        `unknown result '${r}' (use Succeeded, Failed, Errored, Skipped, Omitted, Daemoned, AnySucceeded or AllFailed)`,
        `${argoPrefix} invalid depends: unknown result '${r}'`,
      );
  } catch (e) {
    report(
      path,
      `malformed depends '${text}': ${(e as Error).message}`,
      `${argoPrefix} invalid depends '${text}': ${(e as Error).message}`,
    );
    return [];
  }
  for (const n of names)
    if (!tasks.has(n)) report(path, `unknown task "${n}"`, `${argoPrefix} dependency '${n}' not defined`);
  return names.filter((n) => tasks.has(n));
}

function findCycle(order: string[], deps: Map<string, string[]>): string[] | undefined {
  const state = new Map<string, 1 | 2>();
  for (const start of order) {
    if (state.has(start)) continue;
    const path: string[] = [start];
    const iters: number[] = [0];
    state.set(start, 1);
    while (path.length > 0) {
      const cur = path[path.length - 1] as string;
      const ds = deps.get(cur) ?? [];
      const k = iters[iters.length - 1] as number;
      if (k >= ds.length) {
        state.set(cur, 2);
        path.pop();
        iters.pop();
        continue;
      }
      iters[iters.length - 1] = k + 1;
      const d = ds[k] as string;
      if (state.get(d) === 1) return [...path.slice(path.indexOf(d)), d];
      if (!state.has(d)) {
        state.set(d, 1);
        path.push(d);
        iters.push(0);
      }
    }
  }
  return undefined;
}

/** Validates `t.dag` (template index `i`). */
export function validateDag(wf: Workflow, t: Template, i: number, report: Report): void {
  const list = t.dag?.tasks ?? [];
  const base = `spec.templates[${i}].dag`;
  if (list.length === 0)
    return report(`${base}.tasks`, 'must have at least one task', `templates.${t.name} must have at least one task`);
  const tasks = new Map<string, DAGTask>();
  const usingDepends = list.some((x) => x.depends);
  list.forEach((task, j) => {
    const path = `${base}.tasks[${j}]`;
    if (!task.name)
      return report(`${path}.name`, 'name is required', `templates.${t.name}.tasks[${j}].name is required`);
    const problem = fieldNameProblem(task.name);
    if (problem)
      report(
        `${path}.name`,
        `'${task.name}' is invalid: ${problem}`,
        `templates.${t.name}.tasks[${j}].name: '${task.name}' is invalid: ${problem}`,
      );
    else if (/^[0-9]/.test(task.name))
      report(
        `${path}.name`,
        `'${task.name}' cannot begin with a digit`,
        `templates.${t.name}.tasks.${task.name} name cannot begin with a digit when using either 'depends' or 'dependencies'`,
      );
    if (tasks.has(task.name))
      report(
        `${path}.name`,
        `'${task.name}' is not unique`,
        `templates.${t.name}.tasks[${j}].name '${task.name}' is not unique`,
      );
    if (usingDepends && (task.dependencies?.length ?? 0) > 0)
      report(
        path,
        "cannot use both 'depends' and 'dependencies' in the same DAG template",
        `templates.${t.name} cannot use both 'depends' and 'dependencies' in the same DAG template`,
      );
    tasks.set(task.name, task);
  });
  const deps = new Map<string, string[]>();
  list.forEach((task, j) => {
    if (!task.name) return;
    const path = `${base}.tasks[${j}]`;
    const argoPrefix = `templates.${t.name}.tasks.${task.name}`;
    deps.set(task.name, taskDeps(task, i, j, t, tasks, report));
    checkCall(wf, task, path, argoPrefix, report, missingInputs);
    checkWhen(task.when, `${path}.when`, argoPrefix, report);
  });
  const cycle = findCycle([...tasks.keys()], deps);
  if (cycle)
    report(
      `${base}.tasks`,
      `dependency cycle detected: ${cycle.join(' -> ')}`,
      `templates.${t.name}.tasks dependency cycle detected: ${cycle.join('->')}`,
    );
  for (const target of (t.dag?.target ?? '').split(' ').filter((s) => s !== '' && !s.includes('{{')))
    if (!tasks.has(target))
      report(
        `${base}.target`,
        `target '${target}' is not defined`,
        `templates.${t.name}.targets: target '${target}' is not defined`,
      );
}
