/**
 * The kubectl part of `argoexec resource` for the local executor stand-in: finds a kind's REST path by
 * discovery (as kubectl's RESTMapper does), and runs get/create/apply/replace/patch/delete with the
 * pod's own ServiceAccount token, so the API server's RBAC decides what the workflow may do. Failures
 * read as kubectl prints them (`Error from server (Forbidden): error when creating …`).
 */
import type { HttpKubeClient } from '../../../adapters/kube/http-client.ts';
import { KubeApiError, isNotFound } from '../../../adapters/kube/errors.ts';

export const MANIFEST_PATH = '/tmp/manifest.yaml';

/** A kind's REST location. */
export interface ApiResource {
  group: string;
  version: string;
  /** Plural resource name. */
  name: string;
  kind: string;
  namespaced: boolean;
}

interface DiscoveryList {
  groupVersion?: string;
  resources?: { name: string; kind: string; namespaced: boolean; singularName?: string; shortNames?: string[] }[];
}

/** kubectl's failure text: `Error from server (Reason): <what> "<file>": <message>`. */
export function kubectlError(e: unknown, what: string): Error {
  if (e instanceof KubeApiError)
    return new Error(`Error from server (${e.reason || e.statusCode}): ${what ? `${what}: ` : ''}${e.statusMessage}`);
  return e as Error;
}

function groupVersionPath(apiVersion: string): string {
  return apiVersion.includes('/') ? `/apis/${apiVersion}` : `/api/${apiVersion}`;
}

async function resourcesOf(c: HttpKubeClient, apiVersion: string): Promise<DiscoveryList> {
  return c.request<DiscoveryList>({ method: 'GET', path: groupVersionPath(apiVersion) });
}

function toResource(apiVersion: string, r: NonNullable<DiscoveryList['resources']>[number]): ApiResource {
  const [group, version] = apiVersion.includes('/') ? apiVersion.split('/') : ['', apiVersion];
  return { group: group!, version: version!, name: r.name, kind: r.kind, namespaced: r.namespaced };
}

/** The resource serving `kind` in `apiVersion` (kubectl: `no matches for kind … in version …`). */
export async function resourceForKind(c: HttpKubeClient, apiVersion: string, kind: string): Promise<ApiResource> {
  let list: DiscoveryList;
  try {
    list = await resourcesOf(c, apiVersion);
  } catch (e) {
    if (!isNotFound(e)) throw e;
    list = {};
  }
  const r = (list.resources ?? []).find((x) => x.kind === kind && !x.name.includes('/'));
  if (r) return toResource(apiVersion, r);
  const notFound = `resource mapping not found for kind "${kind}" in version "${apiVersion}"`;
  // A real cluster serves every built-in kind; saying "install its CRD" would send the user the wrong way.
  if (isBuiltinGroup(apiVersion))
    throw new Error(
      `${notFound}: local clusters do not serve this built-in kind (docs/local-clusters.md lists the kinds they serve); run the workflow on a real cluster`,
    );
  throw new Error(`${notFound}; ensure CRDs are installed first`);
}

/** Kubernetes' own API groups (kube-apiserver serves them; CRDs such as gateway.networking.k8s.io are not here). */
const BUILTIN_GROUPS = new Set([
  '',
  'apps',
  'batch',
  'autoscaling',
  'policy',
  ...[
    'networking',
    'rbac.authorization',
    'storage',
    'scheduling',
    'coordination',
    'discovery',
    'node',
    'certificates',
    'admissionregistration',
    'apiextensions',
    'apiregistration',
    'events',
    'flowcontrol.apiserver',
    'resource',
    'authentication',
    'authorization',
  ].map((g) => `${g}.k8s.io`),
]);

function isBuiltinGroup(apiVersion: string): boolean {
  return BUILTIN_GROUPS.has(apiVersion.includes('/') ? (apiVersion.split('/')[0] ?? '') : '');
}

/** The resource a kubectl type argument names (`pod`, `configmaps`, `cm`, `workflow.argoproj.io`). */
export async function resourceForType(c: HttpKubeClient, type: string): Promise<ApiResource> {
  const [name, ...groupParts] = type.toLowerCase().split('.');
  const group = groupParts.join('.');
  const versions: string[] = [];
  if (!group) versions.push('v1');
  const groups = await c.request<{ groups?: { name: string; preferredVersion?: { groupVersion: string } }[] }>({
    method: 'GET',
    path: '/apis',
  });
  for (const g of groups.groups ?? [])
    if ((!group || g.name === group) && g.preferredVersion) versions.push(g.preferredVersion.groupVersion);
  for (const gv of versions) {
    const list = await resourcesOf(c, gv);
    const r = (list.resources ?? []).find(
      (x) =>
        !x.name.includes('/') &&
        (x.name === name || x.singularName === name || x.kind.toLowerCase() === name || x.shortNames?.includes(name!)),
    );
    if (r) return toResource(gv, r);
  }
  throw new Error(`error: the server doesn't have a resource type "${type}"`);
}

/** The REST path of an object (or its collection when `name` is empty). */
export function objectPath(r: ApiResource, namespace: string, name = ''): string {
  const base = r.group ? `/apis/${r.group}/${r.version}` : `/api/${r.version}`;
  const ns = r.namespaced ? `/namespaces/${namespace}` : '';
  return `${base}${ns}/${r.name}${name ? `/${name}` : ''}`;
}

/** `<kind>.<group>/<name>` as Argo logs and reports the resource (`job.batch/rand-num-x`). */
export function fullName(r: ApiResource, name: string): string {
  return `${r.kind.toLowerCase()}.${r.group}/${name}`;
}
