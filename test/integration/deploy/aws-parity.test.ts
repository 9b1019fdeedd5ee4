// IAM from the code, not from memory: runs the local stack through every path that calls AWS
// (nudges from the watcher, the follow-up nudge after maxPodCreates, wake-ups through the timer
// queue and their hops, the retry backoff, the resync, the cron evaluation, the rest-config reads), records each call per
// deployed identity (src/local/aws-calls.ts), and asserts that each role of the packaged
// CloudFormation template allows exactly those actions on exactly those resources.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { SQSEvent } from 'aws-lambda';
import type { Workflow } from '../../../src/engine/types.ts';
import type { AwsIdentity } from '../../../src/local/aws-calls.ts';
import { REST_CONFIG_SECRET } from '../../../src/local/aws-calls.ts';
import { NODE_STATUS_BUCKET_RESOURCE } from '../../../src/local/node-status.ts';
import { startLocalStack, type LocalStack } from '../../../src/local/stack.ts';
import { makeTimerHandler } from '../../../src/runtime/timer-handler.ts';
import { asList, packageService, statementsOf, type Packaged } from './packaged.ts';

const ROLE: Record<AwsIdentity, string> = {
  reconcile: 'ReconcileRole',
  timer: 'TimerRole',
  resync: 'ResyncRole',
  cron: 'CronRole',
  watcher: 'WatcherRole',
};

/**
 * What AWS itself does with a function's role, which no Argosy code calls: the Lambda runtime writes
 * the function's logs, the SQS event source mapping reads the queue's attributes (its receives and
 * deletes are recorded from local mode's stand-in, the poller), and Lambda publishes a failed
 * asynchronous run to the resync's on-failure destination.
 */
const PLATFORM: Record<string, string[]> = {
  ReconcileRole: [
    'logs:CreateLogStream ReconcileLogGroup',
    'logs:PutLogEvents ReconcileLogGroup',
    'sqs:GetQueueAttributes WorkQueue',
  ],
  TimerRole: [
    'logs:CreateLogStream TimerLogGroup',
    'logs:PutLogEvents TimerLogGroup',
    'sqs:GetQueueAttributes TimerQueue',
  ],
  ResyncRole: ['logs:CreateLogStream ResyncLogGroup', 'logs:PutLogEvents ResyncLogGroup', 'sns:Publish AlarmTopic'],
  CronRole: ['logs:CreateLogStream CronLogGroup', 'logs:PutLogEvents CronLogGroup', 'sns:Publish AlarmTopic'],
  WatcherRole: [],
};

let stack: LocalStack;
let packaged: Packaged;
let failOnce = true;

/**
 * A CloudFormation resource expression → its logical id (`{Fn::GetAtt:[X,Arn]}` or `{Ref:X}`), or
 * `X/*` for the objects of bucket X (`{Fn::Join:['', [{Fn::GetAtt:[X,Arn]}, '/*']]}`).
 */
function logicalId(expr: unknown): string {
  const e = expr as { 'Fn::GetAtt'?: [string, string]; Ref?: string; 'Fn::Join'?: [string, unknown[]] };
  const join = e['Fn::Join'];
  if (join && join[0] === '' && join[1].length === 2 && join[1][1] === '/*') return `${logicalId(join[1][0])}/*`;
  const id = e['Fn::GetAtt']?.[0] ?? e.Ref;
  assert.ok(id, `IAM resource ${JSON.stringify(expr)} is a reference to one stack resource`);
  return id;
}

function granted(roleId: string): string[] {
  const out = new Set<string>();
  for (const s of statementsOf(packaged.resources, roleId)) {
    assert.equal(s.Effect, 'Allow');
    for (const a of asList(s.Action)) for (const r of asList(s.Resource)) out.add(`${a} ${logicalId(r)}`);
  }
  return [...out].sort();
}

function called(roleId: string): string[] {
  const byUrl: Record<string, string> = {
    [stack.queueUrls.work]: 'WorkQueue',
    [stack.queueUrls.timer]: 'TimerQueue',
    [stack.queueUrls.dlq]: 'WorkDeadLetterQueue',
    [REST_CONFIG_SECRET]: 'RestConfigSecret',
    [NODE_STATUS_BUCKET_RESOURCE]: 'NodeStatusBucket',
    [`${NODE_STATUS_BUCKET_RESOURCE}/*`]: 'NodeStatusBucket/*',
  };
  const out = new Set(PLATFORM[roleId]);
  for (const c of stack.awsCalls.list()) {
    if (ROLE[c.identity] !== roleId) continue;
    const res = byUrl[c.resource];
    assert.ok(res, `recorded call on an unknown resource ${c.resource}`);
    out.add(`${c.action} ${res}`);
  }
  return [...out].sort();
}

