// The Lambda functions' thin SQS client (SigV4 + AWS JSON protocol, no SDK) against fauxqs: FIFO
// batches keep group and de-duplication ids, timer messages are delayed, visibility changes apply,
// and the SDK client receives what the thin client sent. Error answers become SqsRequestError.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { ReceiveMessageCommand, type Message } from '@aws-sdk/client-sqs';
import { startLocalQueues, type LocalQueues } from '../../../src/local/queue/sqs-server.ts';
import { createThinSqsClient, lambdaSqsSender, regionOf, SqsRequestError } from '../../../src/adapters/aws/sqs-thin.ts';
import { createSqsPublisher } from '../../../src/adapters/aws/sqs-publisher.ts';
import { isThrottling } from '../../../src/adapters/aws/errors.ts';
import type { SqsSender } from '../../../src/adapters/aws/sqs-sender.ts';

describe('thin SQS client against fauxqs', () => {
  let q: LocalQueues;
  let thin: SqsSender;
  before(async () => {
    q = await startLocalQueues({ prefix: 'thin', visibilityTimeoutSeconds: 30 });
    thin = createThinSqsClient({
      region: 'us-east-1',
      credentials: { accessKeyId: 'local', secretAccessKey: 'local', sessionToken: 'token' },
      endpoint: q.endpoint,
    });
  });
  after(async () => {
    await q.stop();
  });

  const receive = async (queueUrl: string, waitTimeSeconds = 0): Promise<Message[]> =>
    (
      await q.client.send(
        new ReceiveMessageCommand({
          QueueUrl: queueUrl,
          MaxNumberOfMessages: 10,
          WaitTimeSeconds: waitTimeSeconds,
          MessageSystemAttributeNames: ['All'],
        }),
      )
    ).Messages ?? [];

  test('FIFO batch: group and de-duplication ids; a duplicate is dropped', async () => {
    const out = await thin.sendMessageBatch({
      QueueUrl: q.queueUrls.work,
      Entries: [
        { Id: '0', MessageBody: 'a', MessageGroupId: 'argo/a', MessageDeduplicationId: 'd-a' },
        { Id: '1', MessageBody: 'b', MessageGroupId: 'argo/b', MessageDeduplicationId: 'd-b' },
        { Id: '2', MessageBody: 'a again', MessageGroupId: 'argo/a', MessageDeduplicationId: 'd-a' },
      ],
    });
    assert.deepEqual(out.Failed ?? [], []);
    assert.deepEqual((out.Successful ?? []).map((s) => s.Id).sort(), ['0', '1', '2']);
    const got = await receive(q.queueUrls.work);
    assert.deepEqual(got.map((m) => m.Body).sort(), ['a', 'b']);
    const a = got.find((m) => m.Body === 'a')!;
    assert.equal(a.Attributes?.MessageGroupId, 'argo/a');
    assert.equal(a.Attributes?.MessageDeduplicationId, 'd-a');

    // Visibility back to 0: the message is received again at once.
    const changed = await thin.changeMessageVisibilityBatch({
      QueueUrl: q.queueUrls.work,
      Entries: got.map((m, i) => ({ Id: String(i), ReceiptHandle: m.ReceiptHandle!, VisibilityTimeout: 0 })),
    });
    assert.deepEqual(changed.Failed ?? [], []);
    assert.deepEqual((await receive(q.queueUrls.work)).map((m) => m.Body).sort(), ['a', 'b']);
  });

  test('the publisher over the thin client: a delayed wake-up on the standard timer queue', async () => {
    const publisher = createSqsPublisher({
      client: thin,
      workQueueUrl: q.queueUrls.work,
      timerQueueUrl: q.queueUrls.timer,
    });
    await publisher.publishAfter({ v: 1, namespace: 'argo', workflow: 'later', source: 'timer' }, 1000);
    assert.deepEqual(await receive(q.queueUrls.timer), [], 'not visible before its delay');
    const got = await receive(q.queueUrls.timer, 3);
    assert.equal(got.length, 1);
    assert.equal(JSON.parse(got[0]!.Body!).workflow, 'later');
  });

  test('an error answer becomes a named, non-transient SqsRequestError', async () => {
    const err = await thin.sendMessage({ QueueUrl: `${q.endpoint}/000000000000/missing`, MessageBody: 'x' }).then(
      () => undefined,
      (e: unknown) => e,
    );
    assert.ok(err instanceof SqsRequestError, String(err));
    assert.match(err.name, /NonExistentQueue|QueueDoesNotExist/);
    assert.equal(err.$metadata.httpStatusCode, 400);
    assert.equal(isThrottling(err), false);
    assert.equal(err.transient, false);
  });

  test('throttling and 5xx are transient, like the SDK errors the publisher retries', () => {
    assert.equal(new SqsRequestError('SendMessageBatch', 'RequestThrottled', 'slow', 400).transient, true);
    assert.equal(isThrottling(new SqsRequestError('SendMessage', 'Http503', 'down', 503)), true);
    assert.equal(new SqsRequestError('SendMessage', 'NetworkingError', 'reset').transient, true);
  });

  test('lambdaSqsSender: the thin client with credentials from config; region from the queue URL', async () => {
    const sender = lambdaSqsSender({
      awsRegion: '',
      awsAccessKeyId: 'local',
      awsSecretAccessKey: 'local',
      awsSessionToken: '',
      sqsEndpoint: q.endpoint,
      queueUrl: q.queueUrls.work,
    });
    await sender.sendMessage({ QueueUrl: q.queueUrls.timer, MessageBody: 'via config' });
    assert.deepEqual(
      (await receive(q.queueUrls.timer, 1)).map((m) => m.Body),
      ['via config'],
    );
    assert.equal(regionOf('https://sqs.eu-west-1.amazonaws.com/1/q.fifo'), 'eu-west-1');
    assert.equal(regionOf('http://127.0.0.1:1/q'), 'us-east-1');
  });
});
