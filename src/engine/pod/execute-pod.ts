/**
 * The executor of container and script templates: creates the node and its pod (after the placement
 * check), then keeps the node in step with the observed pod.
 */
import type { ExecContext } from '../context.ts';
import type { ObservedPod } from '../contract.ts';
import { initNode, isFulfilled, markPhase, mutableNode, setNodeInputs, wakeAt } from '../context.ts';
import type { NodeStatus, Template } from '../types.ts';
import type { Dispatch } from '../dispatch.ts';
import { podName } from '../names.ts';
import { nodeTemplate, templateServiceAccount } from '../template.ts';
import { isResultReferenced } from '../needs-result.ts';
import { assessPod, recordFinish, type PodAssessment } from './assess-pod.ts';
import { substituteDeep, substituteString, type Resolver } from '../substitute.ts';
import { buildPod, isExecutorTarget, type PodTarget } from './build-pod.ts';
import { PodBuildError } from './outputs-wrapper.ts';
import { assessExecutorPod, isExecutorPod, type ExecutorAssessment } from './assess-executor.ts';
import { assessPodsOnlyPod } from './stranded.ts';
import { exportGlobalOutputs } from '../outputs.ts';
import { holdNode } from '../effects.ts';
import { resourcePlacementProblem, withOwnerReference, type ResourcePlace } from '../resource/manifest.ts';
import { boundByTimeout, checkTemplateTimeouts } from './template-timeout.ts';
import { retryAffinity } from '../retry/retry-affinity.ts';
import { isStoppedByShutdown, shutdownMessage, shutdownOf } from '../shutdown.ts';
import { archiveLocationOf, isArchiveLogs, needsArchiveLocation } from '../artifacts/location.ts';
import {
  failoverObserved,
  failoverUnreachable,
  placeAwaitingNode,
  placeNewNode,
  placementStep,
} from '../placement/place-node.ts';
import { stuckSince, type FailoverStep } from '../placement/failover.ts';
import { createPodAction } from './claims.ts';
import { advanceDaemon, endDaemon } from './daemons.ts';

/** Message of nodes stopped by the workflow's activeDeadlineSeconds. */
export const DEADLINE_MESSAGE = 'Step exceeded its deadline';

/** Where a template's pods go. */
export function podTarget(ctx: ExecContext, t: Template): PodTarget {
  const target: PodTarget = {
    cluster: t.clusterName || ctx.controller.clusterName,
    namespace: t.namespace || ctx.wfNamespace,
  };
  const sa = templateServiceAccount(t) ?? ctx.wf.spec.serviceAccountName;
  if (sa) target.serviceAccountName = sa;
  return target;
}

/**
 * The place recorded in a node when it was created: its pods always go there, whatever the spec says
 * now (an edited argument or template must not move a re-created pod).
 */
export function recordedTarget(ctx: ExecContext, node: NodeStatus): PodTarget {
  const target: PodTarget = {
    cluster: node.clusterName || ctx.controller.clusterName,
    namespace: node.namespace || ctx.wfNamespace,
  };
  if (node.serviceAccountName) target.serviceAccountName = node.serviceAccountName;
  return target;
}

/** Resolves a template's place with the node's scope (once, when the node is created). */
function resolveTarget(ctx: ExecContext, req: PodRequest): PodTarget {
  const t = req.template;
  const sub = (v: string | undefined): string | undefined => (v === undefined ? v : substituteString(v, req.scope));
  return podTarget(ctx, {
    name: t.name,
    clusterName: sub(t.clusterName),
    namespace: sub(t.namespace),
    serviceAccountName: sub(t.serviceAccountName),
    serviceAccount: sub(t.serviceAccount),
  });
}

/** What a pod template's executor uses of a dispatch. */
export type PodRequest = Pick<
  Dispatch,
  'nodeName' | 'template' | 'scope' | 'templateName' | 'boundaryID' | 'inputs' | 'callerScope'
>;

/** The step's `placement` (docs/adr/0013-cluster-choice.md), with the node's namespace and account. */
function stepOf(ctx: ExecContext, req: PodRequest, node: NodeStatus): FailoverStep | undefined {
  if (req.template['placement'] === undefined) return undefined;
  const { namespace, serviceAccountName } = recordedTarget(ctx, node);
  return placementStep(
    ctx,
    req.template,
    req.scope,
    serviceAccountName ? { namespace, serviceAccountName } : { namespace },
  );
}

/** True when an assessment would not change the node (common: most pods are just running). */
function isUnchanged(node: NodeStatus, a: PodAssessment): boolean {
  return (
    node.phase === a.phase &&
    (node.message ?? '') === a.message &&
    node.hostNodeName === a.hostNodeName &&
    a.outputs === undefined &&
    a.finishedAt === undefined &&
    a.podIP === node.podIP
  );
}

