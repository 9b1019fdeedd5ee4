/**
 * The clusters page: the main cluster and every configured place (rest-config entries, as the
 * controller sees them), each with `argosy cluster check`'s health (server version, and whether
 * the identity may manage pods and read logs there) and the workflow pods running there now.
 * Checks use the same clients the UI reads pods through; only names and URLs are returned.
 */
import { getServerVersion, podsPath } from '../../src/adapters/kube/resources.ts';
import { diagnoseFailure, missingPermissions } from '../../src/cli/commands/cluster-check.ts';
import { LABEL_WORKFLOW } from '../../src/engine/labels.ts';
import type { KubeClient } from '../../src/ports/kube.ts';
import type { UiBackend } from './backend.ts';
import type { Route } from './http.ts';

export interface ClusterPlace {
  cluster: string;
  /** '' = every namespace of the cluster. */
  namespace: string;
  source: 'main' | 'rest-config';
}

interface PodRow {
  name: string;
  namespace: string;
  workflow: string;
  phase: string;
  node: string;
}

interface Health {
  ok: boolean;
  /** Reachable, but the identity may not ask SelfSubjectAccessReviews (cluster check says the same). */
  unchecked?: string;
  server?: string;
  version?: string;
  missing?: string[];
  error?: string;
}

/** The main cluster's workflow namespace first, then the configured entries (sorted). */
export async function placesOf(b: UiBackend): Promise<{ places: ClusterPlace[]; problem?: string }> {
  const main: ClusterPlace = { cluster: b.target.mainCluster, namespace: b.target.namespace, source: 'main' };
  const configured = await b.target.configuredTargets();
  if (typeof configured === 'string') return { places: [main], problem: `rest-config entries: ${configured}` };
  const rest = configured
    .filter((t) => !(t.cluster === main.cluster && t.namespace === main.namespace))
    .map((t): ClusterPlace => ({ cluster: t.cluster, namespace: t.namespace, source: 'rest-config' }))
    .sort((x, y) => `${x.cluster}.${x.namespace}`.localeCompare(`${y.cluster}.${y.namespace}`));
  return { places: [main, ...rest] };
}

async function healthOf(kube: KubeClient): Promise<Health> {
  const server = (kube as { server?: string }).server;
  try {
    const v = await getServerVersion(kube);
    return { ok: true, server, version: v.gitVersion ?? `${v.major}.${v.minor}` };
  } catch (e) {
    return { ok: false, server, error: diagnoseFailure(e) };
  }
}

async function podsIn(kube: KubeClient, namespace: string): Promise<PodRow[]> {
  const path = namespace ? podsPath(namespace) : '/api/v1/pods';
  const list = await kube.request<{ items?: Record<string, Record<string, unknown>>[] }>({
    method: 'GET',
    path,
    query: { labelSelector: LABEL_WORKFLOW },
  });
  return (list.items ?? [])
    .map((p) => ({
      name: String(p.metadata?.name ?? ''),
      namespace: String(p.metadata?.namespace ?? ''),
      workflow: String((p.metadata?.labels as Record<string, string> | undefined)?.[LABEL_WORKFLOW] ?? ''),
      phase: String(p.status?.phase ?? ''),
      node: String(p.spec?.nodeName ?? ''),
    }))
    .filter((p) => p.phase === 'Running' || p.phase === 'Pending');
}

async function describePlace(b: UiBackend, place: ClusterPlace): Promise<unknown> {
  let kube: KubeClient;
  try {
    kube = await b.target.clientFor(place.cluster, place.namespace || b.target.namespace);
  } catch (e) {
    return { ...place, health: { ok: false, error: (e as Error).message }, pods: [] };
  }
  const health = await healthOf(kube);
  if (!health.ok) return { ...place, health, pods: [] };
  const [missing, pods] = await Promise.all([
    missingPermissions(kube, place.namespace).catch((e: unknown) => diagnoseFailure(e)),
    podsIn(kube, place.namespace).catch((e: unknown) => diagnoseFailure(e)),
  ]);
  const checked: Health =
    typeof missing === 'string'
      ? { ...health, unchecked: `cannot check permissions: ${missing}` }
      : { ...health, ok: missing.length === 0, missing };
  return {
    ...place,
    health: checked,
    pods: typeof pods === 'string' ? [] : pods,
    podsError: typeof pods === 'string' ? pods : undefined,
  };
}

export function clusterRoutes(b: UiBackend): Route[] {
  return [
    {
      method: 'GET',
      pattern: '/api/clusters',
      handler: async () => {
        const { places, problem } = await placesOf(b);
        return {
          mainCluster: b.target.mainCluster,
          problem,
          items: await Promise.all(places.map((p) => describePlace(b, p))),
        };
      },
    },
  ];
}
