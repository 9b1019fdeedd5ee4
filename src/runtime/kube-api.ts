/**
 * The handful of Kubernetes calls the runtime makes, as plain functions over the {@link KubeClient}
 * port. Kept here (not in adapters/kube) so the runtime's API footprint is visible in one place:
 * every read and write a reconcile can do is below.
 */
import type { KubePod } from '../engine/contract.ts';
import type { Workflow } from '../engine/types.ts';
import type { KubeClient } from '../ports/kube.ts';

export const WF_GROUP_VERSION = 'argoproj.io/v1alpha1';
const WF_BASE = `/apis/${WF_GROUP_VERSION}`;

/** Path of a workflow (or of the collection when `name` is absent; every namespace when `namespace` is ''). */
export function workflowPath(namespace: string, name?: string): string {
  const ns = namespace ? `/namespaces/${encodeURIComponent(namespace)}` : '';
  return `${WF_BASE}${ns}/workflows${name ? `/${encodeURIComponent(name)}` : ''}`;
}

/** Path of pods in a namespace ('' = every namespace). */
export function podsPath(namespace: string, name?: string): string {
  const ns = namespace ? `/namespaces/${encodeURIComponent(namespace)}` : '';
  return `/api/v1${ns}/pods${name ? `/${encodeURIComponent(name)}` : ''}`;
}

export interface KubeList<T> {
  metadata?: { resourceVersion?: string; continue?: string };
  items: T[];
}

export function getWorkflow(client: KubeClient, namespace: string, name: string): Promise<Workflow> {
  return client.request<Workflow>({ method: 'GET', path: workflowPath(namespace, name) });
}

/** Lists every page of a collection. */
export async function listAll<T>(client: KubeClient, path: string, labelSelector: string): Promise<KubeList<T>> {
  const items: T[] = [];
  let cont: string | undefined;
  let resourceVersion: string | undefined;
  do {
    const page = await client.request<KubeList<T>>({
      method: 'GET',
      path,
      query: { labelSelector: labelSelector || undefined, limit: 500, continue: cont },
    });
    items.push(...(page.items ?? []));
    cont = page.metadata?.continue || undefined;
    resourceVersion = page.metadata?.resourceVersion;
  } while (cont);
  return { metadata: { resourceVersion }, items };
}

export function createPod(client: KubeClient, namespace: string, pod: KubePod): Promise<KubePod> {
  return client.request<KubePod>({
    method: 'POST',
    path: podsPath(namespace),
    body: { ...pod, metadata: { ...pod.metadata, namespace } },
  });
}

export function deletePod(client: KubeClient, namespace: string, name: string): Promise<unknown> {
  return client.request({
    method: 'DELETE',
    path: podsPath(namespace, name),
    body: { apiVersion: 'v1', kind: 'DeleteOptions', propagationPolicy: 'Background' },
  });
}

export function patchPodLabels(
  client: KubeClient,
  namespace: string,
  name: string,
  labels: Record<string, string | null>,
): Promise<unknown> {
  return client.request({
    method: 'PATCH',
    path: podsPath(namespace, name),
    contentType: 'application/merge-patch+json',
    body: { metadata: { labels } },
  });
}

/** PUT of the status subresource; `workflow.metadata.resourceVersion` is the precondition. */
export function putWorkflowStatus(client: KubeClient, workflow: Workflow): Promise<Workflow> {
  const { metadata } = workflow;
  return client.request<Workflow>({
    method: 'PUT',
    path: `${workflowPath(metadata.namespace ?? '', metadata.name)}/status`,
    body: { apiVersion: WF_GROUP_VERSION, kind: 'Workflow', ...workflow },
  });
}

/** PUT of the whole object (used when the CRD has no status subresource: one write carries both). */
export function putWorkflow(client: KubeClient, workflow: Workflow): Promise<Workflow> {
  const { metadata } = workflow;
  return client.request<Workflow>({
    method: 'PUT',
    path: workflowPath(metadata.namespace ?? '', metadata.name),
    body: { apiVersion: WF_GROUP_VERSION, kind: 'Workflow', ...workflow },
  });
}

/** Merge patch of metadata with a resourceVersion precondition (a stale one answers 409). */
export function patchWorkflowMeta(
  client: KubeClient,
  namespace: string,
  name: string,
  meta: Record<string, unknown>,
): Promise<Workflow> {
  return client.request<Workflow>({
    method: 'PATCH',
    path: workflowPath(namespace, name),
    contentType: 'application/merge-patch+json',
    body: { metadata: meta },
  });
}

/** Whether the Workflow CRD serves a status subresource (discovery lists `workflows/status`). */
export async function discoverStatusSubresource(client: KubeClient): Promise<boolean> {
  const list = await client.request<{ resources?: { name: string }[] }>({ method: 'GET', path: WF_BASE });
  return (list.resources ?? []).some((r) => r.name === 'workflows/status');
}
