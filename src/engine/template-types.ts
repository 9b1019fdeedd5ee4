/**
 * The template types Argosy runs, one row each: the node type Argo records, whether it runs a pod
 * (and so gets `{{pod.name}}`), its executor, and the checks lint/submit add for it. `execute.ts`,
 * the Retry executor and `validate.ts` dispatch through this table only.
 *
 * Adding a template type: its field in `TEMPLATE_TYPE_FIELDS` (template-kind.ts) if Argo has it and
 * it is not there yet, an executor module, one row here, and deleting its "not supported yet" row in
 * `unsupported.ts` (docs/architecture.md, "Where to add").
 */
import type { NodeType, Template, Workflow } from './types.ts';
import type { Executor } from './dispatch.ts';
import { templateKind, type TemplateKind } from './template-kind.ts';
import { withTemplateDefaults } from './template-defaults.ts';
import type { Report } from './validate-common.ts';
import { validateSteps } from './validate-steps.ts';
import { validateDag } from './validate-dag.ts';
import { executePod } from './pod/execute-pod.ts';
import { executeContainerSet } from './pod/execute-container-set.ts';
import { validateContainerSet } from './validate-container-set.ts';
import { executeSuspend } from './suspend/execute-suspend.ts';
import { executeHttp } from './http-template/execute-http.ts';
import { executeSteps } from './steps/execute-steps.ts';
import { executeDag } from './dag/execute-dag.ts';
import { executeBoundary } from './execute-boundary.ts';
import { outputSourceProblems, resourceValidationProblems } from './resource/manifest.ts';

/** Lint/submit checks for templates of one type (`i`: the template's index in spec.templates). */
export type TemplateValidator = (wf: Workflow, t: Template, i: number, report: Report) => void;

/** One row of the table. */
export interface TemplateType {
  /** The node type Argo records for it. */
  nodeType: NodeType;
  /** Runs as a pod: `{{pod.name}}` is set for it (per attempt when retried). */
  runsPod: boolean;
  execute: Executor;
  validate?: TemplateValidator;
}

/** Argo accepts an empty image that templateDefaults provide. */
function imageRequired(kind: 'container' | 'script'): TemplateValidator {
  return (wf, t, i, report) => {
    const merged = withTemplateDefaults(t, wf.spec.templateDefaults);
    if (!merged[kind]?.image)
      report(
        `spec.templates[${i}].${kind}.image`,
        'image may not be empty',
        `templates.${t.name}.${kind}.image may not be empty`,
      );
  };
}

const resourceChecks: TemplateValidator = (_wf, t, i, report) => {
  for (const m of resourceValidationProblems(t)) report(`spec.templates[${i}].resource`, m, m);
};

/** Argo's per-type rule for output parameters' `valueFrom` (path, or jqFilter/jsonPath). */
const outputSources: TemplateValidator = (_wf, t, i, report) => {
  for (const m of outputSourceProblems(t)) report(`spec.templates[${i}].outputs`, m, m);
};

/** Runs checks in order. */
const all =
  (...checks: TemplateValidator[]): TemplateValidator =>
  (wf, t, i, report) => {
    for (const check of checks) check(wf, t, i, report);
  };

/** The template types Argosy runs, keyed by their field. */
export const TEMPLATE_TYPES: Partial<Record<TemplateKind, TemplateType>> = {
  container: {
    nodeType: 'Pod',
    runsPod: true,
    execute: executePod,
    validate: all(imageRequired('container'), outputSources),
  },
  script: {
    nodeType: 'Pod',
    runsPod: true,
    execute: executePod,
    validate: all(imageRequired('script'), outputSources),
  },
  // One pod runs every member; each gets a Container node (pod/execute-container-set.ts).
  containerSet: {
    nodeType: 'Pod',
    runsPod: true,
    execute: executeContainerSet,
    validate: validateContainerSet,
  },
  // Argo's executor runs the action in a pod (`argoexec resource`).
  resource: { nodeType: 'Pod', runsPod: true, execute: executePod, validate: all(resourceChecks, outputSources) },
  // Argo's executor lists the artifact paths and transforms them in a pod (`argoexec data`).
  data: { nodeType: 'Pod', runsPod: true, execute: executePod },
  steps: {
    nodeType: 'Steps',
    runsPod: false,
    execute: (ctx, existing, d) => executeBoundary(ctx, existing, d, 'Steps', executeSteps),
    validate: validateSteps,
  },
  dag: {
    nodeType: 'DAG',
    runsPod: false,
    execute: (ctx, existing, d) => executeBoundary(ctx, existing, d, 'DAG', executeDag),
    validate: validateDag,
  },
  suspend: { nodeType: 'Suspend', runsPod: false, execute: executeSuspend },
  // Argo's agent pod makes the request in the node's place (docs/adr/0015-http-templates.md).
  http: { nodeType: 'HTTP', runsPod: false, execute: executeHttp },
};

/** The row of a template's type; undefined for a type Argosy does not run. */
export function templateType(t: Template): TemplateType | undefined {
  return TEMPLATE_TYPES[templateKind(t)];
}
