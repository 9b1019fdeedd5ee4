// Replay against the SQS emulator over the real SQS API: all messages, one workflow's, dry run,
// limit, and an interruption between send and delete (nothing lost, nothing duplicated).
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { ReceiveMessageCommand, SendMessageCommand, type SQSClient } from '@aws-sdk/client-sqs';
import { startFauxqs, type FauxqsServer } from 'fauxqs';
import { createSqsClient } from '../../../src/adapters/aws/sqs-client.ts';
import { replayDeadLetters } from '../../../src/adapters/aws/dlq.ts';
import { messageGroupId, type Nudge } from '../../../src/nudge.ts';

let server: FauxqsServer;
let sqs: SQSClient;
let n = 0;

before(async () => {
  server = await startFauxqs({ host: '127.0.0.1', port: 0, logger: false });
  sqs = createSqsClient({ endpoint: server.address });
});

after(async () => {
  sqs?.destroy();
  await server?.stop();
});

/** A fresh FIFO work queue and its FIFO DLQ, as serverless.yml declares them. */
function queues() {
  n += 1;
  const fifo = { FifoQueue: 'true', ContentBasedDeduplication: 'false' };
  const dlq = server.createQueue(`t${n}-dlq.fifo`, { attributes: fifo });
  const work = server.createQueue(`t${n}-work.fifo`, {
    attributes: {
      ...fifo,
      DeduplicationScope: 'messageGroup',
      FifoThroughputLimit: 'perMessageGroupId',
      RedrivePolicy: JSON.stringify({ deadLetterTargetArn: dlq.queueArn, maxReceiveCount: 3 }),
    },
  });
  return { work, dlq };
}

function nudge(workflow: string, rv: string): Nudge {
  return {
    v: 1,
    namespace: 'argo',
    workflow,
    source: 'pod',
    object: { cluster: 'other', namespace: 'argo', name: `${workflow}-pod`, resourceVersion: rv },
  };
}

async function deadLetter(dlqUrl: string, nudges: Nudge[]): Promise<void> {
  for (const [i, m] of nudges.entries()) {
    await sqs.send(
      new SendMessageCommand({
        QueueUrl: dlqUrl,
        MessageBody: JSON.stringify(m),
        MessageGroupId: messageGroupId(m),
        MessageDeduplicationId: `dl-${n}-${i}`,
      }),
    );
  }
}

function counts(name: string) {
  const q = server.inspectQueue(name);
  assert.ok(q, `queue ${name} exists`);
  return { ready: q.messages.ready.length, inflight: q.messages.inflight.length };
}

/** Every message in a FIFO queue, in order, by receiving and deleting (one group at a time). */
async function drain(queueUrl: string): Promise<{ group: string; body: Nudge }[]> {
  const out: { group: string; body: Nudge }[] = [];
  for (let empty = 0; empty < 2;) {
    const { Messages = [] } = await sqs.send(
      new ReceiveMessageCommand({
        QueueUrl: queueUrl,
        MaxNumberOfMessages: 10,
        MessageSystemAttributeNames: ['MessageGroupId'],
      }),
    );
    empty = Messages.length ? 0 : empty + 1;
    for (const m of Messages) {
      out.push({ group: m.Attributes?.MessageGroupId ?? '', body: JSON.parse(m.Body ?? '{}') });
      const { DeleteMessageCommand } = await import('@aws-sdk/client-sqs');
      await sqs.send(new DeleteMessageCommand({ QueueUrl: queueUrl, ReceiptHandle: m.ReceiptHandle }));
    }
  }
  return out;
}

const base = (q: ReturnType<typeof queues>) => ({
  deadLetterQueueUrl: q.dlq.queueUrl,
  targetQueueUrl: q.work.queueUrl,
  pollWaitSeconds: 0,
});

