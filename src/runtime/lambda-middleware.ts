/**
 * The middy middlewares every Argosy function runs (src/runtime/lambda.ts assembles them; ADR 0010):
 * request-scoped log fields, one structured line for an invocation that throws, and an optional
 * metrics flush. Handlers stay plain `(event, context) => result` functions that local mode's
 * pollers call directly; what only a Lambda invocation has (its request id, cold start, the end of
 * an invocation) lives here.
 */
import type middy from '@middy/core';
import type { Context } from 'aws-lambda';
import type { LogScope, Logger, LogSink } from '../logger.ts';
import type { RuntimeCounters } from './deps.ts';

type Middleware = middy.MiddlewareObj<unknown, unknown, Error, Context>;

/**
 * Puts `requestId` and `coldStart` (true for the first invocation of this process) on every log
 * line written during the invocation, and removes them after it.
 */
export function requestLogContext(scope: LogScope): Middleware {
  let coldStart = true;
  const clear = () => {
    scope.fields = {};
  };
  return {
    before: (request) => {
      scope.fields = { requestId: request.context.awsRequestId, coldStart };
      coldStart = false;
    },
    after: clear,
    onError: clear,
  };
}

/**
 * Logs an invocation that throws (a cold start that cannot build its dependencies, an unexpected
 * bug) as one redacted structured line with the request id, then lets the error fail the invocation
 * as before: SQS redelivers the whole batch, which is right when nothing could be processed.
 */
export function logInvocationErrors(logger: Logger): Middleware {
  return {
    onError: (request) => {
      logger.error('invocation failed', { error: request.error });
    },
  };
}

/** Which counters become metrics (CloudWatch names) and from which field. */
const METRICS: Array<[name: string, field: keyof RuntimeCounters]> = [
  ['ReconcileRecords', 'reconcileRecords'],
  ['Reconciles', 'reconciles'],
  ['Writes', 'writes'],
  ['Conflicts', 'conflicts'],
  ['NudgesPublished', 'nudgesPublished'],
];

/**
 * After each invocation, prints what it did (the counters' growth since the last flush) as one
 * CloudWatch Embedded Metric Format line: CloudWatch extracts the metrics from the log, so no
 * PutMetricData call (and no IAM permission) is needed. `counters` is read lazily because the
 * functions build their dependencies on the first invocation.
 */
export function flushMetrics(
  fn: string,
  counters: () => RuntimeCounters | undefined,
  sink: LogSink,
  now: () => Date = () => new Date(),
): Middleware {
  const last = new Map<keyof RuntimeCounters, number>();
  const flush = () => {
    const c = counters();
    if (!c) return;
    const values: Record<string, number> = {};
    for (const [name, field] of METRICS) {
      values[name] = c[field] - (last.get(field) ?? 0);
      last.set(field, c[field]);
    }
    const _aws = {
      Timestamp: now().getTime(),
      CloudWatchMetrics: [
        {
          Namespace: 'Argosy',
          Dimensions: [['function']],
          Metrics: METRICS.map(([Name]) => ({ Name, Unit: 'Count' })),
        },
      ],
    };
    sink(JSON.stringify({ _aws, function: fn, ...values }));
  };
  return { after: flush, onError: flush };
}
