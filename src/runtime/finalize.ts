/**
 * Workflow deletion. Pods outside the workflow's own cluster/namespace cannot carry an
 * ownerReference, so Kubernetes' garbage collector will not remove them; instead the workflow carries
 * the finalizer WORKFLOW_FINALIZER (added before the first such pod is created). When the workflow is
 * being deleted, its pods are listed in every remote place it used and the engine's `planFinalize`
 * decides: delete up to the cap now, and remove only our finalizer (other controllers' are left alone)
 * once none of its pods is left anywhere. Until then the caller comes back (`requeueAfterMs`).
 */
import { WORKFLOW_FINALIZER } from '../engine/contract.ts';
import { planFinalize, type FinalizePlan } from '../engine/finalize.ts';
import type { Workflow } from '../engine/types.ts';
import type { Logger } from '../logger.ts';
import type { ClusterRegistry } from '../ports/kube.ts';
import { isKubeApiError, isNotFound } from '../adapters/kube/errors.ts';
import { deletePod, patchWorkflow } from '../adapters/kube/resources.ts';
import { clientForPlace, observePods, podPlaces, type PodPlace } from './observe.ts';
import { deleteTaskResults } from './task-results.ts';
import { deleteTaskSets } from './task-sets.ts';
import type { NodeStatusStore } from '../ports/node-status.ts';
import { deleteOffloadedNodes, offloadedVersionOf } from '../adapters/kube/offloaded-nodes.ts';
import { deleteRemoteClaims } from './claims.ts';
import type { NudgePublisher } from '../ports/event-source.ts';
import { lockDepsOf, releaseWorkflowLocks } from './locks.ts';

export interface FinalizeDeps {
  registry: ClusterRegistry;
  logger: Logger;
  instanceId: string;
  /** Pod deletes per reconcile (default the engine's DEFAULT_MAX_POD_DELETES). */
  maxPodDeletes?: number;
  /** Where offloaded nodes are: every version of the workflow's is deleted before the finalizer goes. */
  statusStorage?: { nodeStatus?: NodeStatusStore };
  /** Lock records (controller namespace) and the waiters to wake when the workflow lets go. */
  controller?: { controllerNamespace?: string };
  publisher?: NudgePublisher;
}

/** True when the workflow is being deleted and still holds our finalizer. */
export function needsFinalization(workflow: Workflow): boolean {
  return !!workflow.metadata.deletionTimestamp && (workflow.metadata.finalizers ?? []).includes(WORKFLOW_FINALIZER);
}

/**
 * Task results and task sets there have an ownerReference the garbage collector cannot resolve
 * (another cluster or namespace); a failure is logged, not retried (the pods, which matter, are gone).
 */
async function cleanPlaces(deps: FinalizeDeps, name: string, places: PodPlace[], log: Logger): Promise<void> {
  await Promise.all(
    places.map(async (place) => {
      await deleteTaskResults(deps.registry, name, deps.instanceId, [place]).catch((e: unknown) => {
        log.warn('could not delete task results', { ...place, error: e });
      });
      await deleteTaskSets(deps.registry, name, [place]).catch((e: unknown) => {
        log.warn('could not delete task sets', { ...place, error: e });
      });
    }),
  );
}

/**
 * Offloaded node status goes with the workflow: every version under its prefix (a version left by a
 * lost write race included) of a workflow whose nodes are offloaded. A failure throws, so the finalizer stays and the round is retried.
 */
async function deleteNodeStatus(deps: FinalizeDeps, workflow: Workflow, log: Logger): Promise<void> {
  // Only workflows read with offloaded nodes have any (no store call for the others).
  if (!workflow.status?.offloadNodeStatusVersion && !offloadedVersionOf(workflow)) return;
  const store = deps.statusStorage?.nodeStatus;
  if (!store) {
    log.warn('offloaded node status left behind: no node status store configured (ARGOSY_STATUS_BUCKET)');
    return;
  }
  const deleted = await deleteOffloadedNodes(store, workflow);
  if (deleted > 0) log.info('offloaded node status deleted', { versions: deleted, store: store.location });
}

/** One finalizer round: deletes what the plan says and removes our finalizer when nothing is left. */
export async function finalizeWorkflow(deps: FinalizeDeps, workflow: Workflow): Promise<FinalizePlan> {
  const main = deps.registry.mainCluster;
  const wfNs = workflow.metadata.namespace ?? '';
  const name = workflow.metadata.name ?? '';
  const log = deps.logger.child({ namespace: wfNs, workflow: name });
  // Pods in the workflow's own namespace of the main cluster have an ownerReference: the garbage
  // collector removes them, so they cost us nothing here.
  const places = podPlaces(workflow, main).filter((p) => !(p.cluster === main && p.namespace === wfNs));
  const seen = await observePods(deps.registry, workflow, deps.instanceId, places);
  for (const place of seen.unconfigured) log.warn('place not configured; cannot delete its pods', { ...place });
  for (const p of seen.unobserved.filter((u) => u.outcome.kind === 'rejected'))
    log.warn('pod list refused; cannot delete pods there', { cluster: p.cluster, namespace: p.namespace });
  const plan = planFinalize({
    workflowUid: workflow.metadata.uid,
    pods: seen.pods,
    unobserved: seen.unobserved,
    maxDeletes: deps.maxPodDeletes,
  });
  await Promise.all(
    plan.deletes.map(async (d) => {
      const client = await clientForPlace(deps.registry, d);
      await deletePod(client, d.namespace, d.name, { propagationPolicy: 'Background' }).catch((e: unknown) => {
        if (!isNotFound(e)) throw e;
      });
    }),
  );
  if (!plan.removeFinalizer) {
    log.info('workflow deletion waits for its pods', { reason: plan.reason });
    return plan;
  }
  await deleteRemoteClaims(deps.registry, workflow, log);
  await cleanPlaces(deps, name, places, log);
  await deleteNodeStatus(deps, workflow, log);
  // Synchronization: a deleted holder or waiter lets go, and the next waiters are woken.
  await releaseWorkflowLocks(lockDepsOf(deps), workflow);
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
  return plan;
}