const NO_TEMPLATE: Template = { name: '' };

/**
 * Fast path for the common case of a large run: the node's pod is still Pending/Running exactly as
 * recorded. Callers skip planning and template resolution for such nodes.
 */
export function isPodNodeSteady(ctx: ExecContext, node: NodeStatus): boolean {
  if (node.type !== 'Pod' || isFulfilled(node) || ctx.deadlineExceeded) return false;
  if (ctx.wf.spec.shutdown && isStoppedByShutdown(ctx, node)) return false;
  const observed = ctx.podsByNodeId.get(node.id);
  const phase = observed?.pod.status?.phase;
  // A container set's Container nodes follow its running pod's containers.
  if (node.children?.some((c) => ctx.nodes[c]?.type === 'Container')) return false;
  if (phase === 'Running')
    return node.phase === 'Running' && node.message === undefined && node.hostNodeName === observed?.pod.spec.nodeName;
  if (phase !== 'Pending') return false;
  if (ctx.usesPlacement && stuckSince((observed as ObservedPod).pod)) return false;
  // A Pending node may time out (template timeout/pendingTimeout): not steady.
  const t = node.templateRef ? undefined : ctx.templates.get(node.templateName ?? '');
  if (!t || t.timeout || t.pendingTimeout) return false;
  return isUnchanged(node, assessPod(observed as ObservedPod, NO_TEMPLATE, false));
}

/**
 * A shutdown stops an unfinished node whose pod has not finished by itself: its pod is deleted (in the
 * pod's cluster) and the node fails with Argo's message. A pod that already finished is assessed as usual.
 */
function stopForShutdown(
  ctx: ExecContext,
  node: NodeStatus,
  observed: ObservedPod | undefined,
): NodeStatus | undefined {
  const strategy = shutdownOf(ctx);
  if (!strategy || !isStoppedByShutdown(ctx, node)) return undefined;
  const phase = observed?.pod.status?.phase;
  if (phase === 'Succeeded' || phase === 'Failed') return undefined;
  const message = shutdownMessage(strategy);
  const name = observed?.pod.metadata.name;
  if (observed && name && !observed.pod.metadata.deletionTimestamp)
    ctx.actions.push({
      kind: 'DeletePod',
      cluster: observed.cluster,
      namespace: observed.namespace,
      name,
      reason: message,
    });
  return markPhase(ctx, node.id, 'Failed', message);
}

/**
 * Why a template cannot run at `target` in pods-only mode: artifacts, sidecars (stopped by emissary) and
 * init containers (given /var/run/argo) need Argo's executor, which reports
 * through WorkflowTaskResults that the target's cluster does not serve (docs/adr/0009-argo-executor-pods.md).
 */
function podsOnlyReason(ctx: ExecContext, t: Template, target: PodTarget): string | undefined {
  if (isExecutorTarget(ctx, target)) return undefined;
  const has = (v: unknown) => Array.isArray(v) && v.length > 0;
  const features = [
    has(t.inputs?.artifacts) || has(t.outputs?.artifacts) ? 'artifacts' : '',
    has(t.sidecars) ? 'sidecars' : '',
    has(t.initContainers) ? 'init containers' : '',
  ].filter(Boolean);
  const uses = t.resource
    ? 'is a resource template'
    : t.containerSet
      ? 'is a container-set template'
      : t.data
        ? 'is a data template'
        : features.length > 0
          ? `uses ${features.join(', ')}`
          : undefined;
  if (!uses) return undefined;
  return (
    `template '${t.name}' ${uses}, which needs Argo's executor, but cluster "${target.cluster}" ` +
    `namespace "${target.namespace}" runs pods-only: it does not serve workflowtaskresults.argoproj.io ` +
    `(or Argosy may not list them there); install the CRD and infra/k8s/workflow-rbac there, or run this step elsewhere`
  );
}

/** The node's place and its Workflow's, for a resource template's placement rules. */
function resourcePlace(ctx: ExecContext, target: PodTarget): ResourcePlace {
  return {
    cluster: target.cluster,
    namespace: target.namespace,
    workflowCluster: ctx.controller.clusterName,
    workflowNamespace: ctx.wfNamespace,
    workflowName: ctx.wfName,
    workflowUid: ctx.wf.metadata.uid,
  };
}

/**
 * The template with the archive location the executor needs (Argo's `addArchiveLocation`): the pinned
 * repository with its key pattern, rendered later with the pod's variables; `error`: why it has none.
 */
