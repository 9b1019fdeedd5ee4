/**
 * Legacy discovery documents (`/api`, `/api/v1`, `/apis`, `/apis/<group>[/<version>]`) and
 * `/version`. kubectl and client-go ask for aggregated discovery first and fall back to these
 * when the answer's Content-Type is plain JSON.
 */
import type { ResourceRegistry } from './registry.ts';
import type { KubeObject, ResourceDef } from './resources.ts';

export const KUBE_VERSION = {
  major: '1',
  minor: '32',
  gitVersion: 'v1.32.0-argosy',
  gitCommit: '0000000000000000000000000000000000000000',
  gitTreeState: 'clean',
  buildDate: '2026-11-24T00:00:00Z',
  goVersion: 'go1.23.4',
  compiler: 'gc',
  platform: 'linux/amd64',
};

export function apiVersions(serverAddress: string): KubeObject {
  return {
    kind: 'APIVersions',
    versions: ['v1'],
    serverAddressByClientCIDRs: [{ clientCIDR: '0.0.0.0/0', serverAddress }],
  };
}

function groupDoc(group: string, versions: string[]): KubeObject {
  const gv = versions.map((v) => ({ groupVersion: `${group}/${v}`, version: v }));
  return { name: group, versions: gv, preferredVersion: gv[0] };
}

export function apiGroupList(registry: ResourceRegistry): KubeObject {
  const groups = [...registry.groups()].filter(([g]) => g !== '').sort(([a], [b]) => (a < b ? -1 : 1));
  return { kind: 'APIGroupList', apiVersion: 'v1', groups: groups.map(([g, vs]) => groupDoc(g, vs)) };
}

export function apiGroup(registry: ResourceRegistry, group: string): KubeObject | undefined {
  const vs = registry.groups().get(group);
  if (!vs || group === '') return undefined;
  return { kind: 'APIGroup', apiVersion: 'v1', ...groupDoc(group, vs) };
}

function subresourceVerbs(sub: string): string[] {
  if (sub === 'log') return ['get'];
  if (sub === 'binding') return ['create'];
  if (sub === 'finalize') return ['update'];
  return ['get', 'patch', 'update'];
}

function subresourceKind(def: ResourceDef, sub: string): string {
  if (sub === 'log') return 'Pod';
  if (sub === 'binding') return 'Binding';
  if (sub === 'scale') return 'Scale';
  return def.kind;
}

function resourceEntries(def: ResourceDef): KubeObject[] {
  const main: KubeObject = {
    name: def.resource,
    singularName: def.singular,
    namespaced: def.namespaced,
    kind: def.kind,
    verbs: def.verbs,
  };
  if (def.shortNames.length) main.shortNames = def.shortNames;
  if (def.categories.length) main.categories = def.categories;
  main.storageVersionHash = Buffer.from(`${def.group}/${def.resource}`).toString('base64').slice(0, 11);
  const subs = def.subresources.map((s) => ({
    name: `${def.resource}/${s}`,
    singularName: '',
    namespaced: def.namespaced,
    kind: subresourceKind(def, s),
    verbs: subresourceVerbs(s),
  }));
  return [main, ...subs];
}

export function apiResourceList(registry: ResourceRegistry, group: string, version: string): KubeObject | undefined {
  const defs = registry.inGroupVersion(group, version);
  if (defs.length === 0) return undefined;
  return {
    kind: 'APIResourceList',
    apiVersion: 'v1',
    groupVersion: group ? `${group}/${version}` : version,
    resources: defs.flatMap(resourceEntries),
  };
}