describe('replayDeadLetters', () => {
  test('moves every dead-lettered nudge back, keeping message groups and order', async () => {
    const q = queues();
    await deadLetter(q.dlq.queueUrl, [nudge('a', '1'), nudge('a', '2'), nudge('b', '1')]);

    const seen: string[] = [];
    const result = await replayDeadLetters(sqs, { ...base(q), onMessage: (m) => seen.push(m.workflow ?? '') });

    assert.equal(result.moved.length, 3);
    assert.deepEqual(seen.sort(), ['argo/a', 'argo/a', 'argo/b']);
    assert.deepEqual(counts(q.dlq.queueName), { ready: 0, inflight: 0 });
    const moved = await drain(q.work.queueUrl);
    assert.deepEqual(
      moved.filter((m) => m.group === 'argo/a').map((m) => m.body.object?.resourceVersion),
      ['1', '2'],
    );
    assert.deepEqual(
      moved.filter((m) => m.group === 'argo/b').map((m) => m.body.workflow),
      ['b'],
    );
  });

  test('with --workflow moves only that workflow and releases the others at once', async () => {
    const q = queues();
    await deadLetter(q.dlq.queueUrl, [nudge('a', '1'), nudge('b', '1'), nudge('a', '2'), nudge('b', '2')]);

    const result = await replayDeadLetters(sqs, { ...base(q), workflow: { namespace: 'argo', name: 'b' } });

    assert.deepEqual(
      result.moved.map((m) => m.workflow),
      ['argo/b', 'argo/b'],
    );
    // a's messages are back to visible (not waiting out the scan's visibility timeout).
    assert.deepEqual(counts(q.dlq.queueName), { ready: 2, inflight: 0 });
    const moved = await drain(q.work.queueUrl);
    assert.deepEqual(
      moved.map((m) => m.group),
      ['argo/b', 'argo/b'],
    );
    const left = await drain(q.dlq.queueUrl);
    assert.deepEqual(
      left.map((m) => `${m.group}@${m.body.object?.resourceVersion}`),
      ['argo/a@1', 'argo/a@2'],
    );
  });

  test('--dry-run reports what would move and moves nothing', async () => {
    const q = queues();
    await deadLetter(q.dlq.queueUrl, [nudge('a', '1'), nudge('b', '1')]);

    const result = await replayDeadLetters(sqs, { ...base(q), dryRun: true });

    assert.equal(result.dryRun, true);
    assert.deepEqual(result.moved.map((m) => m.workflow).sort(), ['argo/a', 'argo/b']);
    assert.deepEqual(counts(q.work.queueName), { ready: 0, inflight: 0 });
    assert.deepEqual(counts(q.dlq.queueName), { ready: 2, inflight: 0 });
  });

  test('--limit stops after N messages and leaves the rest visible', async () => {
    const q = queues();
    await deadLetter(q.dlq.queueUrl, [nudge('a', '1'), nudge('b', '1'), nudge('c', '1')]);

    const result = await replayDeadLetters(sqs, { ...base(q), limit: 2 });

    assert.equal(result.moved.length, 2);
    assert.deepEqual(counts(q.work.queueName), { ready: 2, inflight: 0 });
    assert.deepEqual(counts(q.dlq.queueName), { ready: 1, inflight: 0 });
  });

  test('a nudge dead-lettered by the real redrive policy replays with its group intact', async () => {
    const q = queues();
    const m = nudge('redriven', '7');
    await sqs.send(
      new SendMessageCommand({
        QueueUrl: q.work.queueUrl,
        MessageBody: JSON.stringify(m),
        MessageGroupId: messageGroupId(m),
        MessageDeduplicationId: `redrive-${n}`,
      }),
    );
    // Fail it maxReceiveCount (3) times: receive, never delete, let it become visible at once.
    for (let i = 0; i < 3; i++) {
      const got = await sqs.send(new ReceiveMessageCommand({ QueueUrl: q.work.queueUrl, VisibilityTimeout: 0 }));
      assert.equal(got.Messages?.length, 1, `delivery ${i + 1}`);
    }
    const fourth = await sqs.send(new ReceiveMessageCommand({ QueueUrl: q.work.queueUrl }));
    assert.equal(fourth.Messages, undefined, 'moved to the DLQ instead of a 4th delivery');
    assert.equal(counts(q.dlq.queueName).ready, 1);

    const result = await replayDeadLetters(sqs, base(q));

    assert.deepEqual(
      result.moved.map((r) => [r.workflow, r.groupId, r.receiveCount >= 3]),
      [['argo/redriven', 'argo/redriven', true]],
    );
    const back = await drain(q.work.queueUrl);
    assert.deepEqual(
      back.map((b) => [b.group, b.body.object?.resourceVersion]),
      [['argo/redriven', '7']],
    );
  });

  test('interrupted between send and delete: nothing lost, and a re-run does not duplicate', async () => {
    const q = queues();
    await deadLetter(q.dlq.queueUrl, [nudge('a', '1')]);
    // The process "dies" right after the send: the delete never reaches SQS.
    const crashing = createSqsClient({ endpoint: server.address });
    crashing.middlewareStack.add(
      (next, context) => async (args) => {
        if (context.commandName === 'DeleteMessageCommand') throw new Error('interrupted');
        return next(args);
      },
      { step: 'initialize', name: 'interruptBeforeDelete' },
    );

    await assert.rejects(replayDeadLetters(crashing, base(q)), /interrupted/);
    crashing.destroy();
    assert.deepEqual(counts(q.work.queueName), { ready: 1, inflight: 0 });
    assert.deepEqual(counts(q.dlq.queueName), { ready: 1, inflight: 0 }, 'still dead-lettered: nothing lost');

    const rerun = await replayDeadLetters(sqs, base(q));

    assert.equal(rerun.moved.length, 1);
    assert.deepEqual(counts(q.dlq.queueName), { ready: 0, inflight: 0 });
    // Same deduplication id on the re-send: the FIFO queue keeps one copy.
    const moved = await drain(q.work.queueUrl);
    assert.equal(moved.length, 1);
  });
});
