/**
 * The Kubernetes vocabulary of every layer, part 1 (paths and calls): paths and small typed helpers
 * over {@link KubeClient.request} for the resources Argosy touches — pods (and logs), workflows (and
 * their status subresource), secrets, events, access reviews and the server version. Every read and
 * write the runtime, watcher and CLI make goes through here, so the API footprint is visible in one
 * place. Plain functions, so tree-shaking keeps the Lambda bundle small. Part 2 is
 * `src/engine/labels.ts` (label keys and selectors, which the engine also needs); part 3 is
 * `./compressed-nodes.ts` (the `status.compressedNodes` codec).
 */
import type { KubeClient } from '../../ports/kube.ts';

/** The Workflow CRD's group/version. */
export const WF_GROUP_VERSION = 'argoproj.io/v1alpha1';
const WF_GROUP = `/apis/${WF_GROUP_VERSION}`;
const enc = encodeURIComponent;

/** Query of list calls (label/field selectors, paging, resourceVersion). */
export type ListQuery = Record<string, string | number | boolean | undefined>;

/** A Kubernetes list answer. */
export interface KubeList<T> {
  apiVersion?: string;
  kind?: string;
  metadata: { resourceVersion?: string; continue?: string };
  items: T[];
}

/** Pods of a namespace; `''` = every namespace. */
export function podsPath(namespace: string): string {
  return namespace ? `/api/v1/namespaces/${enc(namespace)}/pods` : '/api/v1/pods';
}
export function podPath(namespace: string, name: string): string {
  return `${podsPath(namespace)}/${enc(name)}`;
}
export function podLogPath(namespace: string, name: string): string {
  return `${podPath(namespace, name)}/log`;
}
/** Workflows of a namespace; `''` = every namespace. */
export function workflowsPath(namespace: string): string {
  return namespace ? `${WF_GROUP}/namespaces/${enc(namespace)}/workflows` : `${WF_GROUP}/workflows`;
}
export function workflowPath(namespace: string, name: string): string {
  return `${workflowsPath(namespace)}/${enc(name)}`;
}
export function workflowTemplatePath(namespace: string, name: string): string {
  return `${WF_GROUP}/namespaces/${enc(namespace)}/workflowtemplates/${enc(name)}`;
}
export function clusterWorkflowTemplatePath(name: string): string {
  return `${WF_GROUP}/clusterworkflowtemplates/${enc(name)}`;
}
export function workflowStatusPath(namespace: string, name: string): string {
  return `${workflowPath(namespace, name)}/status`;
}
/** Argo's WorkflowTaskResults (`''` = every namespace); written by the executor, read by the controller. */
export function taskResultsPath(namespace: string): string {
  const ns = namespace ? `/namespaces/${encodeURIComponent(namespace)}` : '';
  return `/apis/${WF_GROUP_VERSION}${ns}/workflowtaskresults`;
}
/** Argo's WorkflowTaskSets (`''` = every namespace): HTTP tasks for the agent pod, and its results. */
export function taskSetsPath(namespace: string): string {
  const ns = namespace ? `/namespaces/${encodeURIComponent(namespace)}` : '';
  return `/apis/${WF_GROUP_VERSION}${ns}/workflowtasksets`;
}
export function taskSetPath(namespace: string, name: string): string {
  return `${taskSetsPath(namespace)}/${enc(name)}`;
}
/** PersistentVolumeClaims of a namespace (the claims of `volumeClaimTemplates`). */
export function claimsPath(namespace: string): string {
  return `/api/v1/namespaces/${enc(namespace)}/persistentvolumeclaims`;
}
export function claimPath(namespace: string, name: string): string {
  return `${claimsPath(namespace)}/${enc(name)}`;
}
export function secretsPath(namespace: string): string {
  return `/api/v1/namespaces/${enc(namespace)}/secrets`;
}
export function secretPath(namespace: string, name: string): string {
  return `${secretsPath(namespace)}/${enc(name)}`;
}
export function configMapsPath(namespace: string): string {
  return `/api/v1/namespaces/${enc(namespace)}/configmaps`;
}
export function configMapPath(namespace: string, name: string): string {
  return `${configMapsPath(namespace)}/${enc(name)}`;
}
export function eventsPath(namespace: string): string {
  return `/api/v1/namespaces/${enc(namespace)}/events`;
}
export const SELF_SUBJECT_ACCESS_REVIEWS_PATH = '/apis/authorization.k8s.io/v1/selfsubjectaccessreviews';
export const VERSION_PATH = '/version';

