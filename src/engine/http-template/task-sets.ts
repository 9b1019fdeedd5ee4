/**
 * The places that run HTTP nodes, for one decide (Argo's `taskSetReconciliation`): what their task sets
 * and agent pods look like (from the snapshot), what the previous apply could not do there, which
 * tasks the walk handed out, and, after the walk, the task-set writes and agent pods that follow.
 * - A refused task-set write or agent pod create ends the place's waiting HTTP nodes Error (Argo's
 *   `create agent pod failed with reason:"…"`); one that failed for now makes them wait like a pod
 *   create (engine/effects.ts).
 * - A failed agent pod ends them Error (Argo's `agent pod failed with reason:"…"`).
 * - Tasks of nodes whose end is already stored are removed from the task set (spec and status).
 */
import type { EffectResult, ObservedPod, ObservedTaskSet, Snapshot, WorkflowTaskSet } from '../contract.ts';
import type { ExecContext } from '../context.ts';
import { isFulfilled, markPhase } from '../context.ts';
import type { NodeStatus, Template } from '../types.ts';
import { agentNodeId, agentPod, isAgentPod, taskSetFor } from './agent.ts';
import type { AgentPlace, HttpState } from './state.ts';

export type { HttpState };

const keyOf = (p: AgentPlace) => `${p.cluster}/${p.namespace}`;

type Result = NonNullable<NonNullable<WorkflowTaskSet['status']>['nodes']>[string];

/** The agent's result for a node, once it has one. */
export function resultOf(ctx: ExecContext, place: AgentPlace, id: string): Result | undefined {
  const r = ctx.http?.taskSets.get(keyOf(place))?.taskSet.status?.nodes?.[id];
  return r?.phase ? r : undefined;
}

/** Hands a node's task to its place's agent. */
export function addTask(ctx: ExecContext, place: AgentPlace, id: string, task: Template): void {
  const http = (ctx.http ??= { taskSets: new Map(), agents: new Map(), pending: new Map() });
  const key = keyOf(place);
  let entry = http.pending.get(key);
  if (!entry) http.pending.set(key, (entry = { place, tasks: {} }));
  entry.tasks[id] = task;
}

/** The unfinished HTTP nodes of a place. */
function waitingIn(ctx: ExecContext, place: AgentPlace): NodeStatus[] {
  const out: NodeStatus[] = [];
  for (const id in ctx.nodes) {
    const n = ctx.nodes[id] as NodeStatus;
    if (n.type !== 'HTTP' || isFulfilled(n)) continue;
    const cluster = n.clusterName || ctx.controller.clusterName;
    const namespace = n.namespace || ctx.wfNamespace;
    if (cluster === place.cluster && namespace === place.namespace) out.push(n);
  }
  return out;
}

function refusedMessage(r: EffectResult, wfName: string): string {
  const where = `${r.cluster}/${r.namespace}`;
  if (r.kind === 'CreatePod') return `create agent pod failed with reason:"${r.outcome.message}" (in ${where})`;
  const crd =
    r.outcome.kind === 'rejected' && r.outcome.statusCode === 404
      ? '; install the WorkflowTaskSet CRD (infra/crds) and infra/k8s/workflow-rbac there'
      : '';
  return `failed to create or patch WorkflowTaskSet ${where}/${wfName}: ${r.outcome.message}${crd}`;
}

/** What the previous apply could not do for the agents, applied to their places' waiting nodes. */
function agentEffects(ctx: ExecContext, snapshot: Snapshot): void {
  const id = agentNodeId(ctx.wfName);
  for (const r of snapshot.effects ?? []) {
    if (!('nodeId' in r) || r.nodeId !== id) continue;
    for (const n of waitingIn(ctx, r)) {
      if (r.outcome.kind === 'rejected') markPhase(ctx, n.id, 'Error', refusedMessage(r, ctx.wfName));
      else {
        ctx.effects ??= { transient: new Map(), unobserved: new Map(), retries: {}, next: {} };
        ctx.effects.transient.set(n.id, r.outcome);
      }
    }
  }
}

/**
 * Why a running agent is not working now (a container waiting in CrashLoopBackOff or ErrImagePull,
 * with its last exit message), shown on the nodes it keeps waiting: never Pending without a reason.
 */
