/**
 * Everything `decide` looks at for one workflow, in two rounds of parallel reads: first what depends
 * only on the workflow (its pods in every place — the own place's list already started with the
 * workflow's read —, which places run Argo's executor, its task sets, the WorkflowTemplates it names),
 * then what depends on those (task results of the executor places, main logs of pods whose result is
 * needed, ConfigMaps, placement facts, lock records). Each round is one network round trip when its
 * reads are needed at all; a plain workflow makes one read here (its pods), already in flight. A running
 * workflow's pods are those not labelled completed (engine/pod-scope.ts); {@link observeFinishedPods}
 * reads the others when the engine asks for them.
 */
import type { ControllerSettings, ObservedTaskResult, PlacementCheck, Snapshot } from '../engine/contract.ts';
import type { Workflow } from '../engine/types.ts';
import type { Logger } from '../logger.ts';
import type { NudgePublisher } from '../ports/event-source.ts';
import type { ClusterRegistry } from '../ports/kube.ts';
import { placementFacts } from './cluster-facts.ts';
import { loadConfigMaps } from './configmaps.ts';
import { lockDepsOf, observeLocks } from './locks.ts';
import { noCredentials, observePods, podPlaces, type OwnPodsList } from './observe.ts';
import { podListScope } from '../engine/pod-scope.ts';
import { withMainLogs } from './result-logs.ts';
import { executorPlaces, observeTaskResults, placeOfKey, type ExecutorMode } from './task-results.ts';
import { observeTaskSets } from './task-sets.ts';
import { loadWorkflowTemplates } from './templates.ts';

export interface ObserveDeps {
  registry: ClusterRegistry;
  controller: ControllerSettings;
  logger: Logger;
  publisher?: NudgePublisher;
  executorMode?: ExecutorMode;
  placementFor?: (workflow: Workflow) => PlacementCheck | undefined;
}

export async function observeWorkflow(
  deps: ObserveDeps,
  wf: Workflow,
  instanceId: string,
  own?: OwnPodsList,
): Promise<{ snapshot: Snapshot; taskResults: ObservedTaskResult[] }> {
  const main = deps.registry.mainClient();
  const places = podPlaces(wf, deps.registry.mainCluster);
  const scope = podListScope(wf);
  const [{ pods, unobserved, unconfigured }, execKeys, taskSets, workflowTemplates] = await Promise.all([
    observePods(deps.registry, wf, instanceId, places, own, scope),
    executorPlaces(deps.registry, places, deps.executorMode ?? 'auto'),
    observeTaskSets(deps.registry, wf),
    // Referenced (Cluster)WorkflowTemplates by name.
    loadWorkflowTemplates(main, wf),
  ]);
  const [taskResults, withLogs, configMaps, facts, locks] = await Promise.all([
    observeTaskResults(deps.registry, wf, instanceId, execKeys.map(placeOfKey)),
    // The main logs of pods whose result is needed.
    withMainLogs(deps.registry, wf, pods, workflowTemplates),
    loadConfigMaps(main, wf, workflowTemplates, deps.controller.controllerNamespace),
    placementFacts(deps.registry, wf, workflowTemplates, instanceId),
    observeLocks(lockDepsOf(deps), wf),
  ]);
  const snapshot: Snapshot = { workflow: wf, pods: withLogs, controller: deps.controller };
  if (scope === 'unfinished') snapshot.unfinishedPodsOnly = true;
  if (execKeys.length > 0) snapshot.executorPlaces = execKeys;
  if (taskResults.length > 0) snapshot.taskResults = taskResults;
  if (taskSets.length > 0) snapshot.taskSets = taskSets;
  if (workflowTemplates) snapshot.workflowTemplates = workflowTemplates;
  const unseen = [...unobserved, ...noCredentials(unconfigured)];
  if (unseen.length > 0) snapshot.unobserved = unseen;
  if (configMaps) snapshot.configMaps = configMaps;
  if (locks) snapshot.locks = locks;
  Object.assign(snapshot, facts);
  const check = deps.placementFor?.(wf);
  if (check) snapshot.checkPlacement = check;
  return { snapshot, taskResults };
}

/**
 * The workflow's pods labelled completed, in every place it may use (the engine asked for them:
 * `Decision.finishedPodsWanted`), added to `snapshot`'s; places that cannot be listed are reported as
 * for the usual list. The snapshot then holds every pod.
 */
export async function observeFinishedPods(
  deps: ObserveDeps,
  snapshot: Snapshot,
  instanceId: string,
): Promise<Snapshot> {
  const wf = snapshot.workflow;
  const places = podPlaces(wf, deps.registry.mainCluster);
  const { pods, unobserved, unconfigured } = await observePods(
    deps.registry,
    wf,
    instanceId,
    places,
    undefined,
    'finished',
  );
  const have = new Set(snapshot.pods.map((p) => `${p.cluster}/${p.namespace}/${p.pod.metadata.name ?? ''}`));
  const added = pods.filter((p) => !have.has(`${p.cluster}/${p.namespace}/${p.pod.metadata.name ?? ''}`));
  const next: Snapshot = { ...snapshot, pods: [...snapshot.pods, ...added] };
  delete next.unfinishedPodsOnly;
  const unseen = [...unobserved, ...noCredentials(unconfigured)].filter(
    (u) => !snapshot.unobserved?.some((s) => s.cluster === u.cluster && s.namespace === u.namespace),
  );
  if (unseen.length > 0) next.unobserved = [...(snapshot.unobserved ?? []), ...unseen];
  return next;
}
