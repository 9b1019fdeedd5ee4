/**
 * The Retry executor: a `Retry` node with the logical node's name whose children are the
 * attempts `<name>(0)`, `<name>(1)`, … (`nodeFlag.retried`). Each attempt runs the template with
 * `{{retries}}`, `{{lastRetry.*}}` and `{{pod.name}}` of that attempt; pods go wherever the template
 * says (any cluster/namespace). The Retry node takes its last attempt's outputs when it finishes.
 */
import type { ExecContext } from '../context.ts';
import {
  addChild,
  idOf,
  initNode,
  isDone,
  isFulfilled,
  markPhase,
  mutableNode,
  setNodeInputs,
  wakeAt,
} from '../context.ts';
import { setDaemoned } from '../pod/daemons.ts';
import type { NodeStatus, RetryStrategy } from '../types.ts';
import { chainResolvers, mapResolver, substituteDeep } from '../substitute.ts';
import { podName } from '../names.ts';
import { templateType } from '../template-types.ts';
import { workflowDeadline } from '../pod/build-pod.ts';
import { dispatchTemplate } from '../dispatch-template.ts';
import type { Dispatch } from '../dispatch.ts';
import { isWorkflowParallelismReached, noteNewNode } from '../parallelism.ts';
import { attemptsOf, processRetry, retryVariables, type RetryVerdict } from './process-retry.ts';

/** Attempts started within one decide when they finish immediately (Argo bounds this by stack depth). */
const MAX_ATTEMPTS_PER_DECIDE = 10;

function newRetryNode(ctx: ExecContext, d: Dispatch): NodeStatus {
  const node = initNode(ctx, {
    name: d.nodeName,
    type: 'Retry',
    boundaryID: d.boundaryID,
    templateName: d.templateName,
    phase: 'Running',
  });
  setNodeInputs(node, d.inputs, d.template.inputs?.artifacts);
  // Argo flags the attempts through the same NodeFlag object the Retry node was created with, so a
  // hooked Retry node is also marked retried.
  if (d.nodeFlag?.hooked) node.nodeFlag = { hooked: true, retried: true };
  return node;
}

function verdictOf(ctx: ExecContext, retry: NodeStatus, s: RetryStrategy): RetryVerdict | string {
  try {
    return processRetry(ctx, retry, s, workflowDeadline(ctx));
  } catch (e) {
    return (e as Error).message;
  }
}

function finishRetry(ctx: ExecContext, retry: NodeStatus, phase: NodeStatus['phase'], message: string): NodeStatus {
  const last = attemptsOf(ctx, retry).at(-1);
  const node = mutableNode(ctx, retry.id);
  if (last?.outputs) node.outputs = last.outputs;
  else delete node.outputs;
  return markPhase(ctx, retry.id, phase ?? 'Error', message);
}

/** Runs the next (or current) attempt of a Retry node. */
function runAttempt(ctx: ExecContext, retry: NodeStatus, d: Dispatch): NodeStatus | undefined {
  const attempts = attemptsOf(ctx, retry);
  const last = attempts.at(-1);
  const current = last && !isFulfilled(last) ? last : undefined;
  if (!current && isWorkflowParallelismReached(ctx)) return undefined;
  const n = current ? attempts.length - 1 : attempts.length;
  const name = current ? current.name : `${d.nodeName}(${n})`;
  const vars = retryVariables(last, n, '0');
  if (templateType(d.template)?.runsPod)
    vars['pod.name'] = podName(ctx.wfName, name, d.templateName, ctx.podNameFormat);
  if (!current) addChild(ctx, retry.id, idOf(ctx, name));
  const attempt = dispatchTemplate(ctx, current, {
    ...d,
    nodeName: name,
    scope: chainResolvers(mapResolver(vars), d.scope),
    nodeFlag: { ...(d.nodeFlag ?? {}), retried: true },
  });
  if (!current) noteNewNode(ctx, attempt);
  return attempt;
}

/**
 * A Retry node whose running attempt is daemoned is Running and daemoned too (Argo's
 * `processNodeRetries`), so its followers start; Argosy also gives it the attempt's IP, which Argo's
 * scope reads from the last attempt, so `{{steps.x.ip}}` reads it from the node the step names.
 */
function followDaemon(ctx: ExecContext, retryId: string): void {
  const retry = ctx.nodes[retryId] as NodeStatus;
  const last = attemptsOf(ctx, retry).at(-1);
  if (isFulfilled(retry) || !last || isFulfilled(last) || !isDone(last)) return;
  if (retry.daemoned && retry.phase === last.phase && retry.podIP === last.podIP) return;
  setDaemoned(ctx, retryId);
  if (last.podIP) mutableNode(ctx, retryId).podIP = last.podIP;
  markPhase(ctx, retryId, last.phase ?? 'Running');
}

/** Creates or advances the Retry node of `d` under `strategy` (as written; substituted here). */
export function executeRetry(
  ctx: ExecContext,
  existing: NodeStatus | undefined,
  d: Dispatch,
  strategy: RetryStrategy,
): NodeStatus {
  const retryId = (existing ?? newRetryNode(ctx, d)).id;
  const s = substituteDeep(strategy, d.scope);
  for (let round = 0; round < MAX_ATTEMPTS_PER_DECIDE; round++) {
    const retry = ctx.nodes[retryId] as NodeStatus;
    if (isFulfilled(retry)) return retry;
    const verdict = verdictOf(ctx, retry, s);
    if (typeof verdict === 'string') return markPhase(ctx, retryId, 'Error', verdict);
    if (verdict.kind === 'done') return finishRetry(ctx, retry, verdict.phase, verdict.message);
    if (verdict.kind === 'wait') {
      wakeAt(ctx, verdict.untilMs);
      return markPhase(ctx, retryId, retry.phase ?? 'Running', verdict.message);
    }
    if (s.backoff && retry.message) markPhase(ctx, retryId, retry.phase ?? 'Running', '');
    const attempt = runAttempt(ctx, retry, d);
    if (!attempt || !isFulfilled(attempt)) break;
  }
  followDaemon(ctx, retryId);
  return ctx.nodes[retryId] as NodeStatus;
}