/** Patch flavours; custom resources accept merge and JSON patches, built-ins also strategic merge. */
export type PatchType = 'merge' | 'json' | 'strategic';
const PATCH_CONTENT: Record<PatchType, string> = {
  merge: 'application/merge-patch+json',
  json: 'application/json-patch+json',
  strategic: 'application/strategic-merge-patch+json',
};

type Obj = Record<string, unknown>;

// --- pods ---------------------------------------------------------------------------------------

export function getPod<T = Obj>(kube: KubeClient, namespace: string, name: string): Promise<T> {
  return kube.request<T>({ method: 'GET', path: podPath(namespace, name) });
}
export function listPods<T = Obj>(kube: KubeClient, namespace: string, query?: ListQuery): Promise<KubeList<T>> {
  return kube.request<KubeList<T>>({ method: 'GET', path: podsPath(namespace), query });
}
/** Creates a pod in `namespace` (which is also set in the body, so the two cannot disagree). */
export function createPod<T = Obj>(kube: KubeClient, namespace: string, pod: { metadata?: object }): Promise<T> {
  const body = { ...pod, metadata: { ...pod.metadata, namespace } };
  return kube.request<T>({ method: 'POST', path: podsPath(namespace), body });
}
export function patchPod<T = Obj>(
  kube: KubeClient,
  namespace: string,
  name: string,
  patch: unknown,
  type: PatchType = 'merge',
): Promise<T> {
  return kube.request<T>({
    method: 'PATCH',
    path: podPath(namespace, name),
    body: patch,
    contentType: PATCH_CONTENT[type],
  });
}
/** Deletes a pod; `propagationPolicy` goes in a DeleteOptions body, `gracePeriodSeconds` in the query. */
export function deletePod(
  kube: KubeClient,
  namespace: string,
  name: string,
  options: { gracePeriodSeconds?: number; propagationPolicy?: 'Background' | 'Foreground' | 'Orphan' } = {},
): Promise<unknown> {
  const { propagationPolicy, gracePeriodSeconds } = options;
  return kube.request({
    method: 'DELETE',
    path: podPath(namespace, name),
    ...(gracePeriodSeconds !== undefined ? { query: { gracePeriodSeconds } } : {}),
    ...(propagationPolicy ? { body: { apiVersion: 'v1', kind: 'DeleteOptions', propagationPolicy } } : {}),
  });
}
/** Sets (or, with `null`, removes) pod labels by merge patch. */
export function patchPodLabels(
  kube: KubeClient,
  namespace: string,
  name: string,
  labels: Record<string, string | null>,
): Promise<unknown> {
  return patchPod(kube, namespace, name, { metadata: { labels } });
}
// --- persistent volume claims -------------------------------------------------------------------

export function getClaim<T = Obj>(kube: KubeClient, namespace: string, name: string): Promise<T> {
  return kube.request<T>({ method: 'GET', path: claimPath(namespace, name) });
}
export function listClaims<T = Obj>(kube: KubeClient, namespace: string, query?: ListQuery): Promise<KubeList<T>> {
  return kube.request<KubeList<T>>({ method: 'GET', path: claimsPath(namespace), query });
}
export function createClaim<T = Obj>(
  kube: KubeClient,
  namespace: string,
  claim: { metadata?: object; spec?: unknown },
): Promise<T> {
  const body = { ...claim, metadata: { ...claim.metadata, namespace } };
  return kube.request<T>({ method: 'POST', path: claimsPath(namespace), body });
}
export function deleteClaim(kube: KubeClient, namespace: string, name: string): Promise<unknown> {
  return kube.request({ method: 'DELETE', path: claimPath(namespace, name) });
}
/** Sets a claim's finalizers (merge patch replaces the list). */
export function patchClaimFinalizers(kube: KubeClient, namespace: string, name: string, finalizers: string[]) {
  return kube.request({
    method: 'PATCH',
    path: claimPath(namespace, name),
    body: { metadata: { finalizers } },
    contentType: PATCH_CONTENT.merge,
  });
}

