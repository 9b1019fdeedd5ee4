/**
 * The objects a workflow file may carry besides its Workflow — WorkflowTemplates,
 * ClusterWorkflowTemplates, ConfigMaps and PersistentVolumeClaims, as Argo's example tests apply them
 * before the workflows (test/e2e/examples_test.go), and the Secrets an example asks its user to create —
 * and `argosy run --apply FILE…` preloads: read, checked like the controller will check them, and
 * applied (created, or replaced when they exist) in the main cluster before the workflow is created.
 */
import type { KubeClient } from '../../ports/kube.ts';
import type { Workflow } from '../../engine/types.ts';
import { parseWorkflows } from '../../engine/parse.ts';
import { validateWorkflow } from '../../engine/validate.ts';
import { isNotFound } from '../../adapters/kube/errors.ts';
import { clusterWorkflowTemplatePath, workflowTemplatePath } from '../../adapters/kube/resources.ts';
import { usageError } from './errors.ts';

/** Kinds read from workflow files besides `Workflow`. */
export const TEMPLATE_KINDS = ['WorkflowTemplate', 'ClusterWorkflowTemplate'];
/** Core (v1) kinds read as plain objects, and their resource names. */
const CORE_OBJECTS: Record<string, string> = {
  ConfigMap: 'configmaps',
  Secret: 'secrets',
  PersistentVolumeClaim: 'persistentvolumeclaims',
};
/** Kinds read as plain objects (no `spec` needed). */
export const OBJECT_KINDS = Object.keys(CORE_OBJECTS);

/** An object to apply: a (Cluster)WorkflowTemplate or one of {@link OBJECT_KINDS}. */
export interface Manifest {
  kind: string;
  apiVersion?: string;
  metadata: { name?: string; namespace?: string; resourceVersion?: string; [k: string]: unknown };
  [k: string]: unknown;
}

/** What a file holds: its workflows and the objects to apply first, in document order. */
export interface FileDocuments {
  workflows: Workflow[];
  objects: Manifest[];
}

/** Problems of a (Cluster)WorkflowTemplate, as `argosy lint` reports them (entrypoint optional). */
export function templateProblems(t: Workflow): string[] {
  const problems: string[] = [];
  if (!t.metadata.name) problems.push('metadata.name: Required value');
  for (const e of validateWorkflow(t, { entrypointOptional: true })) problems.push(`${e.path}: ${e.message}`);
  return problems;
}

/**
 * Parses every document of a file: Workflows, (Cluster)WorkflowTemplates (checked here, exit 2 when
 * invalid) and ConfigMaps. Parse errors are usage errors naming file, line and column.
 */
export function parseDocuments(text: string, file: string, strict = true): FileDocuments {
  const kinds = ['Workflow', ...TEMPLATE_KINDS];
  const parsed = parseWorkflows(text, file, { kinds, objects: OBJECT_KINDS, strict });
  const err = parsed.errors[0];
  if (err) {
    const what = /kind|object|spec/.test(err.message) ? 'not a Workflow' : 'invalid YAML';
    throw usageError(`${file}:${err.line}:${err.column}: ${what}: ${err.message}`);
  }
  const out: FileDocuments = { workflows: [], objects: [] };
  for (const doc of parsed.workflows) {
    if (!doc.kind || doc.kind === 'Workflow') {
      out.workflows.push(doc);
      continue;
    }
    const problems = templateProblems(doc);
    if (problems.length > 0)
      throw usageError(
        `${file}: invalid ${doc.kind} "${doc.metadata.name ?? ''}": ${problems.join('; ')}`,
        'fix it and try again (argosy template lint)',
      );
    out.objects.push(doc as unknown as Manifest);
  }
  for (const obj of parsed.objects) {
    const m = obj as Manifest;
    if (!m.metadata || typeof m.metadata !== 'object' || !m.metadata.name)
      throw usageError(`${file}: a ${String(m.kind)} without metadata.name`);
    out.objects.push(m);
  }
  return out;
}

/** The API path of an object (`collection` true: where it is created). */
function pathOf(m: Manifest, namespace: string, collection: boolean): string {
  const name = m.metadata.name ?? '';
  const ns = m.metadata.namespace ?? namespace;
  let path: string;
  if (m.kind === 'ClusterWorkflowTemplate') path = clusterWorkflowTemplatePath(name);
  else if (m.kind === 'WorkflowTemplate') path = workflowTemplatePath(ns, name);
  else path = `/api/v1/namespaces/${encodeURIComponent(ns)}/${CORE_OBJECTS[m.kind]}/${encodeURIComponent(name)}`;
  return collection ? path.slice(0, path.lastIndexOf('/')) : path;
}

/** `kubectl apply`'s resource word for an object (`workflowtemplate.argoproj.io`). */
function resourceWord(m: Manifest): string {
  return m.kind in CORE_OBJECTS ? m.kind.toLowerCase() : `${m.kind.toLowerCase()}.argoproj.io`;
}

/**
 * Creates each object, or replaces it (with its current resourceVersion) when it exists; reports one
 * line per object the way `kubectl apply` does (`workflowtemplate.argoproj.io/x created`).
 */
export async function applyManifests(
  client: KubeClient,
  namespace: string,
  objects: Manifest[],
  report: (line: string) => void,
): Promise<void> {
  for (const m of objects) {
    const body: Manifest = { ...m, metadata: { ...m.metadata } };
    if (m.kind !== 'ClusterWorkflowTemplate') body.metadata.namespace = m.metadata.namespace ?? namespace;
    delete body.metadata.resourceVersion;
    let current: Manifest | undefined;
    try {
      current = await client.request<Manifest>({ method: 'GET', path: pathOf(m, namespace, false) });
    } catch (e) {
      if (!isNotFound(e)) throw e;
    }
    if (current) {
      body.metadata.resourceVersion = current.metadata.resourceVersion;
      await client.request({ method: 'PUT', path: pathOf(m, namespace, false), body });
      report(`${resourceWord(m)}/${m.metadata.name} configured`);
    } else {
      await client.request({ method: 'POST', path: pathOf(m, namespace, true), body });
      report(`${resourceWord(m)}/${m.metadata.name} created`);
    }
  }
}
