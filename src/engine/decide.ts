/**
 * `decide(snapshot, now)`: the engine's one entry point. Pure: the same snapshot and `now` always give
 * the same decision. Lifecycle (docs/engine.md): validate and start, assess pods, walk the template tree from the
 * entrypoint, apply the workflow deadline, roll the root node up into the workflow phase.
 */
import { reopenForFailedSaves, saveMemoized } from './memoize.ts';
import { NOW_VARIABLE } from './expr/expression-tag.ts';
import type { Action, Decision, ObservedPod, Snapshot, WorkflowMetaPatch } from './contract.ts';
import { WORKFLOW_FINALIZER } from './contract.ts';
import { ARTIFACT_GC_FINALIZER, hasArtifactGC } from './artifact-gc/strategy.ts';
import type { ArtifactRepository, Condition, NodeStatus, Workflow, WorkflowPhase, WorkflowStatus } from './types.ts';
import { isFulfilled, newContext, type ExecContext } from './context.ts';
import { ANNOTATION_NODE_ID, ANNOTATION_POD_NAME_FORMAT, LABEL_COMPLETED, LABEL_PHASE } from './labels.ts';
import { nodeId } from './names.ts';
import { globalVariables } from './scope.ts';
import { metadataGlobals, workflowMetadataValues } from './workflow-metadata.ts';
import { validateWorkflow } from './validate.ts';
import { execWorkflow, storedSpec } from './effective-spec.ts';
import { executeTemplate, type ExecuteRequest } from './execute.ts';
import { updateProgress, type NodeSummary } from './progress.ts';
import { updateResourcesDurations } from './resources-duration.ts';
import { applyWorkflowDeadline } from './deadline.ts';
import { stopSuspendNodes, workflowShutdownMessage } from './shutdown.ts';
import { collectPods } from './pod-gc.ts';
import { settleClaims } from './pod/claims.ts';
import { exportRecordedGlobals, workflowOutputs } from './outputs.ts';
import { finalPhase, runWorkflowExit, workflowDuration } from './exit/workflow-exit.ts';
import { runWorkflowHooks } from './exit/lifecycle-hooks.ts';
import { ttlExpiresAt } from './ttl.ts';
import { finishEffects, prepareEffects } from './effects.ts';
import { assessUnvisitedPods, endUnfinished, hasLivePods } from './unfinished.ts';
import { resolveRepository, usesArtifacts } from './artifacts/repository.ts';
import { isLeftBehind } from './placement/place-node.ts';
import { usesPlacement } from './placement/spec.ts';
import { decideFinished, mustEnd } from './too-large.ts';
import { isAgentPod } from './http-template/agent.ts';
import { planHttp, prepareHttp } from './http-template/task-sets.ts';
import { workflowGate } from './sync/gate.ts';
import { newSyncState, releaseUnwanted } from './sync/state.ts';
import { writeSyncStatus } from './sync/status.ts';
import { settleMetrics, workflowMetrics } from './metrics/emit.ts';
import { planReconcile } from './reconcile-plan.ts';
import { finishedPodsWanted } from './pod-scope.ts';

function isDone(phase: WorkflowPhase | undefined): boolean {
  return phase === 'Succeeded' || phase === 'Failed' || phase === 'Error';
}

function metadataOf(
  snapshot: Snapshot,
  status: WorkflowStatus,
  ctx: ExecContext | undefined,
  remoteNodes = false,
): WorkflowMetaPatch {
  const wf = snapshot.workflow;
  const format = wf.metadata.annotations?.[ANNOTATION_POD_NAME_FORMAT] ?? snapshot.controller.podNameFormat ?? 'v2';
  const labels: Record<string, string> = {};
  if (status.phase) {
    labels[LABEL_PHASE] = status.phase;
    labels[LABEL_COMPLETED] = isDone(status.phase) ? 'true' : 'false';
  }
  const finalizers: string[] = (wf.metadata.finalizers ?? []).filter((f) => f === WORKFLOW_FINALIZER);
  // Locks too: a workflow deleted while it holds or waits for one lets go in the finalizer.
  const needed = ctx && (remoteNodes || createsRemotePods(ctx) || involvedInLocks(ctx));
  if (finalizers.length === 0 && needed) finalizers.push(WORKFLOW_FINALIZER);
  if (ctx && needsArtifactGcFinalizer(ctx)) finalizers.push(ARTIFACT_GC_FINALIZER);
  const own = ctx?.workflowMetadata;
  return {
    labels: { ...(own?.labels ?? {}), ...labels },
    annotations: { ...(own?.annotations ?? {}), [ANNOTATION_POD_NAME_FORMAT]: format },
    finalizers,
  };
}

