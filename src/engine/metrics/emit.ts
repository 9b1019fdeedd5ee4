/**
 * When Argo computes custom metrics (workflow/controller/operator.go executeTemplate, handleNodeFulfilled,
 * the retry branch, operate): a template's realtime gauges when its node is created, all its metrics when
 * the node becomes fulfilled (once: compared with the status stored before this decide), each finished
 * retry attempt but the last one, and the workflow's metrics when it finishes. The samples go to the
 * Decision; the runtime emits them only after the status that records these transitions is written.
 */
import { isFulfilled, type ExecContext } from '../context.ts';
import type { MetricSample } from '../contract.ts';
import type { Condition, NodeStatus, Template, WorkflowStatus } from '../types.ts';
import { computeMetrics, defaultScope, nodeScope, secondsBetween } from './compute.ts';
import { metricsOf } from './spec.ts';
import { mapResolver, chainResolvers } from '../substitute.ts';

/** Argo's condition type for metric emission errors. */
export const CONDITION_METRICS_ERROR = 'MetricsError';

/** The node as stored before this decide (what "just created" and "just fulfilled" are judged against). */
function before(ctx: ExecContext, id: string): NodeStatus | undefined {
  return ctx.wf.status?.nodes?.[id];
}

/** The metrics of a template's node after it was executed in this decide. */
export function nodeMetrics(ctx: ExecContext, t: Template, node: NodeStatus): void {
  const specs = metricsOf(t);
  const now = ctx.nodes[node.id];
  if (specs.length === 0 || !now) return;
  const prev = before(ctx, now.id);
  const done = isFulfilled(now);
  if (!prev) computeMetrics(ctx, specs, nodeScope(ctx, now, done), true);
  if (now.type === 'Retry') attemptMetrics(ctx, t, now, done && !(prev && isFulfilled(prev)));
  if (done && !(prev && isFulfilled(prev))) computeMetrics(ctx, specs, nodeScope(ctx, now, true), false);
}

/**
 * A node found fulfilled when the walk reached it (ended by the deadline, a shutdown …) that was not
 * fulfilled as stored: Argo's handleNodeFulfilled emits its metrics then.
 */
export function fulfilledNodeMetrics(ctx: ExecContext, t: Template, node: NodeStatus): void {
  const prev = before(ctx, node.id);
  if (prev && !isFulfilled(prev)) nodeMetrics(ctx, t, node);
}

/** Retry attempts that finished in this decide; the last one is the Retry node's own when it finished too. */
function attemptMetrics(ctx: ExecContext, t: Template, retry: NodeStatus, retryFinished: boolean): void {
  const children = retry.children ?? [];
  children.forEach((id, i) => {
    const child = ctx.nodes[id];
    const prev = before(ctx, id);
    if (!child || !isFulfilled(child) || (prev && isFulfilled(prev))) return;
    if (retryFinished && i === children.length - 1) return;
    computeMetrics(ctx, metricsOf(t), nodeScope(ctx, child, true), false);
  });
}

/**
 * The workflow's own metrics: realtime gauges when it starts, all of them when it finishes (scope: the
 * root node, `workflow.status`, and the final `workflow.duration`).
 */
export function workflowMetrics(
  ctx: ExecContext,
  stored: WorkflowStatus,
  status: WorkflowStatus,
  root: NodeStatus | undefined,
): void {
  const specs = metricsOf(ctx.wf.spec);
  if (specs.length === 0) return;
  const wasDone = isDone(stored.phase);
  if (isDone(status.phase) && !wasDone) {
    const scope = root ? nodeScope(ctx, root, isFulfilled(root)) : defaultScope(ctx);
    const duration = secondsBetween(status.startedAt, status.finishedAt);
    const final = { 'workflow.status': status.phase ?? '', 'workflow.duration': duration.toFixed(6) };
    scope.resolve = chainResolvers(mapResolver(final), scope.resolve);
    scope.realtime['workflow.duration'] = { value: duration };
    computeMetrics(ctx, specs, scope, false);
  } else if (status.phase === 'Running' && stored.phase !== 'Running') {
    computeMetrics(ctx, specs, defaultScopeFrom(ctx, status), true);
  }
}

function defaultScopeFrom(ctx: ExecContext, status: WorkflowStatus) {
  const scope = defaultScope(ctx);
  const started = status.startedAt ?? ctx.now;
  scope.realtime['workflow.duration'] = { value: secondsBetween(started, ctx.now), since: started };
  return scope;
}

function isDone(phase: string | undefined): boolean {
  return phase === 'Succeeded' || phase === 'Failed' || phase === 'Error';
}

/**
 * The decide's samples, and its emission errors on the status as Argo's `MetricsError` condition (one
 * condition, messages joined with ", " as UpsertConditionMessage does; a message already there is not
 * repeated).
 */
export function settleMetrics(ctx: ExecContext, status: WorkflowStatus): MetricSample[] | undefined {
  const m = ctx.metrics;
  if (!m) return undefined;
  if (m.errors.length > 0) {
    const conditions: Condition[] = [...(status.conditions ?? [])];
    const i = conditions.findIndex((c) => c.type === CONDITION_METRICS_ERROR);
    let message = i >= 0 ? (conditions[i]?.message ?? '') : '';
    for (const e of m.errors) if (!message.split(', ').includes(e)) message = message ? `${message}, ${e}` : e;
    const condition: Condition = { type: CONDITION_METRICS_ERROR, status: 'True', message };
    if (i >= 0) conditions[i] = condition;
    else conditions.push(condition);
    status.conditions = conditions;
  }
  return m.samples.length > 0 ? m.samples : undefined;
}
