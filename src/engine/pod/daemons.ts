/**
 * Daemon templates (`daemon: true`), as Argo's controller runs them (workflow/controller/operator.go
 * `assessNodeStatus`; exec_control.go `killDaemonedChildren`; NodeStatus.Fulfilled): once its pod runs
 * with every container ready the node is Running and `daemoned`, which counts as done for whatever waits
 * on it, and records the pod's IP for `{{steps.x.ip}}`/`{{tasks.x.ip}}`. When the steps/DAG node that
 * started it is fulfilled (or the workflow ends), the daemon is stopped and its node Succeeds. Argo stops
 * the containers through pods/exec; Argosy deletes the pod, in the pod's own cluster (it holds no exec
 * rights anywhere). A daemon's pod that ends by itself fails its node (Succeeded → Failed, as Argo).
 */
import type { ExecContext } from '../context.ts';
import { isDone, markPhase, mutableNode } from '../context.ts';
import type { ObservedPod } from '../contract.ts';
import type { NodeStatus } from '../types.ts';
import type { PodAssessment } from './assess-pod.ts';

/** Daemoned node IDs per decide, found once (scopes end on every decide; scanning all nodes each time would not scale). */
const DAEMONED = new WeakMap<ExecContext, Set<string>>();

function daemonedIds(ctx: ExecContext): Set<string> {
  let ids = DAEMONED.get(ctx);
  if (!ids) {
    ids = new Set(Object.values(ctx.nodes).flatMap((n) => (n.daemoned === true ? [n.id] : [])));
    DAEMONED.set(ctx, ids);
  }
  return ids;
}

/** Marks a node daemoned (a Retry node whose attempt is, too). */
export function setDaemoned(ctx: ExecContext, id: string): void {
  mutableNode(ctx, id).daemoned = true;
  daemonedIds(ctx).add(id);
}

/** True when the pod runs and every container reports ready. */
function isReady(observed: ObservedPod): boolean {
  const s = observed.pod.status;
  const all = s?.containerStatuses ?? [];
  return s?.phase === 'Running' && all.length > 0 && all.every((c) => c.ready === true);
}

/**
 * The node of a daemon whose pod runs ready: Running, daemoned, its IP; the message names the cluster and
 * namespace when they are not the workflow's (the IP is reachable only where that pod network is).
 */
export function assessDaemon(ctx: ExecContext, observed: ObservedPod): PodAssessment | undefined {
  if (!isReady(observed)) return undefined;
  const podIP = (observed.pod.status as { podIP?: string } | undefined)?.podIP;
  const remote = observed.cluster !== ctx.controller.clusterName || observed.namespace !== ctx.wfNamespace;
  const message = remote
    ? `daemon running in cluster "${observed.cluster}" namespace "${observed.namespace}"` +
      (podIP ? ` at ${podIP} (reachable only where that cluster's pod network is)` : '')
    : '';
  const a: PodAssessment = { phase: 'Running', message };
  if (podIP) a.podIP = podIP;
  if (observed.pod.spec.nodeName) a.hostNodeName = observed.pod.spec.nodeName;
  return a;
}

/** Records a daemon's assessment: Running, daemoned, its IP (unchanged nodes are left alone). */
export function markDaemoned(ctx: ExecContext, node: NodeStatus, a: PodAssessment): NodeStatus {
  if (node.daemoned && node.phase === 'Running' && node.podIP === a.podIP && (node.message ?? '') === a.message)
    return node;
  setDaemoned(ctx, node.id);
  const n = mutableNode(ctx, node.id);
  if (a.podIP) n.podIP = a.podIP;
  if (a.hostNodeName) n.hostNodeName = a.hostNodeName;
  return markPhase(ctx, node.id, 'Running', a.message);
}

/**
 * A daemon's node while its pod runs: daemoned once every container is ready, and then left alone (Argo
 * does not look at a fulfilled daemon again); until then it waits, saying for what.
 */
export function advanceDaemon(ctx: ExecContext, node: NodeStatus, observed: ObservedPod): NodeStatus {
  if (isDone(node)) return node;
  const a = assessDaemon(ctx, observed);
  if (a) {
    markDaemoned(ctx, node, a);
    // A top-level daemon (the entrypoint) is done, so the workflow would end: Argo's `markWorkflowPhase`
    // kills it first (`killDaemonedChildren("")`).
    if (node.boundaryID === undefined) stopDaemons(ctx, undefined);
    return ctx.nodes[node.id] as NodeStatus;
  }
  const unready = (observed.pod.status?.containerStatuses ?? []).filter((c) => c.ready !== true).map((c) => c.name);
  const message = `daemon pod running; waiting for its containers to be ready: [${unready.join(' ')}]`;
  return node.message === message ? node : markPhase(ctx, node.id, node.phase ?? 'Pending', message);
}

/** A daemon's pod that ended by itself: Succeeded fails the node (daemons should run until stopped), as Argo. */
export function endDaemon(node: NodeStatus, a: PodAssessment): void {
  if (a.phase === 'Succeeded') a.phase = 'Failed';
}

/** Stops one daemoned node: its pod is deleted where it runs, the node Succeeds and is no longer daemoned. */
function stopDaemon(ctx: ExecContext, node: NodeStatus, reason: string): void {
  const observed = ctx.podsByNodeId.get(node.id);
  const name = observed?.pod.metadata.name;
  if (observed && name && !observed.pod.metadata.deletionTimestamp)
    ctx.actions.push({ kind: 'DeletePod', cluster: observed.cluster, namespace: observed.namespace, name, reason });
  delete mutableNode(ctx, node.id).daemoned;
  daemonedIds(ctx).delete(node.id);
  markPhase(ctx, node.id, 'Succeeded');
}

/**
 * Stops the daemons of a scope: those whose boundary is `boundaryId` (a steps/DAG node that is fulfilled),
 * or, for undefined, the top-level ones (a daemon entrypoint, when the workflow would end: Argo's
 * `killDaemonedChildren("")` in `markWorkflowPhase`).
 */
export function stopDaemons(ctx: ExecContext, boundaryId: string | undefined): void {
  for (const id of [...daemonedIds(ctx)]) {
    const node = ctx.nodes[id];
    if (!node || node.daemoned !== true) continue;
    if (node.boundaryID !== boundaryId) continue;
    stopDaemon(ctx, node, boundaryId === undefined ? 'workflow ended' : 'daemon scope ended');
  }
}
