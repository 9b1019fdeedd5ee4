/** Validation of DAG templates: task names, dependencies, `depends` syntax and results, cycles, targets. */
import type { DAGTask, Template, Workflow } from './types.ts';
import { fieldNameProblem, type Report } from './validate-common.ts';
import { checkCall, checkWhen } from './validate-common.ts';
import { dependsTasks, taskDependsExpr, taskDependsText, unknownResults } from './expr/depends.ts';

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
    const expr = taskDependsExpr(task);
    names = expr ? dependsTasks(expr) : [];
    for (const r of expr ? unknownResults(expr) : [])
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

/**
 * Argo's `verifyNoCycles`, iteratively: the reported path starts at the first dependency of the task
 * the search began from (so the message matches Argo's byte for byte), e.g. `C->B->A->C`.
 */
function findCycle(order: string[], deps: Map<string, string[]>): string[] | undefined {
  const visited = new Set<string>();
  for (const start of order) {
    if (visited.has(start)) continue;
    const cycle: string[] = [];
    const frames: { task: string; i: number }[] = [{ task: start, i: 0 }];
    while (frames.length > 0) {
      const f = frames[frames.length - 1] as { task: string; i: number };
      const ds = deps.get(f.task) ?? [];
      if (f.i >= ds.length) {
        visited.add(f.task);
        frames.pop();
        if (frames.length > 0) cycle.pop();
        continue;
      }
      const d = ds[f.i++] as string;
      if (cycle.includes(d)) return [...cycle, d];
      if (visited.has(d)) continue;
      cycle.push(d);
      frames.push({ task: d, i: 0 });
    }
  }
  return undefined;
}

/** The tasks by name, reporting names that are missing, invalid or repeated (and mixed depends/dependencies). */
function namedTasks(t: Template, list: DAGTask[], base: string, report: Report): Map<string, DAGTask> {
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
  return tasks;
}

/** Validates `t.dag` (template index `i`). */
export function validateDag(wf: Workflow, t: Template, i: number, report: Report): void {
  const list = t.dag?.tasks ?? [];
  const base = `spec.templates[${i}].dag`;
  if (list.length === 0)
    return report(`${base}.tasks`, 'must have at least one task', `templates.${t.name} must have at least one task`);
  const tasks = namedTasks(t, list, base, report);
  const deps = new Map<string, string[]>();
  list.forEach((task, j) => {
    if (!task.name) return;
    const path = `${base}.tasks[${j}]`;
    const argoPrefix = `templates.${t.name}.tasks.${task.name}`;
    deps.set(task.name, taskDeps(task, i, j, t, tasks, report));
    checkCall(wf, task, path, argoPrefix, report);
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
