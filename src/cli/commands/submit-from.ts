/**
 * `argosy submit --from kind/name`: the workflow Argo's server builds for a submission from an existing
 * resource (`common.NewWorkflowFromWorkflowTemplate`): `generateName: <name>-`, a `workflowTemplateRef`,
 * and the label naming the template; `-p` adds or replaces arguments as `ApplySubmitOpts` does.
 */
import type { Workflow } from '../../engine/types.ts';
import type { KubeClient } from '../../ports/kube.ts';
import { isNotFound } from '../../adapters/kube/errors.ts';
import { clusterWorkflowTemplatePath, workflowTemplatePath } from '../../adapters/kube/resources.ts';
import { failure, usageError } from './errors.ts';

/** The names Argo accepts for each kind (kind, singular, plural, short name). */
const KINDS: Record<string, 'wftmpl' | 'cwftmpl' | 'cronwf'> = {
  WorkflowTemplate: 'wftmpl',
  workflowtemplate: 'wftmpl',
  workflowtemplates: 'wftmpl',
  wftmpl: 'wftmpl',
  ClusterWorkflowTemplate: 'cwftmpl',
  clusterworkflowtemplate: 'cwftmpl',
  clusterworkflowtemplates: 'cwftmpl',
  cwftmpl: 'cwftmpl',
  CronWorkflow: 'cronwf',
  cronworkflow: 'cronwf',
  cronworkflows: 'cronwf',
  cronwf: 'cronwf',
};

/** Argo's label on workflows submitted from a WorkflowTemplate / ClusterWorkflowTemplate. */
export const LABEL_WORKFLOW_TEMPLATE = 'workflows.argoproj.io/workflow-template';
export const LABEL_CLUSTER_WORKFLOW_TEMPLATE = 'workflows.argoproj.io/cluster-workflow-template';

/** Argo's `ApplySubmitOpts` parameters: replace a named argument or add it. */
function setParameters(wf: Workflow, params: string[]): void {
  for (const p of params) {
    const eq = p.indexOf('=');
    if (eq <= 0) throw usageError(`-p ${p}: expected NAME=VALUE`);
    const list = ((wf.spec.arguments ??= {}).parameters ??= []);
    const name = p.slice(0, eq);
    const value = p.slice(eq + 1);
    const existing = list.find((x) => x.name === name);
    if (existing) existing.value = value;
    else list.push({ name, value });
  }
}

/** The workflow for `--from kind/name`; usage errors for a malformed or unknown kind. */
export function workflowFromTemplate(from: string, params: string[]): Workflow {
  const slash = from.indexOf('/');
  if (slash <= 0 || slash === from.length - 1)
    throw usageError(
      `resource identifier '${from}' is malformed. Should be \`kind/name\`, e.g. workflowtemplate/my-template`,
    );
  const kind = KINDS[from.slice(0, slash)];
  const name = from.slice(slash + 1);
  if (!kind) throw usageError(`Resource kind '${from.slice(0, slash)}' is not supported for submitting`);
  if (kind === 'cronwf')
    throw usageError(
      `--from ${from}: CronWorkflows are not supported yet`,
      'submit the workflow file, or --from workflowtemplate/NAME',
    );
  const cluster = kind === 'cwftmpl';
  const wf: Workflow = {
    apiVersion: 'argoproj.io/v1alpha1',
    kind: 'Workflow',
    metadata: {
      generateName: `${name}-`,
      labels: { [cluster ? LABEL_CLUSTER_WORKFLOW_TEMPLATE : LABEL_WORKFLOW_TEMPLATE]: name },
    },
    spec: { workflowTemplateRef: cluster ? { name, clusterScope: true } : { name } },
  };
  setParameters(wf, params);
  return wf;
}

/**
 * Fails (exit 1) when the workflow's `workflowTemplateRef` names a template that does not exist, as
 * Argo's server refuses the submission, instead of creating a workflow that ends Error.
 */
export async function checkTemplateExists(client: KubeClient, namespace: string, wf: Workflow): Promise<void> {
  const ref = wf.spec.workflowTemplateRef;
  if (!ref?.name) return;
  const path = ref.clusterScope ? clusterWorkflowTemplatePath(ref.name) : workflowTemplatePath(namespace, ref.name);
  try {
    await client.request({ method: 'GET', path });
  } catch (e) {
    if (!isNotFound(e)) throw e;
    const what = ref.clusterScope ? 'clusterworkflowtemplates' : 'workflowtemplates';
    const where = ref.clusterScope ? '' : ` in namespace "${namespace}"`;
    throw failure(
      `${what}.argoproj.io "${ref.name}" not found${where}`,
      `create it first: argosy ${ref.clusterScope ? 'cluster-template' : 'template'} create FILE`,
    );
  }
}
