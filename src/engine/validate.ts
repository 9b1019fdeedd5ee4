/**
 * Static validation (Argo's `ValidateWorkflow`, the checks that matter before a run). Each error has a
 * path into the document (`spec.templates[2].dag.tasks[1].depends`), a human message, and Argo's own
 * message (used for `invalid spec: <argo>` in the workflow status).
 */
import type { Template, Workflow } from './types.ts';
import { templateType } from './template-types.ts';
import { TEMPLATE_TYPE_FIELDS, templateKind } from './template-kind.ts';
import { tagsIn } from './substitute.ts';
import { validateRecursion } from './validate-recursion.ts';
import { validateShape } from './validate-shape.ts';
import { validateStepVariables, validateTaskVariables } from './validate-vars.ts';
import { validateHooksAndGc } from './validate-hooks.ts';
import { inputProblems } from './unsupported.ts';
import { workflowVolumeProblems } from './volumes.ts';
import { fieldNameProblem, missingInputs, type Report } from './validate-common.ts';
import { placementProblems } from './placement/spec.ts';
import { validateClaims } from './validate-claims.ts';
import { validateArtifactGC } from './artifact-gc/validate.ts';
import { validateTemplateMetrics } from './metrics/spec.ts';
import { validateGlobalVariables } from './validate-globals.ts';

/** One problem found in a workflow. */
export interface ValidationError {
  path: string;
  message: string;
  /** Argo's message for the same problem (without the `invalid spec: ` prefix). */
  argo: string;
  /**
   * `unknown-field`: not a field of Argo's types; `unsupported`: an Argo feature Argosy does not
   * implement (unsupported.ts). The controller ends such workflows Error; other problems are Argo's
   * `invalid spec` (Failed).
   */
  kind?: 'unknown-field' | 'unsupported';
}

const PARAM_NAME = /^[-a-zA-Z0-9_]+$/;
const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

function validateTemplateNames(wf: Workflow, report: Report): void {
  const seen = new Set<string>();
  (wf.spec.templates ?? []).forEach((t, i) => {
    const path = `spec.templates[${i}].name`;
    if (!t.name) return report(path, 'name is required', `spec.templates[${i}].name is required`);
    const problem = fieldNameProblem(t.name);
    if (problem)
      report(
        path,
        `'${t.name}' is invalid: ${problem}`,
        `spec.templates[${i}].name: '${t.name}' is invalid: ${problem}`,
      );
    if (seen.has(t.name))
      report(path, `'${t.name}' is not unique`, `spec.templates[${i}].name '${t.name}' is not unique`);
    seen.add(t.name);
  });
}

function validateArguments(wf: Workflow, report: Report): void {
  (wf.spec.arguments?.parameters ?? []).forEach((p, i) => {
    if (!PARAM_NAME.test(p.name ?? ''))
      report(
        `spec.arguments.parameters[${i}].name`,
        `'${p.name}' is invalid`,
        `spec.arguments.parameters[${i}].name: '${p.name}' is invalid: Parameter/Artifact name must consist of alpha-numeric characters, '_' or '-' e.g. my_param_1, MY-PARAM-1`,
      );
    else if (p.value === undefined && p.valueFrom === undefined)
      report(
        `spec.arguments.parameters[${i}].value`,
        `${p.name}.value is required`,
        `spec.arguments.${p.name}.value is required`,
      );
  });
}

function validatePlacement(t: Template, i: number, report: Report): void {
  for (const field of ['clusterName', 'namespace'] as const) {
    const v = t[field];
    if (v === undefined || v === '' || (typeof v === 'string' && v.includes('{{'))) continue;
    if (typeof v !== 'string' || v.length > 63 || !DNS_LABEL.test(v)) {
      const why =
        "must be a DNS label: lower case alphanumeric characters or '-', starting and ending with an alphanumeric character, no dots";
      report(
        `spec.templates[${i}].${field}`,
        `'${String(v)}' is invalid: ${why}`,
        `templates.${t.name}.${field} '${String(v)}' is invalid: ${why}`,
      );
    }
  }
}

function validateInputRefs(t: Template, i: number, report: Report): void {
  const declared = new Set((t.inputs?.parameters ?? []).map((p) => `inputs.parameters.${p.name}`));
  const { inputs: _inputs, ...body } = t;
  for (const tag of tagsIn(JSON.stringify(body))) {
    if (tag.startsWith('inputs.parameters.') && !declared.has(tag)) {
      report(
        `spec.templates[${i}]`,
        `failed to resolve {{${tag}}}`,
        `templates.${t.name}: failed to resolve {{${tag}}}`,
      );
      return;
    }
  }
}

const TYPE_NAMES: Record<string, string> = { steps: 'Steps', dag: 'DAG', suspend: 'Suspend' };

/** Argo's timeout rules: leaf templates only, and a bare integer is not a duration here. */
function validateTimeouts(t: Template, i: number, report: Report): void {
  const type = TYPE_NAMES[templateKind(t) ?? ''];
  for (const field of ['timeout', 'pendingTimeout'] as const) {
    const v = t[field];
    if (v === undefined || v === '') continue;
    const path = `spec.templates[${i}].${field}`;
    if (type)
      report(path, `${type} templates do not support ${field}`, `${type} template doesn't support ${field} field`);
    else if (field === 'timeout' && /^[-+]?\d+$/.test(String(v)))
      report(
        path,
        `'${String(v)}' is not a duration (write e.g. ${String(v)}s)`,
        `${t.name} has invalid duration format in timeout`,
      );
  }
}

