import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { SQSRecord } from 'aws-lambda';
import { KubeApiError } from '../../../src/adapters/kube/errors.ts';
import { silentLogger } from '../../../src/logger.ts';
import type { ClusterRegistry, KubeClient, KubeRequest } from '../../../src/ports/kube.ts';
import { makeReconcileHandler, type ReconcileHandlerDeps } from '../../../src/runtime/reconcile-handler.ts';
import { budgetedClient } from '../../../src/runtime/time-budget.ts';

function record(id: string, workflow: string): SQSRecord {
  return {
    messageId: id,
    receiptHandle: id,
    body: JSON.stringify({ v: 1, namespace: 'argo', workflow, source: 'cli' }),
    attributes: {
      ApproximateReceiveCount: '1',
      SentTimestamp: '0',
      SenderId: 's',
      ApproximateFirstReceiveTimestamp: '0',
      MessageGroupId: `argo/${workflow}`,
    },
    messageAttributes: {},
    md5OfBody: '',
    eventSource: 'aws:sqs',
    eventSourceARN: 'arn:aws:sqs:us-east-1:000000000000:q.fifo',
    awsRegion: 'us-east-1',
  };
}

describe('reconcile time budget', () => {
  test('a group stuck on a slow cluster fails alone, before the Lambda timeout; later calls of it fail at once', async () => {
    const requests: string[] = [];
    let releaseSlow: () => void = () => {};
    const slowDone = new Promise<void>((r) => (releaseSlow = r));
    // The main cluster answers "gone" for every workflow except `slow`, whose GET hangs until released.
    const main: KubeClient = {
      cluster: 'main',
      async request<T>(req: KubeRequest): Promise<T> {
        requests.push(`${req.method} ${req.path}`);
        if (req.path.endsWith('/slow')) await slowDone;
        throw new KubeApiError({
          statusCode: 404,
          reason: 'NotFound',
          message: 'gone',
          cluster: 'main',
          verb: 'GET',
          path: req.path,
        });
      },
      stream: () => Promise.resolve(),
      watch: () => Promise.resolve(),
    };
    const registry: ClusterRegistry = {
      mainCluster: 'main',
      mainClient: () => main,
      clientFor: () => Promise.resolve(main),
      targets: () => Promise.resolve([]),
      describeTarget: () => ({ key: 'main.' }),
      clusterFacts: async () => [{ name: 'main', labels: {} }],
      refresh: () => Promise.resolve(),
    };
    const failedBackoff: string[] = [];
    const deps = {
      registry,
      decide: () => {
        throw new Error('not reached');
      },
      publisher: { publish: async () => {}, publishAfter: async () => {} },
      controller: { clusterName: 'main', podNameFormat: 'v2' },
      logger: silentLogger,
      now: () => new Date(),
      statusSubresource: () => Promise.resolve(false),
      safetyMarginMs: 10_000,
      onFailedRecords: async (rs: SQSRecord[]) => void failedBackoff.push(...rs.map((r) => r.messageId)),
    } as unknown as ReconcileHandlerDeps;
    const handler = makeReconcileHandler(deps);
    // 150 ms left before the margin: the Lambda would be killed soon after.
    const started = Date.now();
    const context = { getRemainingTimeInMillis: () => 10_150 - (Date.now() - started) };
    const res = await handler(
      { Records: [record('a', 'fast-1'), record('b', 'slow'), record('c', 'fast-2')] },
      context,
    );
    assert.deepEqual(res.batchItemFailures, [{ itemIdentifier: 'b' }]);
    assert.deepEqual(failedBackoff, ['b']);
    const before = requests.length;
    releaseSlow();
    await new Promise((r) => setTimeout(r, 20));
    // The abandoned reconcile got its 404 and stopped: no further call was made for it.
    assert.equal(requests.length, before);
  });

  test('past the deadline a budgeted client fails without calling the cluster', async () => {
    let calls = 0;
    const inner = {
      cluster: 'other',
      request: async () => (calls++, {}),
      stream: async () => {},
      watch: async () => {},
    } as unknown as KubeClient;
    const ac = new AbortController();
    const client = budgetedClient(inner, ac.signal, () => new Error('out of time'));
    await client.request({ method: 'GET', path: '/api/v1/pods' });
    ac.abort();
    await assert.rejects(client.request({ method: 'GET', path: '/api/v1/pods' }), /out of time/);
    assert.equal(calls, 1);
  });
});
