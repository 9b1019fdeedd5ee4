/**
 * The facts `decide` chooses clusters from, for workflows whose templates have `placement`
 * (docs/adr/0013-cluster-choice.md): the registered clusters with their labels, and for each
 * candidate place this controller's Pending pods there — or why they could not be listed, which
 * makes the place unreachable for the choice. Workflows without `placement` cost nothing here.
 */
import type { ClusterFacts, KubePod, PlaceLoad, Snapshot } from '../engine/contract.ts';
import type { Template, Workflow } from '../engine/types.ts';
import type { ClusterRegistry } from '../ports/kube.ts';
import { podsPath } from '../adapters/kube/resources.ts';
import { podWatchSelector } from '../engine/labels.ts';
import { candidatesOf } from '../engine/placement/choose.ts';
import { placementOf, usesPlacement } from '../engine/placement/spec.ts';
import { clientForPlace } from './observe.ts';
import { outcomeOf } from './outcome.ts';

/** More Pending pods than this in one place count as this many (one page is read, never more). */
export const PENDING_COUNT_CAP = 500;

/** `clusters` and `placeLoads` for the snapshot (both absent when the workflow has no `placement`). */
export async function placementFacts(
  registry: ClusterRegistry,
  wf: Workflow,
  referenced: Record<string, Workflow> | undefined,
  instanceId: string,
): Promise<Pick<Snapshot, 'clusters' | 'placeLoads'>> {
  if (!usesPlacement(wf, referenced)) return {};
  const clusters = await registry.clusterFacts();
  const places = candidatePlaces(wf, referenced, clusters);
  const placeLoads = await Promise.all(places.map((p) => loadOf(registry, p, instanceId)));
  return { clusters, placeLoads };
}

/** Every literal candidate place of the workflow's `placement` templates (parameters are skipped). */
function candidatePlaces(
  wf: Workflow,
  referenced: Record<string, Workflow> | undefined,
  clusters: ClusterFacts[],
): { cluster: string; namespace: string }[] {
  const wfNs = wf.metadata.namespace ?? '';
  const labels = new Map(clusters.map((c) => [c.name, c.labels]));
  const view = { clusterLabels: labels };
  const templates: Template[] = [wf, ...Object.values(referenced ?? {})].flatMap((w) => w.spec.templates ?? []);
  const out = new Map<string, { cluster: string; namespace: string }>();
  for (const t of templates) {
    const p = placementOf(t);
    if (!p) continue;
    const namespace = t.namespace && !t.namespace.includes('{{') ? t.namespace : wfNs;
    for (const cluster of candidatesOf(view, p))
      if (!cluster.includes('{{')) out.set(`${cluster}/${namespace}`, { cluster, namespace });
  }
  return [...out.values()];
}

async function loadOf(
  registry: ClusterRegistry,
  place: { cluster: string; namespace: string },
  instanceId: string,
): Promise<PlaceLoad> {
  try {
    const client = await clientForPlace(registry, place);
    const list = await client.request<{ items?: KubePod[] }>({
      method: 'GET',
      path: podsPath(place.namespace),
      query: {
        labelSelector: podWatchSelector(place.cluster, registry.mainCluster, instanceId),
        fieldSelector: 'status.phase=Pending',
        limit: PENDING_COUNT_CAP,
      },
    });
    return { ...place, pending: list.items?.length ?? 0 };
  } catch (e) {
    const outcome = outcomeOf(e);
    if (!outcome) throw e;
    return { ...place, problem: outcome.message, ...(outcome.kind === 'rejected' ? { refused: true } : {}) };
  }
}
