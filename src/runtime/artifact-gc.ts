/**
 * Artifact garbage collection on the controller side: for a completed workflow, or one being deleted,
 * that holds Argo's `workflows.argoproj.io/artifact-gc` finalizer, read its GC pods and
 * `WorkflowArtifactGCTask`s in every place its pods ran in, let the engine decide the round
 * (engine/artifact-gc/plan.ts), then create the tasks and pods there, delete what was read back, store
 * the status, record the events, and drop the finalizer when the engine says so. The controller never
 * touches the repository: the GC pods delete, in the place where the artifacts were produced, with the
 * credentials that place has (docs/adr/0023-artifact-gc-where-produced.md).
 */
import { ARTIFACT_GC_FINALIZER } from '../engine/artifact-gc/strategy.ts';
import {
  isGcPod,
  planArtifactGC,
  type ArtifactGCPlan,
  type Named,
  type ObservedGcTask,
} from '../engine/artifact-gc/plan.ts';
import type { ArtifactGCTask } from '../engine/artifact-gc/objects.ts';
import type { Action, ControllerSettings } from '../engine/contract.ts';
import { storedSpec } from '../engine/effective-spec.ts';
import type { Workflow } from '../engine/types.ts';
import { isAlreadyExists, isNotFound, isTransient } from '../adapters/kube/errors.ts';
import { createPod, deletePod, patchWorkflow, WF_GROUP_VERSION } from '../adapters/kube/resources.ts';
import { taskResultSelector } from '../engine/labels.ts';
import type { ClusterRegistry, KubeClient } from '../ports/kube.ts';
import type { Logger } from '../logger.ts';
import { applyActions, type ApplyDeps } from './apply.ts';
import { clientForPlace, observePods, podPlaces, type PodPlace } from './observe.ts';
import { writeWorkflow } from './write-workflow.ts';
import type { StatusStorage } from './status-size.ts';

export interface ArtifactGcDeps extends ApplyDeps {
  registry: ClusterRegistry;
  logger: Logger;
  controller: ControllerSettings;
  statusStorage?: StatusStorage;
}

export interface GcRoundResult {
  /** The workflow as stored after the round. */
  workflow: Workflow;
  /** The finalizer is gone (or was never there). */
  released: boolean;
  writes: number;
  requeueAfterMs?: number;
}

/** True when the workflow holds the artifact-gc finalizer. */
export function holdsGcFinalizer(wf: Workflow): boolean {
  return (wf.metadata.finalizers ?? []).includes(ARTIFACT_GC_FINALIZER);
}

function tasksPath(namespace: string, name = ''): string {
  return `/apis/${WF_GROUP_VERSION}/namespaces/${namespace}/workflowartifactgctasks${name ? `/${encodeURIComponent(name)}` : ''}`;
}

/** The workflow's GC tasks in each place; a place that cannot be read now is left out (its pods wait). */
async function observeTasks(deps: ArtifactGcDeps, wf: Workflow, places: PodPlace[]): Promise<ObservedGcTask[]> {
  const selector = taskResultSelector(wf.metadata.name ?? '', deps.controller.instanceId ?? '');
  const lists = await Promise.all(
    places.map(async (place) => {
      try {
        const client = await clientForPlace(deps.registry, place);
        const list = await client.request<{ items?: ArtifactGCTask[] }>({
          method: 'GET',
          path: tasksPath(place.namespace),
          query: { labelSelector: selector },
        });
        return (list.items ?? []).map((task) => ({ ...place, task }));
      } catch (error) {
        deps.logger.warn('could not list artifact GC tasks', { ...place, error });
        return [];
      }
    }),
  );
  return lists.flat();
}

/** Creates one group's task then pod (AlreadyExists is done); a refusal is returned as a message. */
async function createGroup(deps: ArtifactGcDeps, c: ArtifactGCPlan['creates'][number]): Promise<string | undefined> {
  const where = `${c.place.cluster}/${c.place.namespace}`;
  try {
    const client = await clientForPlace(deps.registry, c.place);
    await client.request({ method: 'POST', path: tasksPath(c.place.namespace), body: c.task }).catch((e: unknown) => {
      if (!isAlreadyExists(e)) throw e;
    });
    await createPod(client, c.place.namespace, c.pod).catch((e: unknown) => {
      if (!isAlreadyExists(e)) throw e;
    });
    return undefined;
  } catch (e) {
    if (isTransient(e)) throw e;
    const crd = isNotFound(e)
      ? ' (install the WorkflowArtifactGCTask CRD, infra/crds, and infra/k8s/workflow-rbac there)'
      : '';
    return `could not start artifact garbage collection pod ${c.pod.metadata.name ?? ''} in ${where}: ${(e as Error).message}${crd}`;
  }
}

