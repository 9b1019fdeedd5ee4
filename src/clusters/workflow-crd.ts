/**
 * Does the Workflow CRD installed in the main cluster keep Argosy's multi-cluster fields? Argo's
 * structural "full" CRD lists every template field and prunes the rest, so the API server would drop
 * `clusterName`/`namespace` from templates and the step would silently run in the main cluster.
 * Argo's "minimal" CRD (infra/crds, what Argosy installs) preserves unknown fields under `spec`.
 */

type Schema = Record<string, unknown> | undefined;

const child = (s: Schema, key: string): Schema => {
  const props = s?.properties as Record<string, Schema> | undefined;
  return props?.[key];
};
const preserves = (s: Schema): boolean => s?.['x-kubernetes-preserve-unknown-fields'] === true;

/** Whether a field under `schema` survives pruning: kept by a preserving level or listed. */
function keeps(schema: Schema, path: string[]): boolean {
  let s = schema;
  for (const key of path) {
    if (!s || preserves(s)) return true;
    if (key === '[]') s = s.items as Schema;
    else {
      const next = child(s, key);
      if (!next) return s.properties === undefined;
      s = next;
    }
  }
  return true;
}

/** What Argosy needs from the CRD's storage version, or undefined when it keeps every field it needs. */
export function workflowCrdProblem(crd: unknown): string | undefined {
  const versions = ((crd as { spec?: { versions?: unknown[] } })?.spec?.versions ?? []) as Array<
    Record<string, unknown>
  >;
  const version = versions.find((v) => v.storage === true) ?? versions[0];
  const schema = (version?.schema as { openAPIV3Schema?: Schema } | undefined)?.openAPIV3Schema;
  if (!schema) return undefined; // no schema: nothing is pruned
  const lost = ['clusterName', 'namespace'].filter((f) => !keeps(schema, ['spec', 'templates', '[]', f]));
  if (lost.length === 0) return undefined;
  return (
    `the Workflow CRD (workflows.argoproj.io ${String(version?.name ?? '')}) prunes spec.templates[].` +
    `${lost.join(' and ')}: it is Argo's structural "full" CRD, and steps would silently run in the main cluster; ` +
    "install the CRDs Argosy ships (Argo's minimal ones): kubectl apply --server-side -k infra/crds"
  );
}

/** The Workflow CRD's path (cluster-scoped). */
export const WORKFLOW_CRD_PATH = '/apis/apiextensions.k8s.io/v1/customresourcedefinitions/workflows.argoproj.io';

/** The Workflow CRD would prune Argosy's fields: the controller refuses to start (the message says which CRD to install). */
export class WorkflowCrdError extends Error {
  override name = 'WorkflowCrdError';
}

/**
 * The check at controller start: throws {@link WorkflowCrdError} when the installed CRD prunes the
 * multi-cluster fields; when the CRD cannot be read (no right to get it, e.g. a namespaced install),
 * says so with a warning and goes on — `argosy doctor` can check it with more rights.
 */
export async function checkWorkflowCrdAtStart(
  main: { request<T>(req: { method: 'GET'; path: string }): Promise<T> },
  logger: { warn(message: string, fields?: Record<string, unknown>): void },
): Promise<void> {
  let crd: unknown;
  try {
    crd = await main.request({ method: 'GET', path: WORKFLOW_CRD_PATH });
  } catch (e) {
    logger.warn('cannot read the Workflow CRD to check that it keeps clusterName/namespace; run argosy doctor', {
      error: (e as Error).message,
    });
    return;
  }
  const problem = workflowCrdProblem(crd);
  if (problem) throw new WorkflowCrdError(problem);
}