/**
 * Argo's `addArtifactGCFinalizer`: a workflow with collected artifacts holds the artifact-gc finalizer
 * from its start until GC is done (artifact-gc/plan.ts); never added again once GC has started.
 */
function needsArtifactGcFinalizer(ctx: ExecContext): boolean {
  if (ctx.wf.status?.artifactGCStatus?.strategiesProcessed) return false;
  return hasArtifactGC(ctx.wf.spec, ctx.storedTemplates);
}

function involvedInLocks(ctx: ExecContext): boolean {
  return ctx.actions.some((a) => a.kind === 'AcquireLock') || !!ctx.wf.status?.synchronization;
}

function createsRemotePods(ctx: ExecContext): boolean {
  const own = (c: string, n: string): boolean => c === ctx.controller.clusterName && n === ctx.wfNamespace;
  return ctx.actions.some((a) => a.kind === 'CreatePod' && !own(a.cluster, a.namespace));
}

/**
 * The message of the first pod node that errored without ever running (a refused placement, a deleted
 * pod): DAGs carry no message of their own, and these are problems the user must see on the workflow.
 */
function neverRanMessage(status: WorkflowStatus): string | undefined {
  const nodes = status.nodes ?? {};
  for (const id in nodes) {
    const n = nodes[id];
    if (n?.type === 'Pod' && n.phase === 'Error' && n.outputs === undefined && n.message) return n.message;
  }
  return undefined;
}

function finish(
  ctx: ExecContext | undefined,
  status: WorkflowStatus,
  phase: WorkflowPhase,
  message: string | undefined,
  now: string,
): void {
  status.phase = phase;
  if (!status.startedAt) status.startedAt = now;
  status.finishedAt = now;
  if (message) status.message = message;
  const conditions: Condition[] = (status.conditions ?? []).filter(
    (c) => c.type !== 'Completed' && c.type !== 'PodRunning',
  );
  conditions.push({ type: 'PodRunning', status: 'False' }, { type: 'Completed', status: 'True' });
  status.conditions = conditions;
  ctx?.reasons.push(`workflow ${phase}${message ? `: ${message}` : ''}`);
}

/**
 * Maps pods to their nodes. Pods of nodes already finished are not indexed (nothing reads them again),
 * except to be labelled completed: at 10k tasks this keeps the map to the pods still in play.
 */
function indexPods(ctx: ExecContext, snapshot: Snapshot): ObservedPod[] {
  // Agent pods (HTTP templates) belong to no node; their state goes to the HTTP nodes of their place.
  prepareHttp(ctx, snapshot);
  const finished: ObservedPod[] = [];
  for (const observed of snapshot.pods) {
    const meta = observed.pod.metadata;
    const id = meta.annotations?.[ANNOTATION_NODE_ID] ?? meta.name;
    if (!id || isAgentPod(observed.pod)) continue;
    if (isLeftBehind(ctx, ctx.nodes[id], observed)) continue;
    if (!isFulfilled(ctx.nodes[id])) ctx.podsByNodeId.set(id, observed);
    else if (needsCompletedLabel(observed)) finished.push(observed);
  }
  return finished;
}

function needsCompletedLabel(observed: ObservedPod): boolean {
  const meta = observed.pod.metadata;
  return !!meta.name && meta.labels?.[LABEL_COMPLETED] !== 'true' && !meta.deletionTimestamp;
}