/** Deletes read-back tasks and finished pods; failures are logged (they are listed again next time). */
async function cleanUp(deps: ArtifactGcDeps, plan: ArtifactGCPlan): Promise<void> {
  const remove = async (what: 'task' | 'pod', n: Named) => {
    try {
      const client = await clientForPlace(deps.registry, n);
      if (what === 'pod') await deletePod(client, n.namespace, n.name);
      else await client.request({ method: 'DELETE', path: tasksPath(n.namespace, n.name) });
    } catch (error) {
      if (!isNotFound(error)) deps.logger.warn(`could not delete artifact GC ${what}`, { ...n, error });
    }
  };
  await Promise.all([
    ...plan.deleteTasks.map((n) => remove('task', n)),
    ...plan.deletePods.map((n) => remove('pod', n)),
  ]);
}

/** Refused creates become the workflow's ArtifactGCError condition and events (never silent). */
function withRefusals(plan: ArtifactGCPlan, refusals: string[]): ArtifactGCPlan {
  if (refusals.length === 0) return plan;
  const conditions = (plan.status.conditions ?? []).filter((c) => c.type !== 'ArtifactGCError');
  conditions.push({ type: 'ArtifactGCError', status: 'True', message: refusals[refusals.length - 1]! });
  return { ...plan, status: { ...plan.status, conditions }, events: [...plan.events, ...refusals] };
}

/** Stores the round's status and drops the finalizer when it may go. */
async function store(
  deps: ArtifactGcDeps,
  main: KubeClient,
  wf: Workflow,
  plan: ArtifactGCPlan,
  hasStatusSubresource: boolean,
): Promise<{ workflow: Workflow; writes: number }> {
  const written = await writeWorkflow(main, wf, plan.status, undefined, hasStatusSubresource, deps.statusStorage);
  let current = written.workflow;
  let writes = written.writes;
  if (plan.removeFinalizer) {
    const finalizers = (current.metadata.finalizers ?? []).filter((f) => f !== ARTIFACT_GC_FINALIZER);
    current = await patchWorkflow<Workflow>(main, wf.metadata.namespace ?? '', wf.metadata.name ?? '', {
      metadata: {
        resourceVersion: current.metadata.resourceVersion,
        finalizers: finalizers.length > 0 ? finalizers : null,
      },
    }).catch((e: unknown) => {
      if (isNotFound(e)) return { ...current, metadata: { ...current.metadata, finalizers } };
      throw e;
    });
    writes++;
  }
  return { workflow: current, writes };
}

/** One round; throws a transient failure (the message is retried) and the API's 409 (re-read). */
export async function artifactGcRound(
  deps: ArtifactGcDeps,
  wf: Workflow,
  hasStatusSubresource: boolean,
): Promise<GcRoundResult> {
  const log = deps.logger.child({ namespace: wf.metadata.namespace, workflow: wf.metadata.name });
  const places = podPlaces(wf, deps.registry.mainCluster);
  const [seen, tasks] = await Promise.all([
    observePods(deps.registry, wf, deps.controller.instanceId ?? '', places),
    observeTasks(deps, wf, places),
  ]);
  const pods = seen.pods.filter((p) => isGcPod(p.pod));
  const spec = storedSpec(wf) ?? wf.spec;
  let plan = planArtifactGC({ workflow: wf, spec, controller: deps.controller, pods, tasks, now: deps.now() });
  const refusals: string[] = [];
  for (const c of plan.creates) {
    const refused = await createGroup(deps, c);
    if (refused) refusals.push(refused);
  }
  plan = withRefusals(plan, refusals);
  await cleanUp(deps, plan);
  const main = deps.registry.mainClient();
  const { workflow, writes } = await store(deps, main, wf, plan, hasStatusSubresource);
  if (plan.creates.length > 0 || plan.removeFinalizer)
    log.info('artifact garbage collection', { started: plan.creates.length, released: plan.removeFinalizer });
  const events: Action[] = plan.events.map((message) => ({
    kind: 'EmitEvent',
    type: 'Warning',
    reason: 'ArtifactGCFailed',
    message,
  }));
  if (events.length > 0) await applyActions(deps, workflow, events);
  return { workflow, released: plan.removeFinalizer, writes, requeueAfterMs: plan.requeueAfterMs };
}
