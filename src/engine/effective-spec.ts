/**
 * `spec.workflowTemplateRef`: the workflow runs the referenced WorkflowTemplate's spec, with its own
 * arguments and entrypoint taking precedence (Argo's spec merge, for the fields the engine reads).
 */
import type { Workflow } from './types.ts';

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
