// The actual Lambda handler modules (functions/<name>/handler.ts, middy-wrapped, configured from the
// environment at import like in Lambda), invoked with AWS-shaped events against the local stack:
// reconcile moves a workflow, timer forwards a due wake-up to the FIFO queue, resync nudges, cron
// evaluates the CronWorkflows.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { ReceiveMessageCommand } from '@aws-sdk/client-sqs';
import type { Context, SQSRecord } from 'aws-lambda';
import { startLocalStack, type LocalStack } from '../../../src/local/stack.ts';
import { chain, podsOf } from './helpers.ts';

type Handler = (event: unknown, context: Context) => Promise<unknown>;

const context = {
  functionName: 'test',
  awsRequestId: 'req-1',
  getRemainingTimeInMillis: () => 60_000,
} as unknown as Context;

function record(body: unknown, groupId?: string): SQSRecord {
  return {
    messageId: `m-${Math.random()}`,
    receiptHandle: 'r',
    body: JSON.stringify(body),
    attributes: {
      ApproximateReceiveCount: '1',
      SentTimestamp: '0',
      SenderId: 's',
      ApproximateFirstReceiveTimestamp: '0',
      ...(groupId ? { MessageGroupId: groupId } : {}),
    },
    messageAttributes: {},
    md5OfBody: '',
    eventSource: 'aws:sqs',
    eventSourceARN: 'arn:aws:sqs:us-east-1:000000000000:q',
    awsRegion: 'us-east-1',
  };
}

describe('Lambda handler modules', () => {
  let stack: LocalStack;
  before(async () => {
    // No watcher and a paused poller: only the handlers under test touch the workflow.
    stack = await startLocalStack({ runtime: 'sim', resyncIntervalMs: 0, watcher: false });
    await stack.control.pause();
    Object.assign(process.env, {
      ARGOSY_CLUSTER_NAME: 'main',
      ARGOSY_SECRET_STORE: 'kubernetes',
      KUBECONFIG: stack.kubeconfigPath,
      ARGOSY_QUEUE_URL: stack.queueUrls.work,
      ARGOSY_TIMER_QUEUE_URL: stack.queueUrls.timer,
      ARGOSY_DLQ_URL: stack.queueUrls.dlq,
      ARGOSY_LOG_LEVEL: 'SILENT',
      AWS_ENDPOINT_URL_SQS: stack.sqsEndpoint,
      AWS_REGION: 'us-east-1',
      AWS_ACCESS_KEY_ID: 'local',
      AWS_SECRET_ACCESS_KEY: 'local',
    });
  });
  after(async () => {
    await stack?.stop();
  });

  test('reconcile: a nudge starts the workflow and creates its pod', async () => {
    const { handler } = (await import('../../../functions/reconcile/handler.ts')) as { handler: Handler };
    const wf = await stack.submit(chain('lambda', 1), 'argo');
    const name = wf.metadata.name!;
    const nudge = { v: 1, namespace: 'argo', workflow: name, source: 'cli' };
    const res = (await handler({ Records: [record(nudge, `argo/${name}`)] }, context)) as {
      batchItemFailures: unknown[];
    };
    assert.deepEqual(res.batchItemFailures, []);
    const after1 = await stack.waitFor('argo', name, () => true, 1000);
    assert.equal(after1.status?.phase, 'Running');
    assert.equal((await podsOf(stack, name)).length, 1);
  });

  test('timer: a due wake-up becomes a FIFO nudge', async () => {
    const { handler } = (await import('../../../functions/timer/handler.ts')) as { handler: Handler };
    const due = { v: 1, namespace: 'argo', workflow: 'wake-me', source: 'timer', dueAt: new Date().toISOString() };
    const res = (await handler({ Records: [record(due)] }, context)) as { batchItemFailures: unknown[] };
    assert.deepEqual(res.batchItemFailures, []);
    const out = await stack.queues.client.send(
      new ReceiveMessageCommand({ QueueUrl: stack.queueUrls.work, MaxNumberOfMessages: 10, WaitTimeSeconds: 1 }),
    );
    assert.ok((out.Messages ?? []).some((m) => JSON.parse(m.Body!).workflow === 'wake-me'));
  });

  test('resync: every unfinished workflow is nudged', async () => {
    const { handler } = (await import('../../../functions/resync/handler.ts')) as { handler: Handler };
    const res = (await handler({}, context)) as { nudged: number };
    assert.ok(res.nudged >= 1);
  });

  test('cron: the scheduled event evaluates every CronWorkflow', async () => {
    await stack.mainClient.request({
      method: 'POST',
      path: '/apis/argoproj.io/v1alpha1/namespaces/argo/cronworkflows',
      body: {
        apiVersion: 'argoproj.io/v1alpha1',
        kind: 'CronWorkflow',
        metadata: { name: 'lambda-cron', namespace: 'argo' },
        spec: {
          schedule: '0 0 1 1 *',
          workflowSpec: { entrypoint: 'main', templates: [{ name: 'main', suspend: {} }] },
        },
      },
    });
    const { handler } = (await import('../../../functions/cron/handler.ts')) as { handler: Handler };
    const scheduledEvent = { source: 'aws.events', 'detail-type': 'Scheduled Event', detail: {} };
    assert.deepEqual(await handler(scheduledEvent, context), { evaluated: 1, created: [] });
  });
});