/**
 * Argo labels a pod `completed=true` once its node is done (the pod clean-up queue), so watches that
 * select `completed=false` stop seeing it. Pods being deleted are left alone.
 */
function labelCompletedPods(ctx: ExecContext, finished: ObservedPod[], stored: WorkflowStatus | undefined): void {
  const deleting = new Set(
    ctx.actions.flatMap((a) => (a.kind === 'DeletePod' ? [`${a.cluster}/${a.namespace}/${a.name}`] : [])),
  );
  const storedNodes = stored?.nodes ?? {};
  const label = (observed: ObservedPod): void => {
    const meta = observed.pod.metadata;
    const name = meta.name as string;
    if (deleting.has(`${observed.cluster}/${observed.namespace}/${name}`)) return;
    const action: Extract<Action, { kind: 'LabelPodCompleted' }> = {
      kind: 'LabelPodCompleted',
      cluster: observed.cluster,
      namespace: observed.namespace,
      name,
    };
    // A labelled pod is no longer listed (pod-scope.ts): its node's outcome must be stored first, as in
    // Argo (persistUpdates labels pods only after the workflow update succeeded).
    if (!isFulfilled(storedNodes[meta.annotations?.[ANNOTATION_NODE_ID] ?? name])) action.afterStatusWrite = true;
    ctx.actions.push(action);
  };
  for (const observed of finished) label(observed);
  // Pods whose node finished during this decide. forEach: no [key, value] pair per pod.
  ctx.podsByNodeId.forEach((observed, id) => {
    if (isFulfilled(ctx.nodes[id]) && needsCompletedLabel(observed)) label(observed);
  });
}

/** The decide's context with what the snapshot observed (places, task results, templates, facts). */
function contextOf(wf: Workflow, snapshot: Snapshot, now: Date): ExecContext {
  const ctx = newContext(wf, now, snapshot.controller, executeTemplate);
  ctx.checkPlacement = snapshot.checkPlacement;
  ctx.executorPlaces = new Set(snapshot.executorPlaces ?? []);
  for (const r of snapshot.taskResults ?? [])
    if (r.result.metadata.name) ctx.taskResults.set(r.result.metadata.name, r);
  ctx.workflowTemplates = snapshot.workflowTemplates;
  ctx.configMaps = snapshot.configMaps;
  ctx.usesPlacement = usesPlacement(wf, snapshot.workflowTemplates);
  if (snapshot.clusters) ctx.clusterLabels = new Map(snapshot.clusters.map((c) => [c.name, c.labels]));
  if (snapshot.placeLoads) ctx.placeLoads = new Map(snapshot.placeLoads.map((l) => [`${l.cluster}/${l.namespace}`, l]));
  if (snapshot.locks) ctx.sync = newSyncState(snapshot.locks);
  const fmt = wf.metadata.annotations?.[ANNOTATION_POD_NAME_FORMAT];
  ctx.podNameFormat = fmt === 'v1' || fmt === 'v2' ? fmt : (snapshot.controller.podNameFormat ?? 'v2');
  if (snapshot.podCreateBudget !== undefined) ctx.createBudget = { left: snapshot.podCreateBudget, deferred: 0 };
  return ctx;
}

/**
 * Decides what to do next for one workflow. Pure and idempotent: applying the returned actions and
 * status, observing the pods, and deciding again yields no new actions. Also decides what the reconcile
 * does around the actions: metadata first, the pod-create cap, phase events (reconcile-plan.ts).
 * @example const d = decide({ workflow, pods: [], controller: { clusterName: 'main' } }, new Date());
 */
export function decide(snapshot: Snapshot, now: Date): Decision {
  return planReconcile(snapshot, decideWorkflow(snapshot, now));
}

