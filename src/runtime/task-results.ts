/**
 * Argo's WorkflowTaskResults on the controller side (docs/adr/0009-argo-executor-pods.md): which places
 * serve the resource (discovery, memoised per client, overridable per rest-config entry and globally),
 * reading a workflow's results in the places it uses, and deleting them once the workflow is done
 * (Argo's `deleteTaskResults`: DeleteCollection by the workflow label), in every cluster, because an
 * ownerReference to the Workflow cannot reach another cluster.
 */
import type { ObservedTaskResult, WorkflowTaskResult } from '../engine/contract.ts';
import type { Workflow } from '../engine/types.ts';
import type { ClusterRegistry, KubeClient } from '../ports/kube.ts';
import { isNotFound, isUnauthorized } from '../adapters/kube/errors.ts';
import { listAll, taskResultsPath, WF_GROUP_VERSION } from '../adapters/kube/resources.ts';
import { taskResultSelector } from '../engine/labels.ts';
import { clientForPlace, isNotConfigured, type PodPlace } from './observe.ts';

export const TASK_RESULTS = 'workflowtaskresults';
export { taskResultsPath };

/** How pods are built in a place: Argo's executor, pods-only, or decided by discovery. */
export type ExecutorMode = 'auto' | 'argo' | 'pods';

const probes = new WeakMap<KubeClient, Map<string, { at: number; served: Promise<boolean> }>>();
/** A place found without the resource (or the right to list it) is asked again after this long. */
const PROBE_TTL_MS = 60_000;

/**
 * Whether Argosy can use `workflowtaskresults.argoproj.io` through this client in `namespace` ('' = all):
 * the cluster serves it (API discovery) and Argosy may list it there (a one-item list; 403 = no). Memoised.
 */
export function servesTaskResults(client: KubeClient, namespace: string, now = Date.now()): Promise<boolean> {
  let byNs = probes.get(client);
  if (!byNs) probes.set(client, (byNs = new Map()));
  const cached = byNs.get(namespace);
  if (cached && now - cached.at < PROBE_TTL_MS) return cached.served;
  const served = probeTaskResults(client, namespace).catch((e: unknown) => {
    byNs.delete(namespace);
    throw e;
  });
  byNs.set(namespace, { at: now, served });
  return served;
}

async function probeTaskResults(client: KubeClient, namespace: string): Promise<boolean> {
  try {
    const list = await client.request<{ resources?: { name: string }[] }>({
      method: 'GET',
      path: `/apis/${WF_GROUP_VERSION}`,
    });
    if (!(list.resources ?? []).some((r) => r.name === TASK_RESULTS)) return false;
    await client.request({ method: 'GET', path: taskResultsPath(namespace), query: { limit: 1 } });
    return true;
  } catch (e) {
    if (isNotFound(e) || isUnauthorized(e)) return false;
    throw e;
  }
}

/** The `cluster/namespace` keys of the places whose pods Argo's executor runs. */
export async function executorPlaces(
  registry: ClusterRegistry,
  places: PodPlace[],
  mode: ExecutorMode,
): Promise<string[]> {
  if (mode === 'pods') return [];
  const out = await Promise.all(
    places.map(async (place) => {
      const override = registry.executorModeFor?.(place.cluster, place.namespace);
      const m = override ?? mode;
      if (m === 'pods') return undefined;
      if (m === 'argo') return `${place.cluster}/${place.namespace}`;
      let client: KubeClient;
      try {
        client = await clientForPlace(registry, place);
      } catch (e) {
        if (isNotConfigured(e)) return undefined;
        throw e;
      }
      return (await servesTaskResults(client, place.namespace)) ? `${place.cluster}/${place.namespace}` : undefined;
    }),
  );
  return out.filter((k): k is string => k !== undefined);
}

/** True when the result belongs to this workflow object (same name elsewhere is another workflow). */
function ownedBy(result: WorkflowTaskResult, wf: Workflow): boolean {
  const refs = result.metadata.ownerReferences ?? [];
  return !wf.metadata.uid || refs.length === 0 || refs.some((r) => r.uid === wf.metadata.uid);
}

/** Lists the workflow's task results in every executor place. */
export async function observeTaskResults(
  registry: ClusterRegistry,
  workflow: Workflow,
  instanceId: string,
  places: PodPlace[],
): Promise<ObservedTaskResult[]> {
  const name = workflow.metadata.name ?? '';
  const lists = await Promise.all(
    places.map(async (place) => {
      const client = await clientForPlace(registry, place);
      try {
        const list = await listAll<WorkflowTaskResult>(
          client,
          taskResultsPath(place.namespace),
          taskResultSelector(name, instanceId),
        );
        return list.items
          .filter((r) => ownedBy(r, workflow))
          .map((result): ObservedTaskResult => ({ cluster: place.cluster, namespace: place.namespace, result }));
      } catch (e) {
        // The CRD went away: the engine waits for outputs, then times out. 403 is retried like other reads.
        if (isNotFound(e)) return [];
        throw e;
      }
    }),
  );
  return lists.flat();
}

/** Deletes a workflow's task results in these places (NotFound is done); returns how many places were cleaned. */
export async function deleteTaskResults(
  registry: ClusterRegistry,
  workflow: string,
  instanceId: string,
  places: PodPlace[],
): Promise<number> {
  let done = 0;
  for (const place of places) {
    const client = await clientForPlace(registry, place);
    try {
      await client.request({
        method: 'DELETE',
        path: taskResultsPath(place.namespace),
        query: { labelSelector: taskResultSelector(workflow, instanceId) },
        body: { kind: 'DeleteOptions', apiVersion: 'v1', propagationPolicy: 'Background' },
      });
      done++;
    } catch (e) {
      if (!isNotFound(e)) throw e;
    }
  }
  return done;
}

/** `cluster/namespace` → place. */
export function placeOfKey(key: string): PodPlace {
  const i = key.indexOf('/');
  return { cluster: key.slice(0, i), namespace: key.slice(i + 1) };
}
