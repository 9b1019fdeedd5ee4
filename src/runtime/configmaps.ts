/**
 * Loads the ConfigMaps a workflow's parameters name with `valueFrom.configMapKeyRef` (workflow
 * arguments, template inputs and step/task arguments, including those of referenced templates) from the
 * workflow's namespace in the main cluster, by name, once per reconcile; the memoization caches its
 * templates name (same namespace, docs/adr/0019-memoization-cache-namespace.md); and, until the workflow
 * has pinned its artifact repository, the ConfigMaps Argo resolves the repository from (the workflow's
 * namespace, and the controller's for a `spec.artifactRepositoryRef`). Keys are the engine's
 * (`Snapshot.configMaps`, `namespace/name`). A ConfigMap that does not exist is left out: the engine
 * reports Argo's "does not exist" error (or uses `valueFrom.default`); a parameter ConfigMap that may not
 * be read is too, a repository ConfigMap that may not be read carries the API server's message
 * (`readError`), which the engine reports as Argo does. Names still
 * containing `{{...}}` are resolved by the engine and cannot be read ahead: they are skipped.
 */
import type { ObservedConfigMap } from '../engine/contract.ts';
import { repositoryCandidates, usesArtifacts } from '../engine/artifacts/repository.ts';
import type { Parameter, Template, Workflow } from '../engine/types.ts';
import type { KubeClient } from '../ports/kube.ts';
import { isKubeApiError, isNotFound } from '../adapters/kube/errors.ts';

function refsOf(params: Parameter[] | undefined, out: Set<string>): void {
  for (const p of params ?? []) {
    const name = p.valueFrom?.configMapKeyRef?.name;
    if (name && !name.includes('{{')) out.add(name);
  }
}

function templateRefs(templates: Template[] | undefined, out: Set<string>): void {
  for (const t of templates ?? []) {
    refsOf(t.inputs?.parameters, out);
    for (const step of [...(t.steps ?? []).flatMap((g) => g ?? []), ...(t.dag?.tasks ?? [])])
      refsOf(step.arguments?.parameters, out);
  }
}

/** The ConfigMap names a workflow (and the templates it references) reads parameters from. */
export function referencedConfigMaps(wf: Workflow, workflowTemplates?: Record<string, Workflow>): string[] {
  const out = new Set<string>();
  refsOf(wf.spec.arguments?.parameters, out);
  templateRefs(wf.spec.templates, out);
  for (const t of Object.values(workflowTemplates ?? {})) {
    refsOf(t.spec.arguments?.parameters, out);
    templateRefs(t.spec.templates, out);
  }
  return [...out];
}

/** The memoization caches (Template.memoize.cache.configMap.name) of a workflow and its templates. */
function memoCaches(wf: Workflow, workflowTemplates?: Record<string, Workflow>): string[] {
  const out = new Set<string>();
  const specs = [wf.spec, ...Object.values(workflowTemplates ?? {}).map((t) => t.spec)];
  for (const t of specs.flatMap((spec) => spec.templates ?? [])) {
    const name = (t.memoize as { cache?: { configMap?: { name?: string } } } | undefined)?.cache?.configMap?.name;
    if (name && !name.includes('{{')) out.add(name);
  }
  return [...out];
}

/** `namespace/name` of every ConfigMap to read for this reconcile, and which are repository candidates. */
function placesToRead(
  wf: Workflow,
  workflowTemplates?: Record<string, Workflow>,
  controllerNamespace?: string,
): { places: string[]; repositories: Set<string> } {
  const namespace = wf.metadata.namespace ?? '';
  const names = [...referencedConfigMaps(wf, workflowTemplates), ...memoCaches(wf, workflowTemplates)];
  const out = new Set(names.map((n) => `${namespace}/${n}`));
  const repositories = new Set<string>();
  if (!wf.status?.artifactRepositoryRef && usesArtifacts(wf, workflowTemplates))
    for (const c of repositoryCandidates(wf, controllerNamespace)) repositories.add(`${c.namespace}/${c.configMap}`);
  return { places: [...new Set([...out, ...repositories])], repositories };
}

/** The ConfigMaps to read; `undefined` when there are none (no reads). Other errors propagate. */
export async function loadConfigMaps(
  client: KubeClient,
  wf: Workflow,
  workflowTemplates?: Record<string, Workflow>,
  controllerNamespace?: string,
): Promise<Record<string, ObservedConfigMap> | undefined> {
  const { places, repositories } = placesToRead(wf, workflowTemplates, controllerNamespace);
  if (places.length === 0) return undefined;
  const out: Record<string, ObservedConfigMap> = {};
  await Promise.all(
    places.map(async (place) => {
      const [namespace = '', name = ''] = place.split('/');
      try {
        const path = `/api/v1/namespaces/${encodeURIComponent(namespace)}/configmaps/${encodeURIComponent(name)}`;
        const cm = await client.request<{
          metadata?: { labels?: Record<string, string>; annotations?: Record<string, string> };
          data?: Record<string, string>;
        }>({ method: 'GET', path });
        const observed: ObservedConfigMap = { labels: cm.metadata?.labels ?? {}, data: cm.data ?? {} };
        if (cm.metadata?.annotations) observed.annotations = cm.metadata.annotations;
        out[place] = observed;
      } catch (e) {
        if (isNotFound(e)) return;
        if (isKubeApiError(e) && e.statusCode === 403) {
          // A repository ConfigMap the controller may not read is an error Argo reports, not an absent one.
          if (repositories.has(place))
            out[place] = {
              readError:
                `${e.statusMessage || e.message} (cluster "${e.cluster}": the controller needs get on configmaps ` +
                `in namespace "${namespace}", see docs/artifacts.md)`,
            };
          return;
        }
        throw e;
      }
    }),
  );
  return out;
}
