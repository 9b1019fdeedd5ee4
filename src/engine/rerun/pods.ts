/**
 * The pods of nodes that `argo retry` drops, and where they are: the cluster and namespace the node
 * recorded (the controller's cluster and the workflow's namespace when it recorded none), plus the
 * clusters a placement failover moved it away from. Argo deletes them by name in the workflow's
 * namespace (deletePodNodeDuringRetryWorkflow); here a node's pods may be in any place.
 */
import type { NodeStatus, Workflow } from '../types.ts';
import { ANNOTATION_POD_NAME_FORMAT } from '../labels.ts';
import { podName } from '../names.ts';

/** A pod to delete and its place. */
export interface PodToDelete {
  cluster: string;
  namespace: string;
  name: string;
}

/** Argo's GetTemplateFromNode. */
function templateOf(node: NodeStatus): string {
  return node.templateRef ? node.templateRef.template : (node.templateName ?? '');
}

/** The pod name of a node (Argo's GeneratePodName; v1 names are the node ID). */
export function podNameOfNode(wf: Workflow, node: NodeStatus): string {
  const v1 = wf.metadata.annotations?.[ANNOTATION_POD_NAME_FORMAT] === 'v1';
  return v1 ? node.id : podName(wf.metadata.name ?? '', node.name, templateOf(node), 'v2');
}

/** The pods of these nodes in every place each may have run, each once. */
export function podsOfNodes(wf: Workflow, ids: string[], mainCluster: string): PodToDelete[] {
  const out = new Map<string, PodToDelete>();
  for (const id of ids) {
    const node = wf.status?.nodes?.[id];
    if (!node) continue;
    const name = podNameOfNode(wf, node);
    const namespace = node.namespace || wf.metadata.namespace || '';
    for (const cluster of [node.clusterName || mainCluster, ...(node.clusterHistory ?? [])])
      out.set(`${cluster}/${namespace}/${name}`, { cluster, namespace, name });
  }
  return [...out.values()];
}
