/** Checks shared by steps and DAG validation: the called template exists and gets its inputs; `when` parses. */
import type { Template, Workflow, WorkflowStep } from './types.ts';
import { parseWhen } from './expr/govaluate.ts';

/** Collects errors; helpers push into it. */
export type Report = (path: string, message: string, argo?: string) => void;

const FIELD_NAME = /^[a-zA-Z0-9][-a-zA-Z0-9]*$/;
const FIELD_NAME_MSG =
  "name must consist of alpha-numeric characters or '-', and must start with an alpha-numeric character (e.g. My-name1-2, 123-NAME)";

/** Argo's `isValidWorkflowFieldName`: the first problem, or undefined. */
export function fieldNameProblem(name: string): string | undefined {
  if (name.length > 128) return 'must be no more than 128 characters';
  if (!FIELD_NAME.test(name)) return FIELD_NAME_MSG;
  return undefined;
}

/** Inputs a template needs that `supplied` does not provide (no value/default). */
export function missingInputs(t: Template, supplied: string[]): string[] {
  return (t.inputs?.parameters ?? [])
    .filter(
      (p) =>
        p.value === undefined && p.default === undefined && !p.valueFrom?.configMapKeyRef && !supplied.includes(p.name),
    )
    .map((p) => p.name);
}

/** The called template exists, its arguments have values, and its required inputs are supplied. */
export function checkCall(wf: Workflow, step: WorkflowStep, path: string, argoPrefix: string, report: Report): void {
  if (step.inline || step.templateRef) return;
  const callee = (wf.spec.templates ?? []).find((x) => x.name === step.template);
  if (!step.template || !callee) {
    report(
      `${path}.template`,
      `template name '${step.template ?? ''}' undefined`,
      `${argoPrefix} template name '${step.template ?? ''}' undefined`,
    );
    return;
  }
  const params = step.arguments?.parameters ?? [];
  for (const p of params)
    if (p.value === undefined && p.valueFrom === undefined)
      report(
        `${path}.arguments.parameters`,
        `${p.name}.value is required`,
        `${argoPrefix}.arguments.${p.name}.value is required`,
      );
  for (const name of missingInputs(
    callee,
    params.map((p) => p.name),
  ))
    report(
      `${path}.arguments.parameters`,
      `inputs.parameters.${name} was not supplied to template '${callee.name}'`,
      `${argoPrefix} templates.${callee.name} inputs.parameters.${name} was not supplied`,
    );
}

/** `when` must parse once its `{{...}}` tags are replaced by a placeholder word. */
export function checkWhen(when: string | undefined, path: string, argoPrefix: string, report: Report): void {
  if (when === undefined || when === '') return;
  const opens = (when.match(/\{\{/g) ?? []).length;
  const closes = (when.match(/\}\}/g) ?? []).length;
  if (opens !== closes) {
    report(path, `malformed when '${when}': unbalanced '{{' and '}}'`, `${argoPrefix} failed to parse when '${when}'`);
    return;
  }
  const probe = when.replace(/\{\{[^{}]*\}\}/g, 'placeholder');
  try {
    parseWhen(probe);
  } catch (e) {
    report(
      path,
      `malformed when '${when}': ${(e as Error).message}`,
      `${argoPrefix} Invalid 'when' expression '${when}': ${(e as Error).message}`,
    );
  }
}