/** Reads a container's log (whole, or `tailLines`); `throttle: false` as in KubeRequest (ports/kube.ts). */
export function readPodLog(
  kube: KubeClient,
  namespace: string,
  name: string,
  query: ListQuery = {},
  throttle?: false,
): Promise<string> {
  return kube
    .request<string | undefined>({
      method: 'GET',
      path: podLogPath(namespace, name),
      query,
      ...(throttle === false ? { throttle } : {}),
    })
    .then((t) => (typeof t === 'string' ? t : t === undefined ? '' : JSON.stringify(t)));
}

// --- workflows ----------------------------------------------------------------------------------

export function getWorkflow<T = Obj>(kube: KubeClient, namespace: string, name: string): Promise<T> {
  return kube.request<T>({ method: 'GET', path: workflowPath(namespace, name) });
}
/** Lists every page of a collection (`pageSize`, default 500, a page) under one label selector. */
export async function listAll<T>(
  kube: KubeClient,
  path: string,
  labelSelector: string,
  pageSize = 500,
  fieldSelector?: string,
): Promise<KubeList<T>> {
  const items: T[] = [];
  let cont: string | undefined;
  let resourceVersion: string | undefined;
  do {
    const page = await kube.request<KubeList<T>>({
      method: 'GET',
      path,
      query: {
        labelSelector: labelSelector || undefined,
        fieldSelector: fieldSelector || undefined,
        limit: pageSize,
        continue: cont,
      },
    });
    items.push(...(page.items ?? []));
    cont = page.metadata?.continue || undefined;
    resourceVersion = page.metadata?.resourceVersion;
  } while (cont);
  return { metadata: { resourceVersion }, items };
}
export function listWorkflows<T = Obj>(kube: KubeClient, namespace: string, query?: ListQuery): Promise<KubeList<T>> {
  return kube.request<KubeList<T>>({ method: 'GET', path: workflowsPath(namespace), query });
}
export function createWorkflow<T = Obj>(kube: KubeClient, namespace: string, wf: unknown): Promise<T> {
  return kube.request<T>({ method: 'POST', path: workflowsPath(namespace), body: wf });
}
/** Patches the main resource (metadata); merge patch by default. */
export function patchWorkflow<T = Obj>(
  kube: KubeClient,
  namespace: string,
  name: string,
  patch: unknown,
  type: Exclude<PatchType, 'strategic'> = 'merge',
): Promise<T> {
  return kube.request<T>({
    method: 'PATCH',
    path: workflowPath(namespace, name),
    body: patch,
    contentType: PATCH_CONTENT[type],
  });
}
/** Patches `/status`; include `metadata.resourceVersion` in a merge patch for optimistic concurrency. */
export function patchWorkflowStatus<T = Obj>(
  kube: KubeClient,
  namespace: string,
  name: string,
  patch: unknown,
  type: Exclude<PatchType, 'strategic'> = 'merge',
): Promise<T> {
  return kube.request<T>({
    method: 'PATCH',
    path: workflowStatusPath(namespace, name),
    body: patch,
    contentType: PATCH_CONTENT[type],
  });
}
type WorkflowObject = { metadata: { namespace?: string; name?: string; resourceVersion?: string } };

/** Replaces `/status` (PUT; `metadata.resourceVersion` is the precondition: 409 on a stale read). */
export function replaceWorkflowStatus<T extends WorkflowObject>(kube: KubeClient, wf: T): Promise<T> {
  const { namespace = '', name = '' } = wf.metadata;
  const body = { apiVersion: WF_GROUP_VERSION, kind: 'Workflow', ...wf };
  return kube.request<T>({ method: 'PUT', path: workflowStatusPath(namespace, name), body });
}
/** Replaces the whole object (when the CRD has no status subresource, one write carries both). */
export function replaceWorkflow<T extends WorkflowObject>(kube: KubeClient, wf: T): Promise<T> {
  const { namespace = '', name = '' } = wf.metadata;
  const body = { apiVersion: WF_GROUP_VERSION, kind: 'Workflow', ...wf };
  return kube.request<T>({ method: 'PUT', path: workflowPath(namespace, name), body });
}
/** Whether the Workflow CRD serves a status subresource (discovery lists `workflows/status`). */
export async function discoverStatusSubresource(kube: KubeClient): Promise<boolean> {
  const list = await kube.request<{ resources?: { name: string }[] }>({ method: 'GET', path: WF_GROUP });
  return (list.resources ?? []).some((r) => r.name === 'workflows/status');
}
export function deleteWorkflow(kube: KubeClient, namespace: string, name: string): Promise<unknown> {
  return kube.request({ method: 'DELETE', path: workflowPath(namespace, name) });
}

