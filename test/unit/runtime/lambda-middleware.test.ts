// The functions' middy middlewares with the real @middy/core: request-scoped log fields, a thrown
// invocation logged once (redacted) and still failing, and the EMF metrics line.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import middy from '@middy/core';
import type { Context } from 'aws-lambda';
import { createLogger, type LogScope } from '../../../src/logger.ts';
import type { RuntimeCounters } from '../../../src/runtime/deps.ts';
import { flushMetrics, logInvocationErrors, requestLogContext } from '../../../src/runtime/lambda-middleware.ts';

const ctx = (id: string) => ({ awsRequestId: id, getRemainingTimeInMillis: () => 60_000 }) as unknown as Context;

function setup() {
  const lines: Record<string, unknown>[] = [];
  const scope: LogScope = { fields: {} };
  const logger = createLogger({ sink: (l) => lines.push(JSON.parse(l)), scope, fields: { fn: 't' } });
  return { lines, scope, logger };
}

describe('requestLogContext', () => {
  test('lines during an invocation carry its request id and whether it was the cold start', async () => {
    const { lines, scope, logger } = setup();
    const child = logger.child({ workflow: 'w' });
    const handler = middy()
      .use(requestLogContext(scope))
      .handler(async () => child.info('inside'));
    await handler({}, ctx('req-1'));
    await handler({}, ctx('req-2'));
    logger.info('between invocations');
    assert.deepEqual(
      lines.map((l) => [l.message, l.requestId, l.coldStart, l.workflow]),
      [
        ['inside', 'req-1', true, 'w'],
        ['inside', 'req-2', false, 'w'],
        ['between invocations', undefined, undefined, undefined],
      ],
    );
  });
});

describe('logInvocationErrors', () => {
  test('a thrown invocation is logged once with its request id, redacted, and still fails', async () => {
    const { lines, scope, logger } = setup();
    const handler = middy()
      .use(requestLogContext(scope))
      .use(logInvocationErrors(logger))
      .handler(async () => {
        throw new Error('cluster unreachable with Bearer abcdefghijklmnop');
      });
    await assert.rejects(handler({}, ctx('req-9')), /cluster unreachable/);
    assert.equal(lines.length, 1);
    assert.equal(lines[0]!.message, 'invocation failed');
    assert.equal(lines[0]!.requestId, 'req-9');
    assert.match(JSON.stringify(lines[0]!.error), /cluster unreachable with \[REDACTED\]/);
    assert.deepEqual(scope.fields, {});
  });
});

describe('flushMetrics', () => {
  test('each invocation prints the counters’ growth as one EMF line', async () => {
    const counters = {
      reconcileRecords: 0,
      reconciles: 0,
      writes: 0,
      conflicts: 0,
      nudgesPublished: 0,
    } as RuntimeCounters;
    const out: string[] = [];
    let ready = false;
    const handler = middy()
      .use(
        flushMetrics(
          'reconcile',
          () => (ready ? counters : undefined),
          (l) => out.push(l),
          () => new Date(1000),
        ),
      )
      .handler(async (event: unknown) => {
        const n = event as number;
        ready = true;
        counters.reconcileRecords += n;
        counters.reconciles += n;
        counters.writes += 2 * n;
        if (n === 0) throw new Error('boom');
      });
    await handler(3, ctx('a'));
    await handler(1, ctx('b'));
    await assert.rejects(handler(0, ctx('c')), /boom/);
    const lines = out.map((l) => JSON.parse(l));
    assert.equal(lines.length, 3);
    assert.deepEqual(lines[0]._aws, {
      Timestamp: 1000,
      CloudWatchMetrics: [
        {
          Namespace: 'Argosy',
          Dimensions: [['function']],
          Metrics: ['ReconcileRecords', 'Reconciles', 'Writes', 'Conflicts', 'NudgesPublished'].map((Name) => ({
            Name,
            Unit: 'Count',
          })),
        },
      ],
    });
    assert.deepEqual(
      lines.map((l) => [l.function, l.ReconcileRecords, l.Reconciles, l.Writes, l.Conflicts]),
      [
        ['reconcile', 3, 3, 6, 0],
        ['reconcile', 1, 1, 2, 0],
        ['reconcile', 0, 0, 0, 0],
      ],
    );
  });

  test('nothing is printed before the dependencies exist', async () => {
    const out: string[] = [];
    const handler = middy()
      .use(
        flushMetrics(
          'resync',
          () => undefined,
          (l) => out.push(l),
        ),
      )
      .handler(async () => 'ok');
    await handler({}, ctx('a'));
    assert.deepEqual(out, []);
  });
});