function agentTrouble(observed: ObservedPod): string | undefined {
  const statuses = [
    ...(observed.pod.status?.initContainerStatuses ?? []),
    ...(observed.pod.status?.containerStatuses ?? []),
  ];
  for (const c of statuses) {
    const waiting = c.state?.waiting;
    if (!waiting?.reason || waiting.reason === 'ContainerCreating' || waiting.reason === 'PodInitializing') continue;
    const last = (c as { lastState?: { terminated?: { message?: string } } }).lastState?.terminated?.message;
    const why = last ?? waiting.message;
    return `agent pod ${observed.pod.metadata.name ?? ''} ${c.name}: ${waiting.reason}${why ? `: ${why}` : ''}`;
  }
  return undefined;
}

/**
 * An agent that ended (its task set was deleted or completed) while nodes of its place still wait is
 * deleted, and the next decide creates a new one; the nodes say so meanwhile (Argo would wait forever).
 */
function replaceEnded(ctx: ExecContext, observed: ObservedPod, waiting: NodeStatus[]): void {
  const name = observed.pod.metadata.name ?? '';
  const message = `agent pod ${name} ended before reporting this node; replacing it`;
  if (!observed.pod.metadata.deletionTimestamp)
    ctx.actions.push({
      kind: 'DeletePod',
      cluster: observed.cluster,
      namespace: observed.namespace,
      name,
      reason: message,
    });
  for (const n of waiting) if (n.message !== message) markPhase(ctx, n.id, n.phase ?? 'Pending', message);
}

/** A failed agent pod ends its place's waiting nodes (Argo's `updateAgentPodStatus`); trouble is shown. */
function agentFailures(ctx: ExecContext, http: HttpState): void {
  for (const observed of http.agents.values()) {
    const status = observed.pod.status;
    const waiting = waitingIn(ctx, observed);
    const trouble = agentTrouble(observed);
    if (trouble)
      for (const n of waiting) if (n.message !== trouble) markPhase(ctx, n.id, n.phase ?? 'Pending', trouble);
    if (status?.phase === 'Succeeded' && waiting.length > 0) replaceEnded(ctx, observed, waiting);
    if (status?.phase !== 'Failed') continue;
    const message = `agent pod failed with reason:"${status.message ?? status.reason ?? ''}"`;
    for (const n of waiting) markPhase(ctx, n.id, 'Error', message);
  }
}

/** Sets up the decide's HTTP state from the snapshot; call after prepareEffects, before the walk. */
export function prepareHttp(ctx: ExecContext, snapshot: Snapshot): void {
  const agents = new Map<string, ObservedPod>();
  for (const p of snapshot.pods) if (isAgentPod(p.pod)) agents.set(keyOf(p), p);
  const taskSets = new Map((snapshot.taskSets ?? []).map((t) => [keyOf(t), t]));
  if (agents.size === 0 && taskSets.size === 0 && !(snapshot.effects ?? []).length) return;
  ctx.http = { taskSets, agents, pending: new Map() };
  agentEffects(ctx, snapshot);
  agentFailures(ctx, ctx.http);
}

/** Task IDs in a task set whose node's end is already stored (safe to drop: it was copied). */
function removable(ctx: ExecContext, observed: ObservedTaskSet | undefined): string[] {
  const ts = observed?.taskSet;
  const stored = ctx.wf.status?.nodes ?? {};
  const ids = new Set([...Object.keys(ts?.spec?.tasks ?? {}), ...Object.keys(ts?.status?.nodes ?? {})]);
  return [...ids].filter((id) => isFulfilled(stored[id]));
}

/** After the walk: the task-set writes and agent pods the handed-out tasks need. */
export function planHttp(ctx: ExecContext): void {
  const http = ctx.http;
  if (!http) return;
  const nodeId = agentNodeId(ctx.wfName);
  const places = new Map([...http.taskSets].map(([k, t]) => [k, { cluster: t.cluster, namespace: t.namespace }]));
  for (const [k, p] of http.pending) places.set(k, p.place);
  for (const [key, place] of places) {
    const observed = http.taskSets.get(key);
    const have = observed?.taskSet.spec?.tasks ?? {};
    const tasks = Object.fromEntries(Object.entries(http.pending.get(key)?.tasks ?? {}).filter(([id]) => !have[id]));
    const remove = removable(ctx, observed);
    if (Object.keys(tasks).length > 0 || remove.length > 0)
      ctx.actions.push({ kind: 'ApplyTaskSet', ...place, nodeId, taskSet: taskSetFor(ctx, place, tasks), remove });
    if (http.pending.has(key) && !http.agents.has(key)) {
      ctx.actions.push({ kind: 'CreatePod', ...place, nodeId, pod: agentPod(ctx, place) });
      ctx.reasons.push(`create agent pod in ${key}`);
    }
  }
}