/** The decision for the workflow's status and actions. */
function decideWorkflow(snapshot: Snapshot, now: Date): Decision {
  const given = snapshot.workflow;
  const current = reopenForFailedSaves(snapshot);
  const merged = execWorkflow(given, snapshot.workflowTemplates);
  const wf = typeof merged === 'string' ? given : merged;
  if (wf.metadata.labels?.[LABEL_COMPLETED] === 'true')
    return quiet(snapshot, current, 'workflow is completed; nothing to do');
  if (mustEnd(snapshot) || isDone(current.phase)) return decideFinished(snapshot, { ...current }, now, wf.spec);
  const ctx = contextOf(wf, snapshot, now);
  ctx.storedTemplates = current.storedTemplates;
  const status: WorkflowStatus = { ...current };
  if (!status.phase || status.phase === 'Pending') {
    const ended = startWorkflow(ctx, snapshot, status, merged);
    if (ended) return ended;
  }
  workflowGate(ctx, true);
  // Frozen at start (and on the first decide of a workflow started before specs were stored).
  if (!storedSpec(given) && typeof merged !== 'string') status.storedWorkflowTemplateSpec = wf.spec;
  ctx.nodes = { ...(current.nodes ?? {}) };
  const globalsFailed = setGlobals(ctx, snapshot, status, wf, now);
  if (globalsFailed !== undefined) return ended(ctx, snapshot, status, 'Error', globalsFailed);
  exportRecordedGlobals(ctx, ctx.nodes);
  prepareEffects(ctx, snapshot, current);
  const finishedPods = indexPods(ctx, snapshot);
  ctx.wf = { ...wf, status: { ...current, startedAt: status.startedAt } };
  ctx.globals['workflow.duration'] = workflowDuration(ctx);
  const left = applyWorkflowDeadline(ctx);
  const { root, exit, hooksRunning } = walkTree(ctx, wf);
  if (ctx.storedTemplatesChanged) status.storedTemplates = ctx.storedTemplates;
  const outputs = workflowOutputs(ctx);
  if (outputs) status.outputs = outputs;
  finishEffects(ctx, status);
  const summary = rollUp(ctx, status, root, exit, hooksRunning);
  releaseUnwanted(ctx, isDone(status.phase));
  writeSyncStatus(ctx, status, isDone(status.phase));
  collectAtEnd(ctx, snapshot.pods, status, current.nodes);
  // A workflow completing now is never reconciled again: labelling its last pods would be a write
  // per workflow that nothing reads (docs/adr/0006-workflow-crd-status.md, write budget).
  if (!isDone(status.phase)) labelCompletedPods(ctx, finishedPods, snapshot.storedStatus ?? given.status);
  const decision: Decision = {
    actions: ctx.actions,
    status,
    metadata: metadataOf(snapshot, status, ctx, summary.remote),
    reasons: ctx.reasons,
    ...decisionMetrics(ctx, current, status, ctx.nodes[root.id]),
  };
  const after = requeueAfter(ctx, snapshot, status, left, now);
  if (after !== undefined) decision.requeueAfterMs = after;
  if (ctx.createBudget?.deferred) decision.deferredCreates = ctx.createBudget.deferred;
  const wanted = finishedPodsWanted(snapshot, status);
  if (wanted) decision.finishedPodsWanted = wanted;
  return decision;
}

/**
 * The repository pinned and the workflow's globals (parameters, `now`, workflowMetadata values);
 * the message when they cannot be computed, which errors the workflow as Argo's setGlobalParameters
 * (a configMapKeyRef argument), repository resolution and updateWorkflowMetadata (markWorkflowError) do.
 */
function setGlobals(
  ctx: ExecContext,
  snapshot: Snapshot,
  status: WorkflowStatus,
  wf: Workflow,
  now: Date,
): string | undefined {
  try {
    ctx.artifactRepository = pinRepository(status, wf, snapshot);
    ctx.globals = globalVariables(wf, snapshot.configMaps);
    ctx.globals[NOW_VARIABLE] = String(now.getTime());
    const md = workflowMetadataValues(wf, ctx.globals, now.getTime());
    if (md) {
      ctx.workflowMetadata = md;
      Object.assign(ctx.globals, metadataGlobals(md));
    }
    return undefined;
  } catch (e) {
    return (e as Error).message;
  }
}

