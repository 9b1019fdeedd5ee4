/**
 * `argosy submit --from kind/name`: the workflow Argo's server builds for a submission from an existing
 * resource (`common.NewWorkflowFromWorkflowTemplate`): `generateName: <name>-`, a `workflowTemplateRef`,
 * and the label naming the template; `-p` adds or replaces arguments as `ApplySubmitOpts` does.
 */
import type { Workflow } from '../../engine/types.ts';
import type { KubeClient } from '../../ports/kube.ts';
import { isNotFound } from '../../adapters/kube/errors.ts';
import { clusterWorkflowTemplatePath, workflowTemplatePath } from '../../adapters/kube/resources.ts';
import { failure, usageError } from '../lib/errors.ts';
import { workflowFor, type CronWorkflow } from '../../engine/cron/decide-cron.ts';

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

/** Marks the placeholder `workflowFromTemplate` returns for `cronwf/NAME` (resolved by {@link resolveCron}). */
const CRON = Symbol('cron');

/**
 * The workflow for `--from kind/name`; usage errors for a malformed or unknown kind. A CronWorkflow
 * needs the cluster: a placeholder comes back, for {@link resolveCron}.
 */
export function workflowFromTemplate(from: string, params: string[]): Workflow {
  const slash = from.indexOf('/');
  if (slash <= 0 || slash === from.length - 1)
    throw usageError(
      `resource identifier '${from}' is malformed. Should be \`kind/name\`, e.g. workflowtemplate/my-template`,
    );
  const kind = KINDS[from.slice(0, slash)];
  const name = from.slice(slash + 1);
  if (!kind) throw usageError(`Resource kind '${from.slice(0, slash)}' is not supported for submitting`);
  if (kind === 'cronwf') return { metadata: {}, spec: {}, [CRON]: name } as Workflow;
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

/**
 * Argo's `ConvertCronWorkflowToWorkflow` for a `cronwf/NAME` placeholder: `generateName: NAME-`, the
 * scheduled-time annotation set to now, the CronWorkflow's labels, workflowMetadata and owner
 * reference; other workflows come back unchanged (the caller applies the submit flags to it).
 */
export async function resolveCron(client: KubeClient, namespace: string, wf: Workflow): Promise<Workflow> {
  const name = (wf as unknown as Record<symbol, unknown>)[CRON];
  if (typeof name !== 'string') return wf;
  let cron: CronWorkflow;
  try {
    cron = await client.request<CronWorkflow>({
      method: 'GET',
      path: `/apis/argoproj.io/v1alpha1/namespaces/${encodeURIComponent(namespace)}/cronworkflows/${encodeURIComponent(name)}`,
    });
  } catch (e) {
    if (!isNotFound(e)) throw e;
    throw failure(
      `cronworkflows.argoproj.io "${name}" not found in namespace "${namespace}"`,
      'list them: argosy cron list',
    );
  }
  const out = workflowFor(cron, Date.now());
  delete out.metadata.name;
  delete out.metadata.namespace;
  out.metadata.generateName = `${name}-`;
  return out;
}
