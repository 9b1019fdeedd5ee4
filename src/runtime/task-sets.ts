/**
 * Argo's WorkflowTaskSets on the controller side (docs/adr/0015-http-templates.md): reading a
 * workflow's task set in each place of its HTTP nodes, writing it (create, else merge-patch the new
 * tasks in and the finished ones out, as Argo's createTaskSet and removeCompletedTaskSetStatus do), and
 * deleting it once the workflow is done or deleted — in every cluster, because an ownerReference cannot
 * reach a Workflow in another cluster. Deleting it also stops the place's agent (its watch ends).
 */
import type { ActionOutcome, ObservedTaskSet, WorkflowTaskSet } from '../engine/contract.ts';
import type { Workflow } from '../engine/types.ts';
import type { ClusterRegistry, KubeClient } from '../ports/kube.ts';
import { isAlreadyExists, isNotFound, isUnauthorized } from '../adapters/kube/errors.ts';
import { taskSetPath, taskSetsPath, WF_GROUP_VERSION } from '../adapters/kube/resources.ts';
export { taskSetsPath };
import { LABEL_WORKFLOW_UID } from '../engine/labels.ts';
import { clientForPlace, type PodPlace } from './observe.ts';

/** The places whose HTTP nodes may have a task set: every place an HTTP node of the workflow records. */
export function taskSetPlaces(workflow: Workflow, mainCluster: string): PodPlace[] {
  const wfNs = workflow.metadata.namespace ?? '';
  const seen = new Map<string, PodPlace>();
  for (const n of Object.values(workflow.status?.nodes ?? {})) {
    if (n.type !== 'HTTP') continue;
    const place = { cluster: n.clusterName || mainCluster, namespace: n.namespace || wfNs };
    seen.set(`${place.cluster}/${place.namespace}`, place);
  }
  return [...seen.values()];
}

/** True when the task set belongs to this workflow object (the same name elsewhere is another one). */
function ownedBy(ts: WorkflowTaskSet, wf: Workflow): boolean {
  const uid = ts.metadata.labels?.[LABEL_WORKFLOW_UID];
  return !wf.metadata.uid || !uid || uid === wf.metadata.uid;
}

/**
 * Reads the workflow's task set in each place. A place that cannot be read now is left out: its nodes
 * simply wait (no result is read as "not yet"), and writing the task set there reports the problem.
 */
export async function observeTaskSets(
  registry: ClusterRegistry,
  workflow: Workflow,
  places: PodPlace[] = taskSetPlaces(workflow, registry.mainCluster),
): Promise<ObservedTaskSet[]> {
  const name = workflow.metadata.name ?? '';
  const found = await Promise.all(
    places.map(async (place): Promise<ObservedTaskSet | undefined> => {
      try {
        const client = await clientForPlace(registry, place);
        const taskSet = await client.request<WorkflowTaskSet>({
          method: 'GET',
          path: taskSetPath(place.namespace, name),
        });
        return ownedBy(taskSet, workflow) ? { ...place, taskSet } : undefined;
      } catch {
        return undefined;
      }
    }),
  );
  return found.filter((t): t is ObservedTaskSet => t !== undefined);
}

const MERGE = 'application/merge-patch+json';

/** Creates the task set, or merges `tasks` in and `remove` out (spec, then status). */
export async function applyTaskSet(
  client: KubeClient,
  namespace: string,
  taskSet: WorkflowTaskSet,
  remove: string[],
): Promise<ActionOutcome> {
  const name = taskSet.metadata.name ?? '';
  const tasks = taskSet.spec?.tasks ?? {};
  if (Object.keys(tasks).length > 0) {
    try {
      await client.request({ method: 'POST', path: taskSetsPath(namespace), body: taskSet });
      if (remove.length === 0) return { kind: 'done' };
    } catch (e) {
      if (!isAlreadyExists(e)) throw e;
      const held = await heldBy(client, namespace, taskSet);
      if (held) return { kind: 'transient', message: held };
    }
  }
  const gone = Object.fromEntries(remove.map((id) => [id, null]));
  if (remove.length > 0)
    await client
      .request({
        method: 'PATCH',
        path: `${taskSetPath(namespace, name)}/status`,
        contentType: MERGE,
        body: { status: { nodes: gone } },
      })
      .catch((e: unknown) => {
        if (!isNotFound(e)) throw e;
      });
  try {
    await client.request({
      method: 'PATCH',
      path: taskSetPath(namespace, name),
      contentType: MERGE,
      body: { spec: { tasks: { ...tasks, ...gone } } },
    });
  } catch (e) {
    // Only clean-up was asked and the task set is gone: nothing left to remove.
    if (!(isNotFound(e) && Object.keys(tasks).length === 0)) throw e;
  }
  return { kind: 'done' };
}

/**
 * Why an existing task set of this name cannot take our tasks: it belongs to another workflow of the
 * same name (another namespace's, placed here too), whose agent runs with that workflow's account.
 */
async function heldBy(client: KubeClient, namespace: string, ours: WorkflowTaskSet): Promise<string | undefined> {
  const name = ours.metadata.name ?? '';
  const found = await client.request<WorkflowTaskSet>({ method: 'GET', path: taskSetPath(namespace, name) });
  const uid = ours.metadata.labels?.[LABEL_WORKFLOW_UID];
  const other = found.metadata.labels?.[LABEL_WORKFLOW_UID];
  if (!uid || !other || other === uid) return undefined;
  return `task set ${namespace}/${name} belongs to another workflow of this name (uid ${other}); waiting for it to be deleted`;
}

/** Deletes the workflow's task set in these places (NotFound is done); returns how many were deleted. */
export async function deleteTaskSets(registry: ClusterRegistry, workflow: string, places: PodPlace[]): Promise<number> {
  let done = 0;
  for (const place of places) {
    const client = await clientForPlace(registry, place);
    try {
      await client.request({ method: 'DELETE', path: taskSetPath(place.namespace, workflow) });
      done++;
    } catch (e) {
      if (!isNotFound(e)) throw e;
    }
  }
  return done;
}

const probes = new WeakMap<KubeClient, Map<string, Promise<boolean>>>();

/**
 * Whether `workflowtasksets.argoproj.io` is served here and may be listed by this client in `namespace`
 * (the watcher's question before it watches them). Memoised per client; a failed probe is asked again.
 */
export function servesTaskSets(client: KubeClient, namespace: string): Promise<boolean> {
  let byNs = probes.get(client);
  if (!byNs) probes.set(client, (byNs = new Map()));
  const cached = byNs.get(namespace);
  if (cached) return cached;
  const served = probeTaskSets(client, namespace).catch((e: unknown) => {
    byNs.delete(namespace);
    throw e;
  });
  byNs.set(namespace, served);
  return served;
}

async function probeTaskSets(client: KubeClient, namespace: string): Promise<boolean> {
  try {
    const list = await client.request<{ resources?: { name: string }[] }>({
      method: 'GET',
      path: `/apis/${WF_GROUP_VERSION}`,
    });
    if (!(list.resources ?? []).some((r) => r.name === 'workflowtasksets')) return false;
    await client.request({ method: 'GET', path: taskSetsPath(namespace), query: { limit: 1 } });
    return true;
  } catch (e) {
    if (isNotFound(e) || isUnauthorized(e)) return false;
    throw e;
  }
}