function withArchiveLocation(ctx: ExecContext, t: Template): { template: Template; error?: string } {
  if (!needsArtifacts(ctx, t)) return { template: t };
  const logs = isArchiveLogs(t, ctx.artifactRepository, ctx.wf.spec.archiveLogs);
  if (!needsArchiveLocation(t, logs)) return { template: t };
  const location = archiveLocationOf(ctx.artifactRepository, logs);
  if ('error' in location) return { template: t, error: location.error as string };
  return { template: { ...t, archiveLocation: location } };
}

/** Artifacts or log archiving: only such templates get an archive location. */
function needsArtifacts(ctx: ExecContext, t: Template): boolean {
  if (ctx.artifactRepository?.archiveLogs === true || ctx.wf.spec.archiveLogs === true) return true;
  return (
    (t.inputs?.artifacts ?? []).length > 0 ||
    (t.outputs?.artifacts ?? []).length > 0 ||
    t.archiveLocation !== undefined ||
    t.data?.source?.artifactPaths !== undefined
  );
}

/** Keeps a node in step with its observed pod (or fails it over when the pod cannot start). */
function advanceFromPod(
  ctx: ExecContext,
  node: NodeStatus,
  req: PodRequest,
  observed: ObservedPod,
  step: FailoverStep | undefined,
  resolved: () => Template,
): NodeStatus {
  const t = req.template;
  const moved = step && failoverObserved(ctx, node, step, observed);
  if (moved) return moved;
  if (t.daemon === true && observed.pod.status?.phase === 'Running') return advanceDaemon(ctx, node, observed);
  const want = isResultReferenced(ctx.nodes, node, (n) => nodeTemplate(ctx, n));
  const tt = t.outputs ? resolved() : t;
  const a: ExecutorAssessment = isExecutorPod(observed.pod)
    ? assessExecutorPod(observed, ctx.taskResults.get(node.id), tt, want, ctx.nowDate.getTime())
    : assessPodsOnlyPod(observed, tt, want);
  if (a.wakeAtMs !== undefined) wakeAt(ctx, a.wakeAtMs);
  if (a.stranded && a.phase !== 'Running') stopStranded(ctx, observed, a.stranded);
  if (t.daemon === true) endDaemon(node, a);
  if (isUnchanged(node, a)) return node;
  const n = mutableNode(ctx, node.id);
  if (n.daemoned && a.phase !== 'Running') delete n.daemoned;
  if (a.hostNodeName) n.hostNodeName = a.hostNodeName;
  if (a.podIP) n.podIP = a.podIP;
  if (a.outputs) {
    n.outputs = a.outputs;
    exportGlobalOutputs(ctx, a.outputs);
  }
  recordFinish(n, a);
  return markPhase(ctx, node.id, a.phase, a.message);
}

/** Deletes a pod whose main containers (and `wait`) ended while containers nothing will stop go on. */
function stopStranded(ctx: ExecContext, observed: ObservedPod, names: string[]): void {
  const name = observed.pod.metadata.name;
  if (!name) return;
  const reason =
    `${isExecutorPod(observed.pod) ? 'main and wait have' : 'main has'} ended; deleting the pod to stop ` +
    `${names.join(', ')}, not run by Argo's executor (injected into the pod)`;
  ctx.actions.push({ kind: 'DeletePod', cluster: observed.cluster, namespace: observed.namespace, name, reason });
}

/** The template's timeouts, substituted (they usually come from inputs), or undefined when none. */
function timeoutsOf(t: Template, scope: Resolver): Template | undefined {
  if (t.timeout === undefined && t.pendingTimeout === undefined) return undefined;
  const out: Template = { name: t.name };
  if (t.timeout !== undefined) out.timeout = substituteString(String(t.timeout), scope);
  if (t.pendingTimeout !== undefined) out.pendingTimeout = substituteString(String(t.pendingTimeout), scope);
  return out;
}

/**
 * What a new pod node starts with: progress 0/1 and, as Argo v4 initializes pod nodes (not daemons),
 * `taskResultSynced: true`; Argosy keeps a node in its phase until its outputs are in instead of
 * writing false meanwhile, which readers take the same way.
 */
function initPodFields(node: NodeStatus, t: Template): void {
  node.progress = '0/1';
  if (t.daemon !== true) node.taskResultSynced = true;
}

/**
 * A new Pod node with its recorded place; `placed` is false when it ended at once (deadline, shutdown)
 * or waits for a cluster, so nothing more is done for it in this pass.
 */
