/**
 * `spec.workflowTemplateRef`: the workflow runs the referenced WorkflowTemplate's spec, with its own
 * arguments and entrypoint taking precedence (Argo's spec merge, for the fields the engine reads).
 */
import type { Workflow, WorkflowSpec } from './types.ts';

/** The workflow with the referenced template's spec merged in; unchanged when there is no reference. */
export function effectiveWorkflow(wf: Workflow, templates: Record<string, Workflow> | undefined): Workflow | string {
  const ref = wf.spec.workflowTemplateRef;
  if (!ref) return wf;
  const key = ref.clusterScope ? `cluster/${ref.name}` : `${wf.metadata.namespace ?? ''}/${ref.name}`;
  const base = templates?.[key];
  if (!base) return `${ref.clusterScope ? 'cluster' : ''}workflowtemplates.argoproj.io "${ref.name}" not found`;
  const own = wf.spec.arguments?.parameters ?? [];
  const inherited = (base.spec.arguments?.parameters ?? []).filter((p) => !own.some((o) => o.name === p.name));
  const spec = {
    ...base.spec,
    ...Object.fromEntries(
      Object.entries(wf.spec).filter(([k, v]) => v !== undefined && k !== 'templates' && k !== 'workflowTemplateRef'),
    ),
    templates: [...(base.spec.templates ?? []), ...(wf.spec.templates ?? [])],
    arguments: { ...(base.spec.arguments ?? {}), ...(wf.spec.arguments ?? {}), parameters: [...own, ...inherited] },
  };
  if (!spec.entrypoint) spec.entrypoint = base.spec.entrypoint;
  return { ...wf, spec };
}

/**
 * Spec fields a user legitimately changes on a running workflow: stop/terminate (`shutdown`),
 * suspend/resume (`suspend`) and the workflow deadline. Everything else runs as it was when the
 * workflow started.
 */
const LIVE_FIELDS = ['shutdown', 'suspend', 'activeDeadlineSeconds'] as const;

/** The spec frozen when the workflow started (`status.storedWorkflowTemplateSpec`, as Argo keeps it). */
export function storedSpec(wf: Workflow): WorkflowSpec | undefined {
  const stored = wf.status?.storedWorkflowTemplateSpec;
  return stored && typeof stored === 'object' && !Array.isArray(stored) ? (stored as WorkflowSpec) : undefined;
}

/**
 * The workflow as it executes: once started, the spec stored in its status with only the
 * {@link LIVE_FIELDS} taken from the live spec — an edit of arguments or templates mid-run (which
 * could move later pods into another cluster or namespace) changes nothing; before that, the
 * {@link effectiveWorkflow}.
 */
export function execWorkflow(wf: Workflow, templates: Record<string, Workflow> | undefined): Workflow | string {
  const stored = storedSpec(wf);
  if (!stored) return effectiveWorkflow(wf, templates);
  const spec: WorkflowSpec = { ...stored };
  const live = wf.spec as Record<string, unknown>;
  const out = spec as Record<string, unknown>;
  for (const field of LIVE_FIELDS) {
    if (live[field] === undefined) delete out[field];
    else out[field] = live[field];
  }
  return { ...wf, spec };
}
