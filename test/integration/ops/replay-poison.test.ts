// Poison handling (issue 24, item 12): names like `../..` are rejected when a nudge is parsed; replay
// can leave poison in the DLQ (--only-valid) or delete it (--drop) instead of putting it back on the
// work queue; a dry run says how many messages the DLQ holds; a poison body is quoted truncated and
// escaped. fauxqs over the real SQS API.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { SendMessageCommand, type SQSClient } from '@aws-sdk/client-sqs';
import { startFauxqs, type FauxqsServer } from 'fauxqs';
import { createSqsClient } from '../../../src/adapters/aws/sqs-client.ts';
import { replayDeadLetters } from '../../../src/adapters/aws/dlq.ts';
import { parseNudge } from '../../../src/nudge.ts';
import { PoisonMessageError } from '../../../src/runtime/errors.ts';

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

const valid = (w: string, i: number) =>
  JSON.stringify({ v: 1, namespace: 'argo', workflow: w, source: 'cli', change: String(i) });
const POISON = [
  JSON.stringify({ v: 1, namespace: '../..', workflow: 'x', source: 'cli' }),
  JSON.stringify({ v: 1, namespace: 'argo', workflow: '../../secrets', source: 'cli' }),
  'not json at all\n{"level":"INFO","message":"forged"}',
];

async function fill(): Promise<{ dlq: string; work: string }> {
  n += 1;
  const fifo = { FifoQueue: 'true', ContentBasedDeduplication: 'false' };
  const dlq = server.createQueue(`p${n}-dlq.fifo`, { attributes: fifo });
  const work = server.createQueue(`p${n}-work.fifo`, { attributes: fifo });
  const bodies = [valid('a', 1), valid('a', 2), valid('b', 1), ...POISON];
  for (const [i, body] of bodies.entries())
    await sqs.send(
      new SendMessageCommand({
        QueueUrl: dlq.queueUrl,
        MessageBody: body,
        MessageGroupId: i < 3 ? `argo/${i < 2 ? 'a' : 'b'}` : `poison-${i}`,
        MessageDeduplicationId: `m-${n}-${i}`,
      }),
    );
  return { dlq: dlq.queueUrl, work: work.queueUrl };
}

const size = (url: string) => {
  const q = server.inspectQueue(url.split('/').pop()!);
  return (q?.messages.ready.length ?? 0) + (q?.messages.inflight.length ?? 0);
};

describe('poison nudges', () => {
  test('names that are not Kubernetes names are rejected at parse', () => {
    for (const body of POISON.slice(0, 2)) assert.throws(() => parseNudge(body), /Invalid string|must match/i);
    assert.equal(parseNudge(valid('a', 1)).workflow, 'a');
  });

  test('a poison body is quoted truncated and escaped in the error (one log line)', () => {
    const body = `${'x'.repeat(5000)}\n{"forged":true}`;
    let cause: unknown;
    try {
      parseNudge(body);
    } catch (e) {
      cause = e;
    }
    const err = new PoisonMessageError('m-1', cause);
    assert.ok(err.message.length < 400, `length ${err.message.length}`);
    assert.ok(!/[\n\r]/.test(err.message), 'no raw newline');
  });

  test('--only-valid moves the valid nudges and leaves the poison in the DLQ', async () => {
    const q = await fill();
    const r = await replayDeadLetters(sqs, {
      deadLetterQueueUrl: q.dlq,
      targetQueueUrl: q.work,
      poison: 'skip',
      pollWaitSeconds: 0,
    });
    assert.equal(r.moved.length, 3);
    assert.equal(size(q.work), 3);
    assert.equal(size(q.dlq), 3);
  });

  test('--drop deletes the poison and moves the rest', async () => {
    const q = await fill();
    const r = await replayDeadLetters(sqs, {
      deadLetterQueueUrl: q.dlq,
      targetQueueUrl: q.work,
      poison: 'drop',
      pollWaitSeconds: 0,
    });
    assert.equal(r.dropped.length, 3);
    assert.equal(r.moved.length, 3);
    assert.equal(size(q.dlq), 0);
    assert.equal(size(q.work), 3);
  });

  test('a dry run reports how many messages the DLQ holds, and moves nothing', async () => {
    const q = await fill();
    const r = await replayDeadLetters(sqs, {
      deadLetterQueueUrl: q.dlq,
      targetQueueUrl: q.work,
      dryRun: true,
      pollWaitSeconds: 0,
    });
    assert.equal(r.total, 6);
    assert.equal(size(q.dlq), 6);
    assert.equal(size(q.work), 0);
  });
});
