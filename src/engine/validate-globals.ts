/**
 * Argo's resolveAllVariables rules (workflow/validate/validate.go) for `{{workflow.*}}` and `{{item.*}}`
 * tags: the workflow variables its validator puts in the global scope (name, namespace, uid,
 * parameters of spec.arguments, annotations and labels of the workflow and its workflowMetadata,
 * global outputs, `status`, `failures` with an exit handler, `priority` when set, and the runtime
 * prefixes creationTimestamp/scheduledTime/duration), and `item.*` only where a loop provides it. The
 * same names are checked inside `{{=…}}` expressions, which Argo's validator skips (its runtime then
 * leaves the expression unresolved): a name no run can provide is reported by lint instead.
 */
import type { Template, Workflow } from './types.ts';
import { tagsIn } from './substitute.ts';
import { parseExpr } from './expr/parser.ts';
import { variablePaths } from './expr/argo-env.ts';

const EXACT = [
  'name',
  'namespace',
  'mainEntrypoint',
  'serviceAccountName',
  'uid',
  'status',
  'parameters',
  'parameters.json',
  'annotations',
  'annotations.json',
  'labels',
  'labels.json',
];
const RUNTIME_PREFIXES = ['creationTimestamp', 'scheduledTime', 'duration'];

/** What `workflow.*` names a workflow can provide; `open` sections accept any name (not known offline). */
export interface WorkflowNames {
  exact: Set<string>;
  open: string[];
}

/** The `workflow.*` variables Argo's validator knows for this workflow. */
export function workflowNames(wf: Workflow, templateValidation: boolean): WorkflowNames {
  const exact = new Set(EXACT.map((n) => `workflow.${n}`));
  const open = RUNTIME_PREFIXES.map((p) => `workflow.${p}`);
  const spec = wf.spec;
  if (spec.priority !== undefined) exact.add('workflow.priority');
  if (spec.onExit || spec.workflowTemplateRef) exact.add('workflow.failures');
  for (const p of spec.arguments?.parameters ?? []) exact.add(`workflow.parameters.${p.name}`);
  // Arguments, metadata and templates of a referenced template are not known offline.
  if (templateValidation || spec.workflowTemplateRef)
    open.push('workflow.parameters.', 'workflow.annotations.', 'workflow.labels.', 'workflow.outputs.');
  const md = spec.workflowMetadata as { annotations?: object; labels?: object; labelsFrom?: object } | undefined;
  for (const k of [...Object.keys(wf.metadata.annotations ?? {}), ...Object.keys(md?.annotations ?? {})])
    exact.add(`workflow.annotations.${k}`);
  for (const k of [
    ...Object.keys(wf.metadata.labels ?? {}),
    ...Object.keys(md?.labels ?? {}),
    ...Object.keys(md?.labelsFrom ?? {}),
  ])
    exact.add(`workflow.labels.${k}`);
  for (const t of spec.templates ?? []) addGlobalOutputs(t, exact, open);
  return { exact, open };
}

function addGlobalOutputs(t: Template, exact: Set<string>, open: string[]): void {
  const add = (kind: string, globalName: string | undefined) => {
    if (!globalName) return;
    if (globalName.includes('{{')) open.push(`workflow.outputs.${kind}.`);
    else exact.add(`workflow.outputs.${kind}.${globalName}`);
  };
  for (const p of t.outputs?.parameters ?? []) add('parameters', p.globalName);
  for (const a of t.outputs?.artifacts ?? []) add('artifacts', a.globalName);
}

function known(names: WorkflowNames, v: string): boolean {
  return names.exact.has(v) || names.open.some((p) => v.startsWith(p));
}

/**
 * The first `workflow.*` or `item.*` reference of `value` (simple tags and names inside `{{=…}}`) that
 * cannot resolve, as Argo's message names it; `items` are the `item.*` names in scope (`open` = any).
 */
export function unknownGlobal(
  value: unknown,
  names: WorkflowNames,
  items: { keys: Set<string>; any: boolean },
): string | undefined {
  for (const tag of tagsIn(JSON.stringify(value))) {
    const refs = tag.startsWith('=') ? expressionNames(tag.slice(1)) : [tag];
    for (const ref of refs) {
      if (ref.startsWith('workflow.') && !known(names, ref))
        return tag.startsWith('=') ? `${ref} in {{${tag}}}` : `{{${tag}}}`;
      const isItem = tag.startsWith('=') ? ref === 'item' || ref.startsWith('item.') : ref.startsWith('item.');
      if (isItem && !items.any && !items.keys.has(ref))
        return tag.startsWith('=') ? `${ref} in {{${tag}}}` : `{{${tag}}}`;
    }
  }
  return undefined;
}

/** The variable paths an expression reads (none when it does not parse: evaluation reports that). */
function expressionNames(expression: string): string[] {
  try {
    return variablePaths(parseExpr(expression.replace(/\\"/g, '"')));
  } catch {
    return [];
  }
}

/** The `item.*` names a loop step/task provides (Argo's addItemsToScope). */
export function loopItems(step: { withItems?: unknown[]; withParam?: string; withSequence?: unknown }): {
  keys: Set<string>;
  any: boolean;
} {
  const keys = new Set<string>();
  if (step.withParam || step.withSequence) return { keys, any: true };
  for (const v of step.withItems ?? []) {
    if (v !== null && typeof v === 'object' && !Array.isArray(v)) for (const k of Object.keys(v)) keys.add(`item.${k}`);
    else if (Array.isArray(v)) v.forEach((_, i) => keys.add(`item.[${i}]`));
    else keys.add('item');
  }
  return { keys, any: false };
}

/** Reports the first unresolvable `workflow.*`/`item.*` reference of each step, task or leaf template. */
export function validateGlobalVariables(
  wf: Workflow,
  t: Template,
  i: number,
  report: (path: string, message: string, argo?: string) => void,
): void {
  const kind = String(wf.kind ?? 'Workflow');
  const names = workflowNames(wf, kind === 'WorkflowTemplate' || kind === 'ClusterWorkflowTemplate');
  const items = { keys: new Set<string>(), any: false };
  const check = (value: unknown, path: string, argo: (bad: string) => string) => {
    const bad = unknownGlobal(value, names, items);
    if (bad) report(path, `failed to resolve ${bad}`, argo(bad));
  };
  // Argo adds a loop's items to the template's scope, so later steps/tasks see them too.
  const addItems = (s: Parameters<typeof loopItems>[0]) => {
    const l = loopItems(s);
    for (const k of l.keys) items.keys.add(k);
    items.any ||= l.any;
  };
  if (t.steps) {
    t.steps.forEach((group, g) =>
      (Array.isArray(group) ? group : []).forEach((step, s) => {
        addItems(step);
        check(
          step,
          `spec.templates[${i}].steps[${g}][${s}]`,
          (b) => `templates.${t.name}.steps failed to resolve ${b}`,
        );
      }),
    );
  } else if (t.dag) {
    (t.dag.tasks ?? []).forEach((task, j) => {
      addItems(task);
      check(
        task,
        `spec.templates[${i}].dag.tasks[${j}]`,
        (b) => `templates.${t.name}.tasks.${task.name} failed to resolve ${b}`,
      );
    });
  } else check(t, `spec.templates[${i}]`, (b) => `templates.${t.name}: failed to resolve ${b}`);
}
