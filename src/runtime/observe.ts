/**
 * Reads what `decide` needs: the workflow's pods in every cluster/namespace it may use. The places
 * come from the spec (templates' clusterName/namespace) and from the status (nodes' clusterName/
 * namespace, for templates that changed or came from elsewhere), with the main cluster and the
 * workflow's own namespace always included.
 */
import type { ObservedPod, KubePod, PlaceProblem } from '../engine/contract.ts';
import type { PodPlace, Workflow } from '../engine/types.ts';
import type { ClusterRegistry, KubeClient } from '../ports/kube.ts';
import { listAll, podsPath } from '../adapters/kube/resources.ts';
import { isForeignPod, LABEL_WORKFLOW_NAMESPACE, workflowPodSelector, type PodScope } from '../engine/labels.ts';
import { isNotConfigured, outcomeOf } from './outcome.ts';

export { isNotConfigured };

export type { PodPlace };

/** Every place a workflow's pods may be, main cluster/workflow namespace first, without duplicates. */
export function podPlaces(workflow: Workflow, mainCluster: string): PodPlace[] {
  const wfNs = workflow.metadata.namespace ?? '';
  const seen = new Map<string, PodPlace>();
  const add = (cluster: string | undefined, namespace: string | undefined) => {
    const place = { cluster: cluster || mainCluster, namespace: namespace || wfNs };
    seen.set(`${place.cluster}/${place.namespace}`, place);
  };
  add(mainCluster, wfNs);
  for (const t of workflow.spec.templates ?? []) add(t.clusterName, t.namespace);
  // The spec the workflow runs (frozen at start) and the places recorded in its nodes.
  for (const t of workflow.status?.storedWorkflowTemplateSpec?.templates ?? []) add(t.clusterName, t.namespace);
  for (const n of Object.values(workflow.status?.nodes ?? {})) {
    add(n.clusterName, n.namespace);
    // A node that moved (placement failover) may have left a pod behind that must be seen to go.
    for (const c of n.clusterHistory ?? []) add(c, n.namespace);
  }
  // Kept when the node tree could not be stored (engine/too-large.ts).
  for (const p of workflow.status?.podPlaces ?? []) add(p.cluster, p.namespace);
  return [...seen.values()];
}

/** The client for a place: the main client for the workflow's own namespace, else the registry's entry. */
export async function clientForPlace(registry: ClusterRegistry, place: PodPlace): Promise<KubeClient> {
  if (place.cluster === registry.mainCluster) {
    try {
      return await registry.clientFor(place.cluster, place.namespace);
    } catch (e) {
      if (isNotConfigured(e)) return registry.mainClient();
      throw e;
    }
  }
  return registry.clientFor(place.cluster, place.namespace);
}

/** The engine's view of places without credentials: not observable, which is not "pods gone". */
export function noCredentials(places: ObserveResult['unconfigured']): PlaceProblem[] {
  return places.map((p) => ({
    cluster: p.cluster,
    namespace: p.namespace,
    outcome: { kind: 'transient', message: `no credentials: ${p.message}` },
    noCredentials: true,
  }));
}

/** The workflow's own place's pod list, started before the workflow is read (see {@link prefetchOwnPods}). */
export interface OwnPodsList {
  namespace: string;
  scope: PodScope;
  list: Promise<{ items: KubePod[] }>;
}

/**
 * Starts listing the pods of the workflow's own place (main cluster, its namespace) before the workflow
 * itself is read: the nudge names both, and the selector needs nothing else, so the two reads share one
 * round trip instead of two. {@link observePods} uses it for that place; unused, it is dropped.
 */
export function prefetchOwnPods(
  registry: ClusterRegistry,
  ref: { namespace: string; workflow: string },
  instanceId: string,
): OwnPodsList {
  const place = { cluster: registry.mainCluster, namespace: ref.namespace };
  // A running workflow's usual list (engine/pod-scope.ts); a finished or deleted one lists again.
  const scope = 'unfinished';
  const selector = workflowPodSelector(ref.workflow, place, registry.mainCluster, instanceId, scope);
  const list = clientForPlace(registry, place).then((c) => listAll<KubePod>(c, podsPath(place.namespace), selector));
  // Awaited only when the workflow is reconciled; a failure then is thrown there, not unhandled here.
  list.catch(() => undefined);
  return { namespace: ref.namespace, scope, list };
}

export interface ObserveResult {
  pods: ObservedPod[];
  /** Places without a usable client (no entry, or one that cannot be used), and the registry's reason. */
  unconfigured: (PodPlace & { message: string })[];
  /** Places outside the workflow's own namespace whose pods could not be listed, and why. */
  unobserved: PlaceProblem[];
}

/**
 * Lists the workflow's pods in every place, in parallel. A place that cannot be listed is reported in
 * `unobserved` for the engine to decide on (its nodes wait or end Error), except the workflow's own
 * namespace of the main cluster: without it nothing can be written either, so that failure is thrown.
 */
export async function observePods(
  registry: ClusterRegistry,
  workflow: Workflow,
  instanceId: string,
  places: PodPlace[] = podPlaces(workflow, registry.mainCluster),
  own?: OwnPodsList,
  scope: PodScope = 'all',
): Promise<ObserveResult> {
  const wfNs = workflow.metadata.namespace ?? '';
  const name = workflow.metadata.name ?? '';
  const unconfigured: ObserveResult['unconfigured'] = [];
  const unobserved: PlaceProblem[] = [];
  const lists = await Promise.all(
    places.map(async (place) => {
      const isOwn = place.cluster === registry.mainCluster && place.namespace === wfNs;
      const prefetched = isOwn && own?.namespace === wfNs && own.scope === scope ? own.list : undefined;
      const client = prefetched ? undefined : await clientOrReason(registry, place);
      if (typeof client === 'string') {
        unconfigured.push({ ...place, message: client });
        return [];
      }
      const selector = workflowPodSelector(name, place, registry.mainCluster, instanceId, scope);
      let list: { items: KubePod[] };
      try {
        list = client ? await listAll<KubePod>(client, podsPath(place.namespace), selector) : await prefetched!;
      } catch (e) {
        const outcome = outcomeOf(e);
        if (isOwn || !outcome) throw e;
        unobserved.push({ cluster: place.cluster, namespace: place.namespace, outcome });
        return [];
      }
      // A pod of an earlier workflow with this name (another UID) is not this workflow's pod.
      return list.items
        .filter((pod) => (pod.metadata.labels?.[LABEL_WORKFLOW_NAMESPACE] ?? pod.metadata.namespace) === wfNs)
        .filter((pod) => !isForeignPod(pod, workflow.metadata.uid))
        .map((pod): ObservedPod => ({ cluster: place.cluster, namespace: place.namespace, pod }));
    }),
  );
  return { pods: lists.flat(), unconfigured, unobserved };
}

/** The client for a place, or why there is none (the registry's reason for an unconfigured place). */
async function clientOrReason(registry: ClusterRegistry, place: PodPlace): Promise<KubeClient | string> {
  try {
    return await clientForPlace(registry, place);
  } catch (e) {
    if (isNotConfigured(e)) return (e as Error).message;
    throw e;
  }
}
