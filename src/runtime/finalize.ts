/**
 * Workflow deletion. Pods outside the workflow's own cluster/namespace cannot carry an
 * ownerReference, so Kubernetes' garbage collector will not remove them; instead the workflow carries
 * the finalizer WORKFLOW_FINALIZER (added before the first such pod is created). When the workflow is
 * being deleted, its pods are deleted in every place it used, then only our finalizer is removed
 * (other controllers' finalizers are left alone, unlike the prototype which nulled them all).
 */
import { WORKFLOW_FINALIZER } from '../engine/contract.ts';
import type { Workflow } from '../engine/types.ts';
import type { Logger } from '../logger.ts';
import type { ClusterRegistry } from '../ports/kube.ts';
import { isKubeApiError, isNotFound } from '../adapters/kube/errors.ts';
import { deletePod, listAll, patchWorkflow, podsPath } from '../adapters/kube/resources.ts';
import type { KubePod } from '../engine/contract.ts';
import { LABEL_WORKFLOW_NAMESPACE, workflowPodSelector } from '../engine/labels.ts';
import { clientForPlace, isNotConfigured, podPlaces } from './observe.ts';
import { deleteTaskResults } from './task-results.ts';

export interface FinalizeDeps {
  registry: ClusterRegistry;
  logger: Logger;
  instanceId: string;
}

/** True when the workflow is being deleted and still holds our finalizer. */
export function needsFinalization(workflow: Workflow): boolean {
  return !!workflow.metadata.deletionTimestamp && (workflow.metadata.finalizers ?? []).includes(WORKFLOW_FINALIZER);
}

/** Deletes the workflow's remote pods everywhere, then removes our finalizer. Returns pods deleted. */
export async function finalizeWorkflow(deps: FinalizeDeps, workflow: Workflow): Promise<number> {
  const main = deps.registry.mainCluster;
  const wfNs = workflow.metadata.namespace ?? '';
  const name = workflow.metadata.name ?? '';
  // Pods in the workflow's own namespace of the main cluster have an ownerReference: the garbage
  // collector removes them, so they cost us nothing here.
  const places = podPlaces(workflow, main).filter((p) => !(p.cluster === main && p.namespace === wfNs));
  const counts = await Promise.all(
    places.map(async (place) => {
      let client;
      try {
        client = await clientForPlace(deps.registry, place);
      } catch (e) {
        if (isNotConfigured(e)) {
          deps.logger.warn('place not configured; cannot delete its pods', { ...place });
          return 0;
        }
        throw e;
      }
      const selector = workflowPodSelector(name, place, main, deps.instanceId);
      const pods = await listAll<KubePod>(client, podsPath(place.namespace), selector);
      const mine = pods.items.filter(
        (p) => (p.metadata.labels?.[LABEL_WORKFLOW_NAMESPACE] ?? p.metadata.namespace) === wfNs,
      );
      // list + delete rather than deletecollection: the selector cannot express "workflow-namespace
      // label, or absent when the namespace matches" (the prototype's deletecollection missed exactly
      // those pods), and one workflow has few pods per place.
      await Promise.all(
        mine.map((p) =>
          deletePod(client, p.metadata.namespace ?? place.namespace, p.metadata.name ?? '', {
            propagationPolicy: 'Background',
          }).catch((e: unknown) => {
            if (!isNotFound(e)) throw e;
          }),
        ),
      );
      // Task results there have an ownerReference the garbage collector cannot resolve (another cluster).
      await deleteTaskResults(deps.registry, name, deps.instanceId, [place]).catch((e: unknown) => {
        deps.logger.warn('could not delete task results', { ...place, error: e });
      });
      return mine.length;
    }),
  );
  const finalizers = (workflow.metadata.finalizers ?? []).filter((f) => f !== WORKFLOW_FINALIZER);
  try {
    await patchWorkflow(deps.registry.mainClient(), wfNs, name, {
      metadata: {
        resourceVersion: workflow.metadata.resourceVersion,
        finalizers: finalizers.length > 0 ? finalizers : null,
      },
    });
  } catch (e) {
    // Already gone (someone removed the last finalizer): nothing left to do.
    if (!(isKubeApiError(e) && isNotFound(e))) throw e;
  }
  return counts.reduce((a, b) => a + b, 0);
}
