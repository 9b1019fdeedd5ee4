/**
 * The reconcile's read of a workflow with its nodes (plain, compressed, or offloaded and read back
 * from the node status store). An offloaded version that is not in the store is told apart from one
 * replaced between the two reads: the workflow is read again, and a newer version means someone wrote
 * a newer status (read again, a conflict in all but name), while the same version means the nodes are
 * gone for good — deleted from the bucket by hand, or by a write that failed after it was stored — and
 * the workflow can never be reconciled again. Argo marks a workflow it cannot hydrate Error
 * (workflow/controller/controller.go, processNextItem); so does the engine here (`offloadedNodesLost`).
 */
import type { Workflow } from '../engine/types.ts';
import type { KubeClient } from '../ports/kube.ts';
import type { NodeStatusStore } from '../ports/node-status.ts';
import { isNotFound } from '../adapters/kube/errors.ts';
import { getWorkflow } from '../adapters/kube/resources.ts';
import { hydrateWorkflow, OffloadedNodesMissingError, offloadKey } from '../adapters/kube/offloaded-nodes.ts';

/** A workflow whose offloaded nodes are gone: the object as stored, and what to tell the user. */
export interface LostNodes {
  raw: Workflow;
  message: string;
}

export type WorkflowRead = Workflow | 'not-found' | 'replaced' | LostNodes;

export function isLost(read: WorkflowRead): read is LostNodes {
  return typeof read === 'object' && 'raw' in read;
}

/**
 * The workflow with its nodes; 'replaced' when its offloaded version was replaced between the reads
 * (only while `mayRetry`; else the miss is thrown and the message retried), {@link LostNodes} when the
 * version the object names is missing on a second read too.
 */
export async function readWorkflow(
  main: KubeClient,
  ref: { namespace: string; workflow: string },
  store: NodeStatusStore | undefined,
  mayRetry: boolean,
): Promise<WorkflowRead> {
  let raw: Workflow;
  try {
    raw = await getWorkflow<Workflow>(main, ref.namespace, ref.workflow);
  } catch (e) {
    if (isNotFound(e)) return 'not-found';
    throw e;
  }
  try {
    return await hydrateWorkflow(raw, store);
  } catch (e) {
    if (!(e instanceof OffloadedNodesMissingError) || !store) throw e;
    const again = await getWorkflow<Workflow>(main, ref.namespace, ref.workflow).catch((err: unknown) => {
      if (isNotFound(err)) return undefined;
      throw err;
    });
    if (!again) return 'not-found';
    const version = raw.status?.offloadNodeStatusVersion ?? '';
    if (again.status?.offloadNodeStatusVersion === version) return lostNodes(again, version, store);
    if (mayRetry) return 'replaced';
    throw e;
  }
}

function lostNodes(raw: Workflow, version: string, store: NodeStatusStore): LostNodes {
  const message =
    `offloaded node status ${version} is missing from ${store.location} (key ${offloadKey(raw, version)}), ` +
    'so the workflow cannot continue; submit it again';
  return { raw, message };
}
