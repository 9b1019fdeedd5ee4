/**
 * Argo's `processNodeRetries`: after an attempt finished, decide whether the Retry node is done
 * (and with which phase and message), must wait for a backoff, or may start another attempt.
 */
import type { ExecContext } from '../context.ts';
import { isFulfilled } from '../context.ts';
import type { NodePhase, NodeStatus, RetryStrategy } from '../types.ts';
import { goTimeString, humanizeDuration, parseArgoDuration } from './durations.ts';
import { evaluateRetryExpression } from './retry-expression.ts';

/** What to do with a Retry node. */
export type RetryVerdict =
  | { kind: 'continue' }
  | { kind: 'done'; phase: NodePhase; message: string }
  | { kind: 'wait'; untilMs: number; message: string };

/** A retryStrategy field that cannot be used (the Retry node errors with this message). */
export class RetryStrategyError extends Error {
  override name = 'RetryStrategyError';
}

/** The attempt nodes of a Retry node (hooked children are exit handlers, not attempts). */
export function attemptsOf(ctx: ExecContext, retry: NodeStatus): NodeStatus[] {
  const out: NodeStatus[] = [];
  for (const id of retry.children ?? []) {
    const n = ctx.nodes[id];
    if (n && !n.nodeFlag?.hooked) out.push(n);
  }
  return out;
}

/** Argo's `intstr.Int32`: ints as they are, strings through Atoi. */
export function intOrString(v: number | string | undefined, what: string): number | undefined {
  if (v === undefined || v === null) return undefined;
  if (typeof v === 'number') return Math.trunc(v);
  if (!/^[-+]?\d+$/.test(v.trim())) throw new RetryStrategyError(`value '${v}' cannot be resolved to an int (${what})`);
  return Number(v);
}

// Messages Argo treats as transient (util/errors isTransientNetworkErr and API throttling).
const TRANSIENT =
  /connection reset by peer|connection refused|connection closed by foreign host|i\/o timeout|TLS handshake timeout|http2: client connection lost|Client\.Timeout exceeded|net\/http: request canceled|etcdserver: leader changed|the server is currently unable to handle the request|Too many requests|exceeded quota|\bEOF\b/i;

function isTransientMessage(message: string | undefined): boolean {
  return TRANSIENT.test(message ?? '');
}

/** `{{retries}}` and `lastRetry.*` for an attempt number (Argo's executeTemplate locals). */
export function retryVariables(
  last: NodeStatus | undefined,
  attempt: number,
  exitDefault: string,
): Record<string, string> {
  const vars: Record<string, string> = {
    retries: String(attempt),
    'lastRetry.exitCode': exitDefault,
    'lastRetry.duration': '0',
    'lastRetry.status': '',
    'lastRetry.message': '',
  };
  if (last) {
    if (last.outputs?.exitCode !== undefined) vars['lastRetry.exitCode'] = last.outputs.exitCode;
    vars['lastRetry.status'] = last.phase ?? '';
    vars['lastRetry.duration'] = String(durationSeconds(last));
    vars['lastRetry.message'] = last.message ?? '';
  }
  return vars;
}

function durationSeconds(n: NodeStatus): number {
  if (!n.startedAt || !n.finishedAt) return 0;
  return (Date.parse(n.finishedAt) - Date.parse(n.startedAt)) / 1000;
}

function backoffVerdict(
  ctx: ExecContext,
  s: RetryStrategy,
  attempts: NodeStatus[],
  last: NodeStatus,
): RetryVerdict | undefined {
  const b = s.backoff;
  if (!b) return undefined;
  const now = ctx.nowDate.getTime();
  let maxDeadline: number | undefined;
  if (b.maxDuration !== undefined && b.maxDuration !== '') {
    maxDeadline = Date.parse(attempts[0]?.startedAt ?? ctx.now) + parseArgoDuration(b.maxDuration);
    if (now > maxDeadline)
      return { kind: 'done', phase: last.phase as NodePhase, message: 'Max duration limit exceeded' };
  }
  if (b.duration === undefined || b.duration === '')
    throw new RetryStrategyError('no base duration specified for retryStrategy');
  let wait = parseArgoDuration(b.duration);
  const factor = intOrString(b.factor as number | string | undefined, 'backoff.factor');
  if (factor !== undefined && factor > 0) wait = wait * Math.trunc(Math.pow(factor, attempts.length - 1));
  if (b.cap) wait = Math.min(wait, parseArgoDuration(b.cap));
  const until = Date.parse(last.finishedAt ?? ctx.now) + wait;
  if (maxDeadline !== undefined && until > maxDeadline)
    return { kind: 'done', phase: last.phase as NodePhase, message: 'Backoff would exceed max duration limit' };
  const limit = s.limit === undefined ? undefined : Number.parseInt(String(s.limit), 10) || 0;
  if (now < until && limit !== undefined && attempts.length <= limit)
    return { kind: 'wait', untilMs: until, message: `Backoff for ${humanizeDuration(wait)}` };
  return undefined;
}

/**
 * Decides the fate of Retry node `retry` under strategy `s` (already substituted).
 * Throws {@link RetryStrategyError} (and duration/expression errors) for unusable fields.
 */
export function processRetry(ctx: ExecContext, retry: NodeStatus, s: RetryStrategy, deadlineMs?: number): RetryVerdict {
  const attempts = attemptsOf(ctx, retry);
  const last = attempts[attempts.length - 1];
  if (!last || !isFulfilled(last)) return { kind: 'continue' };
  if (last.phase !== 'Failed' && last.phase !== 'Error') return { kind: 'done', phase: 'Succeeded', message: '' };
  const phase = last.phase;
  const shutdown = ctx.wf.spec.shutdown;
  if (shutdown) return { kind: 'done', phase, message: `Stopped with strategy '${shutdown}'` };
  if (ctx.deadlineExceeded && deadlineMs !== undefined)
    return { kind: 'done', phase, message: `retry exceeded workflow deadline ${goTimeString(deadlineMs)}` };
  const wait = backoffVerdict(ctx, s, attempts, last);
  if (wait) return wait;
  const policy = s.retryPolicy ?? (s.expression ? 'Always' : 'OnFailure');
  let onFailed = false;
  let onError = false;
  if (policy === 'Always') onFailed = onError = true;
  else if (policy === 'OnError') onError = true;
  else if (policy === 'OnFailure') onFailed = true;
  else if (policy === 'OnTransientError') onFailed = onError = isTransientMessage(last.message);
  else throw new RetryStrategyError(`${String(policy)} is not a valid RetryPolicy`);
  if ((phase === 'Failed' && !onFailed) || (phase === 'Error' && !onError))
    return { kind: 'done', phase, message: last.message ?? '' };
  const limit = intOrString(s.limit, 'limit');
  if (limit !== undefined && attempts.length > limit) return { kind: 'done', phase, message: 'No more retries left' };
  if (s.expression) {
    const vars = retryVariables(last, attempts.length - 1, '-1');
    if (!evaluateRetryExpression(s.expression, vars))
      return { kind: 'done', phase, message: 'retryStrategy.expression evaluated to false' };
  }
  return { kind: 'continue' };
}