function validateTemplate(wf: Workflow, t: Template, i: number, report: Report): void {
  const kinds = [...TEMPLATE_TYPE_FIELDS, 'template', 'templateRef'].filter((k) => t[k] !== undefined && t[k] !== '');
  const choose = 'choose one of: container, steps, script, resource, dag, suspend, template, template ref';
  if (kinds.length === 0)
    report(
      `spec.templates[${i}]`,
      'template type unspecified',
      `templates.${t.name} template type unspecified. ${choose}`,
    );
  if (kinds.length > 1)
    report(
      `spec.templates[${i}]`,
      'multiple template types specified',
      `templates.${t.name} multiple template types specified. ${choose}`,
    );
  validatePlacement(t, i, report);
  for (const [at, message] of placementProblems(t))
    report(`spec.templates[${i}].${at}`, message, `templates.${t.name}.${at}: ${message}`);
  validateInputRefs(t, i, report);
  templateType(t)?.validate?.(wf, t, i, report);
  validateTimeouts(t, i, report);
  validateTemplateMetrics(wf, t, i, report);
  validateGlobalVariables(wf, t, i, report);
  const kind = templateKind(t);
  if (kind === 'steps') validateStepVariables(wf, t, i, report);
  if (kind === 'dag') validateTaskVariables(wf, t, i, report);
}

/** The Argo type a document is checked as. */
function rootType(wf: Workflow): 'Workflow' | 'WorkflowTemplate' | 'ClusterWorkflowTemplate' {
  const kind = String(wf.kind ?? 'Workflow');
  return kind === 'WorkflowTemplate' || kind === 'ClusterWorkflowTemplate' ? kind : 'Workflow';
}

/** Validation switches. */
export interface ValidateOptions {
  /**
   * WorkflowTemplates may leave the entrypoint, and the values of its inputs, to the workflows that
   * use them (Argo's IgnoreEntrypoint and allowEmptyValues).
   */
  entrypointOptional?: boolean;
}

/**
 * Validates a workflow; an empty list means valid.
 * @example validateWorkflow(wf).map((e) => `${e.path}: ${e.message}`)
 */
export function validateWorkflow(wf: Workflow, options: ValidateOptions = {}): ValidationError[] {
  const errors: ValidationError[] = [];
  const report: Report = (path, message, argo) => errors.push({ path, message, argo: argo ?? `${path}: ${message}` });
  validateShape(wf, (path, message) => report(path, message));
  if (errors.length > 0) return errors;
  const input = inputProblems(wf, rootType(wf));
  for (const p of input.unknown) errors.push({ ...p, argo: `${p.path}: ${p.message}`, kind: 'unknown-field' });
  for (const p of input.unsupported) errors.push({ ...p, argo: `${p.path}: ${p.message}`, kind: 'unsupported' });
  // hostPath volumes: not supported (volumes.ts), ended Error like the features above.
  for (const p of workflowVolumeProblems(wf))
    errors.push({ ...p, argo: `${p.path}: ${p.message}`, kind: 'unsupported' });
  // Argo's rules assume the document means what Argosy reads; a misspelt or ignored field would
  // only add confusing follow-ups ("template type unspecified" for `containr:`).
  if (errors.length > 0) return errors;
  validateTemplateNames(wf, report);
  validateArguments(wf, report);
  const entry = wf.spec.entrypoint;
  if (!entry && !wf.spec.workflowTemplateRef && !options.entrypointOptional)
    report('spec.entrypoint', 'spec.entrypoint is required', 'spec.entrypoint is required');
  const templates = wf.spec.templates ?? [];
  if (entry && !wf.spec.workflowTemplateRef) {
    const t = templates.find((x) => x.name === entry);
    if (!t) report('spec.entrypoint', `template name '${entry}' undefined`, `template name '${entry}' undefined`);
    else {
      const supplied = (wf.spec.arguments?.parameters ?? []).map((p) => p.name);
      // A WorkflowTemplate's arguments come from the workflows that use it (Argo's allowEmptyValues).
      const missing = options.entrypointOptional ? [] : missingInputs(t, supplied);
      for (const name of missing)
        report(
          'spec.arguments.parameters',
          `inputs.parameters.${name} was not supplied to entrypoint '${entry}'`,
          `templates.${entry} inputs.parameters.${name} was not supplied`,
        );
    }
  }
  // Argo validates the workflow exit handler like the entrypoint.
  const onExit = wf.spec.onExit;
  if (onExit && !wf.spec.workflowTemplateRef && !templates.some((x) => x.name === onExit))
    report('spec.onExit', `template name '${onExit}' undefined`, `template name '${onExit}' undefined`);
  validateHooksAndGc(wf, report);
  templates.forEach((t, i) => validateTemplate(wf, t, i, report));
  validateRecursion(templates, report);
  validateClaims(wf, report);
  validateArtifactGC(wf, report);
  return errors;
}