// --- secrets, events ----------------------------------------------------------------------------

/** A Secret as returned by the API (data values are base64). */
export interface KubeSecret {
  apiVersion?: 'v1';
  kind?: 'Secret';
  metadata: { name: string; namespace?: string; resourceVersion?: string; [k: string]: unknown };
  type?: string;
  data?: Record<string, string>;
  stringData?: Record<string, string>;
}

export function getSecret(kube: KubeClient, namespace: string, name: string): Promise<KubeSecret> {
  return kube.request<KubeSecret>({ method: 'GET', path: secretPath(namespace, name) });
}
export function createSecret(kube: KubeClient, namespace: string, secret: KubeSecret): Promise<KubeSecret> {
  return kube.request<KubeSecret>({ method: 'POST', path: secretsPath(namespace), body: secret });
}
export function replaceSecret(kube: KubeClient, namespace: string, secret: KubeSecret): Promise<KubeSecret> {
  return kube.request<KubeSecret>({ method: 'PUT', path: secretPath(namespace, secret.metadata.name), body: secret });
}
export function patchSecret(kube: KubeClient, namespace: string, name: string, patch: unknown): Promise<KubeSecret> {
  return kube.request<KubeSecret>({
    method: 'PATCH',
    path: secretPath(namespace, name),
    body: patch,
    contentType: PATCH_CONTENT.merge,
  });
}
export function createEvent<T = Obj>(kube: KubeClient, namespace: string, event: unknown): Promise<T> {
  return kube.request<T>({ method: 'POST', path: eventsPath(namespace), body: event });
}

// --- configmaps ---------------------------------------------------------------------------------

/** A ConfigMap as returned by the API. */
export interface KubeConfigMap {
  apiVersion?: 'v1';
  kind?: 'ConfigMap';
  metadata: {
    name: string;
    namespace?: string;
    resourceVersion?: string;
    labels?: Record<string, string>;
    [k: string]: unknown;
  };
  data?: Record<string, string>;
}

export function getConfigMap(kube: KubeClient, namespace: string, name: string): Promise<KubeConfigMap> {
  return kube.request<KubeConfigMap>({ method: 'GET', path: configMapPath(namespace, name) });
}
export function createConfigMap(kube: KubeClient, namespace: string, cm: KubeConfigMap): Promise<KubeConfigMap> {
  return kube.request<KubeConfigMap>({ method: 'POST', path: configMapsPath(namespace), body: cm });
}
/** Replaces a ConfigMap; its `metadata.resourceVersion` makes a concurrent change a 409 Conflict. */
export function replaceConfigMap(kube: KubeClient, namespace: string, cm: KubeConfigMap): Promise<KubeConfigMap> {
  return kube.request<KubeConfigMap>({ method: 'PUT', path: configMapPath(namespace, cm.metadata.name), body: cm });
}

// --- access reviews, version --------------------------------------------------------------------

/** One `SelfSubjectAccessReview` question. `namespace: ''` asks about every namespace. */
export interface AccessQuestion {
  verb: string;
  resource: string;
  subresource?: string;
  group?: string;
  namespace: string;
}

/** Asks the API server whether the client's identity may do `q`; resolves with allowed + reason. */
export async function canI(kube: KubeClient, q: AccessQuestion): Promise<{ allowed: boolean; reason?: string }> {
  const review = await kube.request<{ status?: { allowed?: boolean; reason?: string } }>({
    method: 'POST',
    path: SELF_SUBJECT_ACCESS_REVIEWS_PATH,
    body: {
      apiVersion: 'authorization.k8s.io/v1',
      kind: 'SelfSubjectAccessReview',
      spec: {
        resourceAttributes: {
          verb: q.verb,
          resource: q.resource,
          subresource: q.subresource,
          group: q.group ?? '',
          namespace: q.namespace || undefined,
        },
      },
    },
  });
  return { allowed: review.status?.allowed === true, reason: review.status?.reason };
}

/** `/version` of the API server. */
export interface ServerVersion {
  major?: string;
  minor?: string;
  gitVersion?: string;
  platform?: string;
}
export function getServerVersion(kube: KubeClient): Promise<ServerVersion> {
  return kube.request<ServerVersion>({ method: 'GET', path: VERSION_PATH });
}