/** The tree walk from the entrypoint, then the workflow's hooks and (unless suspended or hooks run) its exit handler. */
function walkTree(
  ctx: ExecContext,
  wf: Workflow,
): { root: NodeStatus; exit: NodeStatus | undefined; hooksRunning: boolean } {
  stopSuspendNodes(ctx);
  const root = executeTemplate(ctx, rootRequest(ctx, wf));
  stopSuspendNodes(ctx, true);
  assessUnvisitedPods(ctx);
  const hooksRunning = runWorkflowHooks(ctx, ctx.nodes[root.id] ?? root);
  const exit = wf.spec.suspend === true || hooksRunning ? undefined : runWorkflowExit(ctx, ctx.nodes[root.id] ?? root);
  return { root, exit, hooksRunning };
}

/** The workflow's custom metrics and the samples of this decide (metrics/emit.ts). */
function decisionMetrics(
  ctx: ExecContext,
  stored: WorkflowStatus,
  status: WorkflowStatus,
  root: NodeStatus | undefined,
): Pick<Decision, 'metrics'> {
  workflowMetrics(ctx, stored, status, root);
  const metrics = settleMetrics(ctx, status);
  return metrics ? { metrics } : {};
}

/**
 * Memoized outputs to save, pods (podGC) and claims (volumeClaimGC) to collect, and the claims recorded
 * in this decide.
 */
function collectAtEnd(
  ctx: ExecContext,
  pods: ObservedPod[],
  status: WorkflowStatus,
  stored: WorkflowStatus['nodes'],
): void {
  saveMemoized(ctx, stored);
  collectPods(ctx, pods, status.phase);
  settleClaims(ctx, status, isDone(status.phase));
}

/** The entrypoint as the root node, with the workflow's arguments. */
function rootRequest(ctx: ExecContext, wf: Workflow): ExecuteRequest {
  const args = wf.spec.arguments;
  return {
    nodeName: ctx.wfName,
    holder: { template: wf.spec.entrypoint },
    args: args?.parameters,
    artifacts: args?.artifacts,
    depth: 0,
  };
}

/**
 * Argo resolves the artifact repository once and pins it in `status.artifactRepositoryRef`; Argosy does
 * so only for workflows that move artifacts (no ConfigMap read for the others). Throws Argo's error.
 */
function pinRepository(status: WorkflowStatus, wf: Workflow, snapshot: Snapshot): ArtifactRepository | undefined {
  if (!status.artifactRepositoryRef && usesArtifacts(wf, snapshot.workflowTemplates)) {
    const found = resolveRepository(wf, snapshot.configMaps, snapshot.controller.controllerNamespace);
    if ('error' in found) throw new Error(found.error);
    status.artifactRepositoryRef = found.ref;
  }
  return status.artifactRepositoryRef?.artifactRepository;
}

/**
 * When to decide again: a running workflow at its earliest wake-up or deadline; a finished one when its
 * ttlStrategy makes it due for deletion (the runtime deletes it then).
 */
function requeueAfter(
  ctx: ExecContext,
  snapshot: Snapshot,
  status: WorkflowStatus,
  left: number | undefined,
  now: Date,
): number | undefined {
  if (isDone(status.phase)) {
    const expires = ttlExpiresAt({ ...snapshot.workflow, status });
    return expires === undefined ? undefined : Math.max(0, expires - now.getTime());
  }
  const wake = ctx.wakeAt === undefined ? undefined : Math.max(0, ctx.wakeAt - now.getTime());
  return left === undefined ? wake : wake === undefined ? left : Math.min(left, wake);
}

/** The workflow ends before anything runs (spec, template or parameter errors): no actions. */
function ended(
  ctx: ExecContext,
  snapshot: Snapshot,
  status: WorkflowStatus,
  phase: 'Error' | 'Failed',
  message: string,
): Decision {
  finish(ctx, status, phase, message, ctx.now);
  return { actions: [], status, metadata: metadataOf(snapshot, status, ctx), reasons: ctx.reasons };
}

/** A decision that changes nothing. */
function quiet(snapshot: Snapshot, status: WorkflowStatus, reason: string): Decision {
  return { actions: [], status, metadata: metadataOf(snapshot, status, undefined), reasons: [reason] };
}

