/**
 * Argo's variable check (resolveAllVariables in workflow/validate/validate.go) for references to
 * sibling steps and tasks: `{{steps.X.…}}` and `{{tasks.X.…}}` must name a step/task and something it
 * produces. Steps see the steps before them (the group so far included) and their own `status`; tasks
 * see every task's outputs, but `status` only of ancestors. Outputs come from the called template: its
 * declared parameters and artifacts, `outputs.result`/`exitCode` for container and script templates, the aggregated
 * lists for fan-outs. A templateRef target is not known offline, so anything it might produce passes.
 */
import type { DAGTask, Template, Workflow, WorkflowStep } from './types.ts';
import type { Report } from './validate-common.ts';
import { tagsIn } from './substitute.ts';
import { dependsTasks, taskDependsExpr } from './expr/depends.ts';

/** Names in scope; `open` prefixes accept any tag below them (a templateRef's outputs). */
interface Scope {
  keys: Set<string>;
  open: Set<string>;
}

const isLoop = (s: WorkflowStep): boolean => (s.withItems?.length ?? 0) > 0 || !!s.withParam;

function calledTemplate(wf: Workflow, s: WorkflowStep): Template | undefined {
  if (s.inline) return s.inline;
  if (s.templateRef || !s.template) return undefined;
  return (wf.spec.templates ?? []).find((t) => t.name === s.template);
}

/** Argo's addOutputsToScope. */
function addOutputs(
  scope: Scope,
  prefix: string,
  t: Template | undefined,
  aggregate: boolean,
  ancestor: boolean,
): void {
  const base = `${prefix}.`;
  for (const k of ['id', 'startedAt', 'finishedAt', 'hostNodeName']) scope.keys.add(base + k);
  if (ancestor) scope.keys.add(`${base}status`);
  if (!t) {
    scope.open.add(base);
    return;
  }
  const leaf = ['container', 'script', 'containerSet', 'data', 'http', 'plugin'].some((k) => t[k] !== undefined);
  // A declared `outputs.result` (steps/DAG) is set at run time too; Argo's check does not know it.
  if (leaf || typeof t.outputs?.result === 'string') {
    scope.keys.add(`${base}outputs.result`);
    scope.keys.add(`${base}exitCode`);
  }
  if ((t as { daemon?: boolean }).daemon) scope.keys.add(`${base}ip`);
  for (const p of t.outputs?.parameters ?? []) scope.keys.add(`${base}outputs.parameters.${p.name}`);
  for (const a of t.outputs?.artifacts ?? []) scope.keys.add(`${base}outputs.artifacts.${a.name}`);
  if (aggregate) scope.keys.add(`${base}outputs.parameters`);
  if (aggregate && (t.script || t.containerSet)) scope.keys.add(`${base}outputs.result`);
}

/** The first `steps.`/`tasks.` tag of `value` not in scope. */
function unresolved(value: unknown, scope: Scope): string | undefined {
  for (const tag of tagsIn(JSON.stringify(value))) {
    if (tag.startsWith('=') || !(tag.startsWith('steps.') || tag.startsWith('tasks.'))) continue;
    if (tag === 'steps.name' || tag === 'tasks.name') continue;
    if (scope.keys.has(tag) || [...scope.open].some((p) => tag.startsWith(p))) continue;
    return tag;
  }
  return undefined;
}

function copy(scope: Scope): Scope {
  return { keys: new Set(scope.keys), open: new Set(scope.open) };
}

/** Checks every step of a steps template (index `i`). */
export function validateStepVariables(wf: Workflow, t: Template, i: number, report: Report): void {
  const scope: Scope = { keys: new Set(), open: new Set() };
  (t.steps ?? []).forEach((group, g) => {
    if (!Array.isArray(group)) return;
    group.forEach((step, s) => {
      if (!step?.name) return;
      scope.keys.add(`steps.${step.name}.status`);
      // An exit hook reads the step's own outputs (Argo adds them first).
      if (step.onExit || step.hooks?.exit)
        addOutputs(scope, `steps.${step.name}`, calledTemplate(wf, step), false, false);
      const bad = unresolved(step, scope);
      if (bad)
        report(
          `spec.templates[${i}].steps[${g}][${s}]`,
          `failed to resolve {{${bad}}}`,
          `templates.${t.name}.steps failed to resolve {{${bad}}}`,
        );
      addOutputs(scope, `steps.${step.name}`, calledTemplate(wf, step), isLoop(step), false);
    });
  });
}

function ancestors(tasks: Map<string, DAGTask>, name: string): Set<string> {
  const out = new Set<string>();
  const todo = [name];
  while (todo.length > 0) {
    const task = tasks.get(todo.pop() as string);
    let deps: string[] = [];
    try {
      const expr = task ? taskDependsExpr(task) : undefined;
      deps = expr ? dependsTasks(expr) : [];
    } catch {
      // A malformed depends is reported by validateDag.
    }
    for (const d of deps) {
      if (out.has(d) || !tasks.has(d)) continue;
      out.add(d);
      todo.push(d);
    }
  }
  return out;
}

/** Checks every task of a DAG template (index `i`), and Argo's "missing dependency" rule for arguments. */
export function validateTaskVariables(wf: Workflow, t: Template, i: number, report: Report): void {
  const list = t.dag?.tasks ?? [];
  const tasks = new Map(list.filter((x) => x?.name).map((x) => [x.name, x]));
  const scope: Scope = { keys: new Set(), open: new Set() };
  for (const task of tasks.values())
    addOutputs(scope, `tasks.${task.name}`, calledTemplate(wf, task), isLoop(task), false);
  list.forEach((task, j) => {
    if (!task?.name) return;
    const own = copy(scope);
    if (task.hooks) own.keys.add(`tasks.${task.name}.status`);
    const up = ancestors(tasks, task.name);
    for (const a of up)
      addOutputs(own, `tasks.${a}`, calledTemplate(wf, tasks.get(a) as DAGTask), isLoop(tasks.get(a) as DAGTask), true);
    const path = `spec.templates[${i}].dag.tasks[${j}]`;
    const argoPrefix = `templates.${t.name}.tasks.${task.name}`;
    const bad = unresolved(task, own);
    if (bad) return report(path, `failed to resolve {{${bad}}}`, `${argoPrefix} failed to resolve {{${bad}}}`);
    for (const p of task.arguments?.parameters ?? []) {
      const v = p.value === undefined ? '' : String(p.value);
      if (!v.startsWith('{{tasks.')) continue;
      const ref = v.split('.')[1] ?? '';
      if (!up.has(ref))
        report(
          `${path}.arguments.parameters`,
          `parameter '${p.name}' reads task '${ref}', which is not a dependency of '${task.name}'`,
          `${argoPrefix} missing dependency '${ref}' for parameter '${p.name}'`,
        );
    }
  });
}