async function waitGone(name: string): Promise<void> {
  for (let i = 0; i < 300; i++) {
    try {
      await stack.mainClient.request({
        method: 'GET',
        path: `/apis/argoproj.io/v1alpha1/namespaces/argo/workflows/${name}`,
      });
    } catch {
      return;
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  assert.fail(`workflow ${name} was not deleted in 30 s`);
}

const task = (name: string, extra: Record<string, unknown> = {}) => ({ name, template: 'echo', ...extra });

before(async () => {
  [packaged, stack] = await Promise.all([
    packageService(),
    startLocalStack({
      runtime: 'sim',
      resyncIntervalMs: 0,
      cronIntervalMs: 0,
      visibilityTimeoutSeconds: 2,
      clusterOptions: { simDefaults: { durationMs: 50, exitCode: 0 } },
      // One pod create per reconcile: three parallel tasks need follow-up nudges (the first
      // reconcile fails once, below, so its follow-up is never sent; the next one's is).
      // Every status offloaded (Argo's ALWAYS_OFFLOAD_NODE_STATUS): node versions are written, read,
      // replaced, then listed and deleted with the workflow.
      config: { maxPodCreates: 1, alwaysOffloadNodeStatus: 'true' },
      hooks: {
        beforeStatusWrite: (wf: Workflow) => {
          // One failed reconcile: the retry backoff shortens the record's visibility.
          if (wf.metadata.name?.startsWith('parity-') && failOnce) {
            failOnce = false;
            throw new Error('injected reconcile failure');
          }
        },
      },
    }),
  ]);
});

after(async () => {
  await stack?.stop();
  await packaged?.remove();
});

describe('IAM parity: every AWS call the code makes is allowed, and nothing else', () => {
  test('the local stack exercises every call path', async () => {
    const wf = await stack.submit({
      metadata: { generateName: 'parity-' },
      spec: {
        entrypoint: 'main',
        templates: [
          {
            name: 'main',
            dag: {
              tasks: [
                task('a'),
                task('b'),
                task('c'),
                task('later', { dependencies: ['a', 'b', 'c'], template: 'wait' }),
              ],
            },
          },
          { name: 'echo', container: { image: 'argoproj/argosay:v2' } },
          // A timed wake-up through the timer queue.
          { name: 'wait', suspend: { duration: '2s' } },
        ],
      },
    });
    const name = wf.metadata.name!;
    await stack.waitFor('argo', name, (w) => w.status?.phase === 'Running', 30_000);
    // The resync nudges every unfinished workflow.
    assert.ok((await stack.resyncNow()).nudged >= 1);
    const done = await stack.waitFor('argo', name, (w) => w.status?.phase === 'Succeeded', 60_000);
    assert.equal(done.status?.phase, 'Succeeded');
    // A wake-up due in an hour hops back onto the timer queue (SQS delays stop at 15 minutes).
    const timer = makeTimerHandler(stack.runtime.timer);
    const far = new Date(Date.now() + 3_600_000).toISOString();
    const body = JSON.stringify({ v: 1, namespace: 'argo', workflow: name, source: 'timer', dueAt: far });
    const event = { Records: [{ messageId: 'm1', body, attributes: {} }] } as unknown as SQSEvent;
    assert.deepEqual(await timer(event), { batchItemFailures: [] });
    assert.equal(failOnce, false, 'the injected failure happened');
    assert.ok(done.status?.offloadNodeStatusVersion, 'the nodes were offloaded');
    // Deleting it deletes its node versions (the finalizer round lists and deletes them).
    await stack.mainClient.request({
      method: 'DELETE',
      path: `/apis/argoproj.io/v1alpha1/namespaces/argo/workflows/${name}`,
    });
    await waitGone(name);
    // The CronWorkflow evaluator (the cron function) runs with a CronWorkflow to evaluate.
    await stack.mainClient.request({
      method: 'POST',
      path: '/apis/argoproj.io/v1alpha1/namespaces/argo/cronworkflows',
      body: {
        apiVersion: 'argoproj.io/v1alpha1',
        kind: 'CronWorkflow',
        metadata: { name: 'parity-cron', namespace: 'argo' },
        spec: {
          schedule: '0 0 1 1 *',
          workflowSpec: { entrypoint: 'main', templates: [{ name: 'main', suspend: {} }] },
        },
      },
    });
    assert.equal((await stack.cronNow()).evaluated, 1);
  });

  for (const roleId of Object.values(ROLE)) {
    test(`${roleId} allows exactly what its identity calls`, () => {
      assert.deepEqual(granted(roleId), called(roleId));
    });
  }
});