function startPodNode(ctx: ExecContext, req: PodRequest): { node: NodeStatus; placed: boolean } {
  const target = resolveTarget(ctx, req);
  const node = initNode(ctx, {
    name: req.nodeName,
    type: 'Pod',
    boundaryID: req.boundaryID,
    templateName: req.templateName,
    phase: 'Pending',
  });
  initPodFields(node, req.template);
  setNodeInputs(node, req.inputs, req.template.inputs?.artifacts);
  if (target.cluster !== ctx.controller.clusterName) node.clusterName = target.cluster;
  if (target.namespace !== ctx.wfNamespace) node.namespace = target.namespace;
  if (target.serviceAccountName) node.serviceAccountName = target.serviceAccountName;
  if (ctx.deadlineExceeded) return { node: markPhase(ctx, node.id, 'Failed', DEADLINE_MESSAGE), placed: false };
  const strategy = shutdownOf(ctx);
  if (strategy && isStoppedByShutdown(ctx, node))
    return { node: markPhase(ctx, node.id, 'Failed', shutdownMessage(strategy)), placed: false };
  const step = stepOf(ctx, req, node);
  const placed = !step || placeNewNode(ctx, node, step);
  return { node: ctx.nodes[node.id] as NodeStatus, placed };
}

/** Builds the node's pod and asks for it to be created (or ends the node Error when it cannot be built). */
function emitCreatePod(
  ctx: ExecContext,
  node: NodeStatus,
  built: Template,
  name: string,
  target: ReturnType<typeof recordedTarget>,
  timed: Template | undefined,
  callerScope: Resolver | undefined,
): NodeStatus {
  let pod;
  try {
    const want = isResultReferenced(ctx.nodes, node, (n) => nodeTemplate(ctx, n));
    pod = buildPod(ctx, node, built, name, target, want, callerScope);
    if (timed?.timeout) pod.spec.activeDeadlineSeconds = boundByTimeout(ctx, node, timed);
    const affinity = retryAffinity(ctx, node, pod.spec.affinity);
    if (affinity !== undefined) pod.spec.affinity = affinity;
  } catch (e) {
    if (!(e instanceof PodBuildError)) throw e;
    return markPhase(ctx, node.id, 'Error', e.message);
  }
  ctx.actions.push(createPodAction(ctx, target, pod, node.id));
  if (ctx.createBudget) ctx.createBudget.left--;
  ctx.reasons.push(`create pod ${target.cluster}/${target.namespace}/${name} for ${node.name}`);
  return node;
}

/** Creates or advances a Pod node. */
export function executePod(ctx: ExecContext, existing: NodeStatus | undefined, req: PodRequest): NodeStatus {
  let cached: Template | undefined;
  const located = withArchiveLocation(ctx, req.template);
  const resolved = (): Template => (cached ??= substituteDeep(located.template, req.scope));
  let node = existing;
  if (!node) {
    const started = startPodNode(ctx, req);
    if (!started.placed) return started.node;
    node = started.node;
  }
  if (isFulfilled(node)) return node;
  const observed = ctx.podsByNodeId.get(node.id);
  const stopped = stopForShutdown(ctx, node, observed);
  if (stopped) return stopped;
  const timed = timeoutsOf(req.template, req.scope);
  const timedOut = timed && checkTemplateTimeouts(ctx, node, timed, observed);
  if (timedOut) return timedOut;
  const step = stepOf(ctx, req, node);
  if (observed) return advanceFromPod(ctx, node, req, observed, step, resolved);
  if (step) {
    const placed = node.awaitingCluster ? placeAwaitingNode(ctx, node, step) : !failoverUnreachable(ctx, node, step);
    if (!placed) return ctx.nodes[node.id] as NodeStatus;
    node = ctx.nodes[node.id] as NodeStatus;
  }
  const target = recordedTarget(ctx, node);
  // Its place could not be listed, or its create just failed for now: wait, or end as decided there.
  const held = holdNode(ctx, node, target);
  if (held) return held;
  if (node.phase === 'Running') {
    if (node.daemoned) delete mutableNode(ctx, node.id).daemoned;
    return markPhase(ctx, node.id, 'Error', 'pod deleted');
  }
  if (ctx.createBudget && ctx.createBudget.left <= 0) {
    // Past this reconcile's pod-create cap: neither checked nor built now; the next decide comes to it.
    ctx.createBudget.deferred++;
    return node;
  }
  // Checked on every create (not only when the node is created), against the recorded place.
  const reason = ctx.checkPlacement?.({ ...target, workflowNamespace: ctx.wfNamespace });
  if (reason) return markPhase(ctx, node.id, 'Error', reason);
  const name = podName(ctx.wfName, node.name, req.templateName, ctx.podNameFormat);
  const unrunnable = podsOnlyReason(ctx, resolved(), target) ?? located.error;
  if (unrunnable) return markPhase(ctx, node.id, 'Error', unrunnable);
  let built = resolved();
  if (built.resource) {
    const place = resourcePlace(ctx, target);
    const problem = resourcePlacementProblem(built, place);
    if (problem) return markPhase(ctx, node.id, 'Error', problem);
    built = withOwnerReference(built, place);
  }
  return emitCreatePod(ctx, node, built, name, target, timed, req.callerScope);
}
