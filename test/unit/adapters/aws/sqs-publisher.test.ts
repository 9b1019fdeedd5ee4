import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { SendMessageBatchCommand, SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { mockClient } from 'aws-sdk-client-mock';
import { createSqsPublisher, MAX_DELAY_SECONDS } from '../../../../src/adapters/aws/sqs-publisher.ts';
import { MAX_GROUP_ID, messageGroupId, type Nudge } from '../../../../src/nudge.ts';

const nudge = (workflow: string): Nudge => ({
  v: 1,
  namespace: 'argo',
  workflow,
  source: 'pod',
  object: { cluster: 'other', namespace: 'argo', name: `${workflow}-pod`, resourceVersion: '42' },
});

describe('SQS publisher', () => {
  test('sends FIFO batches of ten with group per workflow and de-duplication from object + resourceVersion', async () => {
    const sqs = mockClient(SQSClient);
    sqs.on(SendMessageBatchCommand).resolves({ Successful: [], Failed: [] });
    const publisher = createSqsPublisher({ client: new SQSClient({}), workQueueUrl: 'q.fifo', timerQueueUrl: 't' });
    await publisher.publish(Array.from({ length: 23 }, (_, i) => nudge(`w${i}`)));
    const calls = sqs.commandCalls(SendMessageBatchCommand);
    assert.deepEqual(
      calls.map((c) => c.args[0].input.Entries?.length),
      [10, 10, 3],
    );
    const first = calls[0]!.args[0].input.Entries![0]!;
    assert.equal(first.MessageGroupId, 'argo/w0');
    // sha256 of 'pod|other|argo|w0-pod||42' (source|cluster|namespace|name|uid|resourceVersion), fixed.
    assert.equal(first.MessageDeduplicationId, 'd2103b792241e41c35adf35ff839d566b559505ab23942a9747127c8d174bdbc');
    sqs.restore();
  });

  test('two watcher replicas sending the same change produce the same de-duplication id; a new resourceVersion does not', async () => {
    const sqs = mockClient(SQSClient);
    sqs.on(SendMessageBatchCommand).resolves({ Successful: [], Failed: [] });
    const replica = () => createSqsPublisher({ client: new SQSClient({}), workQueueUrl: 'q.fifo', timerQueueUrl: 't' });
    const changed: Nudge = { ...nudge('w0'), object: { ...nudge('w0').object!, resourceVersion: '43' } };
    await replica().publish([nudge('w0')]);
    await replica().publish([{ ...nudge('w0') }]);
    await replica().publish([changed]);
    const ids = sqs
      .commandCalls(SendMessageBatchCommand)
      .map((c) => c.args[0].input.Entries![0]!.MessageDeduplicationId);
    assert.equal(ids.length, 3);
    assert.equal(ids[0], ids[1]);
    assert.notEqual(ids[2], ids[0]);
    sqs.restore();
  });

  test('retries throttled entries only, with backoff', async () => {
    const sqs = mockClient(SQSClient);
    sqs
      .on(SendMessageBatchCommand)
      .resolvesOnce({ Failed: [{ Id: '1', Code: 'ThrottlingException', SenderFault: false }] })
      .resolves({ Failed: [] });
    const publisher = createSqsPublisher({
      client: new SQSClient({}),
      workQueueUrl: 'q.fifo',
      timerQueueUrl: 't',
      backoffMs: 1,
    });
    await publisher.publish([nudge('a'), nudge('b')]);
    const calls = sqs.commandCalls(SendMessageBatchCommand);
    assert.equal(calls.length, 2);
    assert.deepEqual(
      calls[1]!.args[0].input.Entries!.map((e) => e.MessageGroupId),
      ['argo/b'],
    );
    sqs.restore();
  });

  test('a refused entry that is not throttling fails the publish', async () => {
    const sqs = mockClient(SQSClient);
    sqs
      .on(SendMessageBatchCommand)
      .resolves({ Failed: [{ Id: '0', Code: 'InvalidMessageContents', SenderFault: true }] });
    const publisher = createSqsPublisher({ client: new SQSClient({}), workQueueUrl: 'q.fifo', timerQueueUrl: 't' });
    await assert.rejects(publisher.publish([nudge('a')]), { name: 'NudgeSendError' });
    sqs.restore();
  });

  test('a refused entry fails the publish only after every other batch was sent (resync nudges the rest)', async () => {
    const sqs = mockClient(SQSClient);
    sqs
      .on(SendMessageBatchCommand)
      .resolvesOnce({ Failed: [{ Id: '3', Code: 'InvalidParameterValue', SenderFault: true }] })
      .resolves({ Failed: [] });
    const publisher = createSqsPublisher({ client: new SQSClient({}), workQueueUrl: 'q.fifo', timerQueueUrl: 't' });
    await assert.rejects(publisher.publish(Array.from({ length: 25 }, (_, i) => nudge(`w${i}`))), (e: unknown) => {
      const err = e as { name: string; failures: string[] };
      return (
        err.name === 'NudgeSendError' &&
        err.failures.length === 1 &&
        /argo\/w3: InvalidParameterValue/.test(err.failures[0]!)
      );
    });
    assert.deepEqual(
      sqs.commandCalls(SendMessageBatchCommand).map((c) => c.args[0].input.Entries?.length),
      [10, 10, 5],
    );
    sqs.restore();
  });

  test("message group ids fit SQS's 128 characters: long namespace/name pairs are hashed, one per workflow", () => {
    assert.equal(messageGroupId({ namespace: 'argo', workflow: 'wf' }), 'argo/wf');
    const ns = 'n'.repeat(63);
    const long = (name: string) => messageGroupId({ namespace: ns, workflow: name });
    const a = long('a'.repeat(253));
    assert.ok(a.length <= MAX_GROUP_ID, `${a.length} characters`);
    assert.match(a, /^h\.[0-9a-f]{64}$/);
    assert.equal(a, long('a'.repeat(253)));
    assert.notEqual(a, long(`${'a'.repeat(252)}b`));
    // Exactly at the limit it stays readable.
    const edge = messageGroupId({ namespace: 'argo', workflow: 'x'.repeat(MAX_GROUP_ID - 5) });
    assert.equal(edge.length, MAX_GROUP_ID);
    assert.ok(edge.startsWith('argo/'));
  });

  test('wake-ups go to the timer queue with DelaySeconds capped at 900 and the due time in the body', async () => {
    const sqs = mockClient(SQSClient);
    sqs.on(SendMessageCommand).resolves({});
    const publisher = createSqsPublisher({ client: new SQSClient({}), workQueueUrl: 'q.fifo', timerQueueUrl: 't' });
    await publisher.publishAfter({ v: 1, namespace: 'argo', workflow: 'a', source: 'timer' }, 3_600_000);
    const input = sqs.commandCalls(SendMessageCommand)[0]!.args[0].input;
    assert.equal(input.QueueUrl, 't');
    assert.equal(input.DelaySeconds, MAX_DELAY_SECONDS);
    const body = JSON.parse(input.MessageBody!) as Nudge;
    assert.ok(Date.parse(body.dueAt!) - Date.now() > 3_500_000);
    sqs.restore();
  });
});