/**
 * Validates and starts a workflow (or keeps it Pending while it waits for its locks); a decision when
 * it ends here instead: a spec error, a template that cannot be loaded, a lock it can never get.
 */
function startWorkflow(
  ctx: ExecContext,
  snapshot: Snapshot,
  status: WorkflowStatus,
  merged: Workflow | string,
): Decision | undefined {
  const stop = (phase: WorkflowPhase | undefined, message: string): Decision => {
    if (phase) finish(ctx, status, phase, message, ctx.now);
    releaseUnwanted(ctx, !!phase);
    writeSyncStatus(ctx, status, !!phase);
    return { actions: ctx.actions, status, metadata: metadataOf(snapshot, status, ctx), reasons: ctx.reasons };
  };
  // Argo's setExecWorkflow: a workflowTemplateRef that cannot be loaded is a workflow Error, not a spec error.
  if (typeof merged === 'string') return stop('Error', merged);
  const errors = validateWorkflow(merged);
  // Kubernetes stored what it was given; a field Argosy would ignore or misread ends the workflow
  // Error with the words `argosy lint` uses, before anything runs. Argo's own spec errors are Failed.
  const input = errors.filter((e) => e.kind !== undefined);
  if (input.length > 0) return stop('Error', input.map((e) => e.argo).join('; '));
  if (errors.length > 0) return stop('Failed', `invalid spec: ${errors[0]?.argo}`);
  const gate = workflowGate(ctx, false);
  if (gate && 'fail' in gate) return stop('Failed', gate.fail);
  if (gate) {
    // Argo's markWorkflowPhase(Pending, msg): queued behind the lock's holders.
    status.phase = 'Pending';
    status.message = gate.wait;
    return stop(undefined, gate.wait);
  }
  if (status.phase === 'Pending') delete status.message;
  status.phase = 'Running';
  status.startedAt = ctx.now;
  ctx.reasons.push('workflow started');
  return undefined;
}

/**
 * Progress, conditions, and the workflow phase from the root node and the exit handler. A workflow suspended with `spec.suspend` does not finish.
 */
function rollUp(
  ctx: ExecContext,
  status: WorkflowStatus,
  root: NodeStatus,
  exit: NodeStatus | undefined,
  hooksRunning: boolean,
): NodeSummary {
  // The HTTP tasks handed out by the walk and the exit handler, before the phase is judged.
  planHttp(ctx);
  const rootNode = ctx.nodes[nodeId(ctx.wfName, ctx.wfName)] ?? root;
  // runWorkflowExit returns a node whenever an exit handler applies to a fulfilled root.
  const exitNode = exit ? (ctx.nodes[exit.id] ?? exit) : undefined;
  let final =
    ctx.wf.spec.suspend === true || hooksRunning ? undefined : finalPhase(rootNode, exitNode, exit !== undefined);
  // A pod still running or being created: Argo does not complete the workflow before it ends.
  if (final && hasLivePods(ctx)) final = undefined;
  if (final) endUnfinished(ctx, final.phase);
  status.nodes = ctx.nodes;
  const summary = updateProgress(ctx.nodes);
  status.progress = summary.progress;
  if (final) {
    // Argo recomputes these on every write; here once, when the workflow ends (the values Argo's last
    // write leaves): on every decide it doubled the time of a 2,500-pod workflow.
    const resources = updateResourcesDurations(ctx.nodes);
    if (resources) status.resourcesDuration = resources;
    const { phase } = final;
    // A refused placement is a configuration problem the user must see on the workflow itself.
    const message =
      workflowShutdownMessage(ctx, phase) ??
      final.message ??
      (phase !== 'Succeeded' ? neverRanMessage(status) : undefined);
    finish(ctx, status, phase, message, ctx.now);
  } else {
    status.conditions = [
      ...(status.conditions ?? []).filter((c) => c.type !== 'PodRunning'),
      { type: 'PodRunning', status: summary.podRunning ? 'True' : 'False' },
    ];
  }
  return summary;
}
