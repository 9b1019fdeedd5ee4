// FIFO de-duplication across watcher replicas, against the SQS protocol (fauxqs on loopback) rather
// than assumed: two publishers (two replicas, each with its own SQS client) that see the same change
// must send it with the same de-duplication id, so the queue keeps one message; a change with a new
// resourceVersion is a new message. The unit test in test/unit/adapters/aws/sqs-publisher.test.ts
// checks the id itself against a fixed vector.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { DeleteMessageCommand, ReceiveMessageCommand, type SQSClient } from '@aws-sdk/client-sqs';
import { startLocalQueues, type LocalQueues } from '../../../src/local/queue/sqs-server.ts';
import { createSqsPublisher } from '../../../src/adapters/aws/sqs-publisher.ts';
import { createSqsClient } from '../../../src/adapters/aws/sqs-client.ts';
import type { Nudge } from '../../../src/nudge.ts';

/** Everything on the queue now, each message received once and deleted. */
async function drain(client: SQSClient, queueUrl: string): Promise<string[]> {
  const bodies: string[] = [];
  for (;;) {
    const out = await client.send(
      new ReceiveMessageCommand({ QueueUrl: queueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 0 }),
    );
    const messages = out.Messages ?? [];
    if (messages.length === 0) return bodies;
    for (const m of messages) {
      bodies.push(m.Body ?? '');
      await client.send(new DeleteMessageCommand({ QueueUrl: queueUrl, ReceiptHandle: m.ReceiptHandle }));
    }
  }
}

describe('FIFO de-duplication across watcher replicas (fauxqs)', () => {
  let q: LocalQueues;
  before(async () => {
    q = await startLocalQueues({ prefix: 'dedup' });
  });
  after(async () => {
    await q.stop();
  });

  test('the same change from two replicas is one message; a new resourceVersion is another', async () => {
    const clients: SQSClient[] = [];
    after(() => clients.forEach((c) => c.destroy()));
    const replica = () =>
      createSqsPublisher({
        // A client per replica, as two watcher processes would have.
        client: clients[clients.push(createSqsClient({ endpoint: q.endpoint })) - 1]!,
        workQueueUrl: q.queueUrls.work,
        timerQueueUrl: q.queueUrls.timer,
      });
    const change: Nudge = {
      v: 1,
      namespace: 'argo',
      workflow: 'dedup',
      source: 'pod',
      object: { cluster: 'other', namespace: 'argo', name: 'dedup-pod', uid: 'u1', resourceVersion: '7' },
    };
    const next: Nudge = { ...change, object: { ...change.object!, resourceVersion: '8' } };
    await replica().publish([change]);
    await replica().publish([structuredClone(change)]);
    await replica().publish([next]);
    const bodies = await drain(q.client, q.queueUrls.work);
    assert.deepEqual(
      bodies.map((b) => (JSON.parse(b) as Nudge).object?.resourceVersion),
      ['7', '8'],
      'one message per change, whichever replica sent it',
    );
  });
});
