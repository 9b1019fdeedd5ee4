/**
 * Where a node's pod ran, with the CLI's rule (`src/cli/render/workflow.ts` placementOf): the node
 * status fields first (the controller sets them only when they differ from the main cluster and the
 * workflow's namespace), then the template's `clusterName`/`namespace`, then the defaults.
 * Pure and DOM-free: the browser and the UI server both use it.
 */
import type { NodeStatus, Workflow } from '../../../src/engine/types.ts';

/** A cluster and namespace. */
export interface Place {
  cluster: string;
  namespace: string;
}

/** Node types that run a pod (and so have a place and logs). */
export function isPodNode(node: Pick<NodeStatus, 'type'>): boolean {
  return node.type === 'Pod';
}

/** The place of a pod node; undefined for nodes that run nothing themselves (DAG, Steps, groups). */
export function placeOf(wf: Workflow, node: NodeStatus, mainCluster: string): Place | undefined {
  if (!isPodNode(node)) return undefined;
  const tmpl = (wf.spec?.templates ?? []).find((t) => t.name === node.templateName);
  return {
    cluster: node.clusterName || tmpl?.clusterName || mainCluster,
    namespace: node.namespace || tmpl?.namespace || wf.metadata.namespace || '',
  };
}

/** `cluster/namespace`, the key the UI colours and filters by. */
export function placeKey(p: Place): string {
  return `${p.cluster}/${p.namespace}`;
}

/** Every place the workflow's pods used, sorted, main cluster first. */
export function placesUsed(wf: Workflow, mainCluster: string): Place[] {
  const seen = new Map<string, Place>();
  for (const node of Object.values(wf.status?.nodes ?? {})) {
    const p = placeOf(wf, node, mainCluster);
    if (p) seen.set(placeKey(p), p);
  }
  return [...seen.values()].sort(
    (a, b) =>
      Number(b.cluster === mainCluster) - Number(a.cluster === mainCluster) || placeKey(a).localeCompare(placeKey(b)),
  );
}
