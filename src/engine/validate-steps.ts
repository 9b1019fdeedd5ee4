/** Validation of steps templates: step names, template references, required inputs, `when`. */
import type { Template, Workflow, WorkflowStep } from './types.ts';
import { fieldNameProblem, type Report } from './validate-common.ts';
import { checkWhen, checkCall } from './validate-common.ts';

/** Validates `t.steps` (template index `i`). */
export function validateSteps(wf: Workflow, t: Template, i: number, report: Report): void {
  const names = new Set<string>();
  (t.steps ?? []).forEach((group, g) => {
    if (!Array.isArray(group)) {
      report(
        `spec.templates[${i}].steps[${g}]`,
        'a step group must be a list of steps',
        `templates.${t.name}.steps[${g}] must be a list`,
      );
      return;
    }
    group.forEach((step: WorkflowStep, s) => {
      const path = `spec.templates[${i}].steps[${g}][${s}]`;
      if (!step.name)
        return report(`${path}.name`, 'name is required', `templates.${t.name}.steps[${g}].name is required`);
      if (names.has(step.name))
        report(
          `${path}.name`,
          `'${step.name}' is not unique`,
          `templates.${t.name}.steps[${g}].name '${step.name}' is not unique`,
        );
      const problem = fieldNameProblem(step.name);
      if (problem)
        report(
          `${path}.name`,
          `'${step.name}' is invalid: ${problem}`,
          `templates.${t.name}.steps[${g}].name '${step.name}' is invalid: ${problem}`,
        );
      names.add(step.name);
      const argoPrefix = `templates.${t.name}.steps[${g}].${step.name}`;
      checkCall(wf, step, path, argoPrefix, report);
      checkWhen(step.when, `${path}.when`, argoPrefix, report);
    });
  });
}
