// Packages the real serverless.yml offline with osls (no AWS account, no login) once, then checks
// the CloudFormation template it would deploy: the wiring that decides correctness in AWS (FIFO
// event source, partial batch failures, dead-lettering) and least-privilege IAM.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const run = promisify(execFile);
const repoRoot = fileURLToPath(new URL('../../../', import.meta.url));

type Json = Record<string, unknown>;
interface Resource {
  Type: string;
  Properties: Json;
  DependsOn?: string[];
}
interface Statement {
  Sid?: string;
  Effect: string;
  Action: string | string[];
  Resource: unknown;
}

let outDir = '';
let resources: Record<string, Resource> = {};
let outputs: Record<string, Json> = {};

function resource(id: string): Resource {
  const r = resources[id];
  assert.ok(r, `resource ${id} is in the template`);
  return r;
}

function byType(type: string): [string, Resource][] {
  return Object.entries(resources).filter(([, r]) => r.Type === type);
}

function statementsOf(roleId: string): Statement[] {
  const policies = resource(roleId).Properties.Policies as { PolicyDocument: { Statement: Statement[] } }[];
  return policies.flatMap((p) => p.PolicyDocument.Statement);
}

function actions(s: Statement): string[] {
  return Array.isArray(s.Action) ? s.Action : [s.Action];
}

/** Resources a role may call `action` on, as CloudFormation expressions. */
function resourcesFor(roleId: string, action: string): unknown[] {
  return statementsOf(roleId)
    .filter((s) => s.Effect === 'Allow' && actions(s).includes(action))
    .flatMap((s) => (Array.isArray(s.Resource) ? s.Resource : [s.Resource]));
}

const arnOf = (id: string) => ({ 'Fn::GetAtt': [id, 'Arn'] });
const sortJson = (xs: unknown[]) => xs.map((x) => JSON.stringify(x)).sort();

before(async () => {
  outDir = await mkdtemp(join(tmpdir(), 'argosy-sls-'));
  // --package writes the artifacts outside the repository, so parallel runs do not collide.
  await run('npx', ['osls', 'package', '--stage', 'test', '--package', outDir], {
    cwd: repoRoot,
    env: { ...process.env, SLS_TELEMETRY_DISABLED: '1', SLS_NOTIFICATIONS_MODE: 'off' },
    timeout: 120_000,
  });
  const template = JSON.parse(await readFile(join(outDir, 'cloudformation-template-update-stack.json'), 'utf8'));
  resources = template.Resources;
  outputs = template.Outputs;
});

after(async () => {
  if (outDir) await rm(outDir, { recursive: true, force: true });
});

describe('serverless.yml packaged with osls', () => {
  test('every function runs nodejs22.x on arm64 with its own role', () => {
    const fns = byType('AWS::Lambda::Function');
    assert.deepEqual(fns.map(([id]) => id).sort(), [
      'ReconcileLambdaFunction',
      'ResyncLambdaFunction',
      'TimerLambdaFunction',
    ]);
    for (const [id, fn] of fns) {
      assert.equal(fn.Properties.Runtime, 'nodejs22.x', id);
      assert.deepEqual(fn.Properties.Architectures, ['arm64'], id);
      assert.deepEqual(fn.Properties.Role, arnOf(id.replace('LambdaFunction', 'Role')), id);
    }
    // No catch-all execution role: each function has only what it needs.
    assert.equal(resources.IamRoleLambdaExecution, undefined);
  });

  test('reconcile consumes the FIFO work queue in batches of 10 with partial batch failures', () => {
    const mapping = resource('ReconcileEventSourceMappingSQSWorkQueue').Properties;
    assert.equal(mapping.BatchSize, 10);
    assert.deepEqual(mapping.FunctionResponseTypes, ['ReportBatchItemFailures']);
    assert.deepEqual(mapping.EventSourceArn, arnOf('WorkQueue'));
    assert.deepEqual(mapping.FunctionName, arnOf('ReconcileLambdaFunction'));
    assert.equal((mapping.ScalingConfig as Json).MaximumConcurrency, 50);
    // FIFO queues reject a batching window.
    assert.equal(mapping.MaximumBatchingWindowInSeconds, undefined);
    const queue = resource('WorkQueue').Properties;
    assert.equal(queue.FifoQueue, true);
    assert.match(String(queue.QueueName), /\.fifo$/);
    assert.equal(queue.ContentBasedDeduplication, false);
    assert.equal(queue.DeduplicationScope, 'messageGroup');
    assert.equal(queue.FifoThroughputLimit, 'perMessageGroupId');
  });

  test('queue visibility timeouts are 6 x the consuming function timeout', () => {
    const fnTimeout = (id: string) => resource(id).Properties.Timeout as number;
    assert.equal(resource('WorkQueue').Properties.VisibilityTimeout, 6 * fnTimeout('ReconcileLambdaFunction'));
    assert.equal(resource('TimerQueue').Properties.VisibilityTimeout, 6 * fnTimeout('TimerLambdaFunction'));
  });

  test('failed nudges are dead-lettered to a FIFO DLQ kept 14 days (the replay window)', () => {
    const redrive = resource('WorkQueue').Properties.RedrivePolicy as Json;
    assert.deepEqual(redrive.deadLetterTargetArn, arnOf('WorkDeadLetterQueue'));
    assert.equal(redrive.maxReceiveCount, 5);
    const dlq = resource('WorkDeadLetterQueue').Properties;
    assert.equal(dlq.FifoQueue, true);
    assert.equal(dlq.MessageRetentionPeriod, 14 * 24 * 3600);
    assert.ok(
      (dlq.MessageRetentionPeriod as number) > (resource('WorkQueue').Properties.MessageRetentionPeriod as number),
    );
  });

  test('timer uses a standard delay queue with its own DLQ; resync runs every 5 minutes', () => {
    const timerQueue = resource('TimerQueue').Properties;
    assert.equal(timerQueue.FifoQueue, undefined);
    assert.deepEqual((timerQueue.RedrivePolicy as Json).deadLetterTargetArn, arnOf('TimerDeadLetterQueue'));
    const mapping = resource('TimerEventSourceMappingSQSTimerQueue').Properties;
    assert.deepEqual(mapping.EventSourceArn, arnOf('TimerQueue'));
    assert.deepEqual(mapping.FunctionResponseTypes, ['ReportBatchItemFailures']);
    const rules = byType('AWS::Events::Rule');
    assert.equal(rules.length, 1);
    assert.equal(rules[0]![1].Properties.ScheduleExpression, 'rate(5 minutes)');
    assert.deepEqual((rules[0]![1].Properties.Targets as Json[])[0]!.Arn, arnOf('ResyncLambdaFunction'));
  });

  test('IAM: each role may touch exactly its queues, secret and log group', () => {
    assert.deepEqual(resourcesFor('ReconcileRole', 'sqs:ReceiveMessage'), [arnOf('WorkQueue')]);
    assert.deepEqual(resourcesFor('ReconcileRole', 'sqs:SendMessage'), [arnOf('TimerQueue')]);
    assert.deepEqual(resourcesFor('ReconcileRole', 'secretsmanager:GetSecretValue'), [{ Ref: 'RestConfigSecret' }]);
    assert.deepEqual(resourcesFor('ReconcileRole', 'logs:PutLogEvents'), [arnOf('ReconcileLogGroup')]);

    assert.deepEqual(resourcesFor('TimerRole', 'sqs:ReceiveMessage'), [arnOf('TimerQueue')]);
    assert.deepEqual(
      sortJson(resourcesFor('TimerRole', 'sqs:SendMessage')),
      sortJson([arnOf('TimerQueue'), arnOf('WorkQueue')]),
    );
    assert.deepEqual(resourcesFor('TimerRole', 'secretsmanager:GetSecretValue'), []);

    assert.deepEqual(resourcesFor('ResyncRole', 'sqs:SendMessage'), [arnOf('WorkQueue')]);
    assert.deepEqual(resourcesFor('ResyncRole', 'sqs:ReceiveMessage'), []);
    assert.deepEqual(resourcesFor('ResyncRole', 'secretsmanager:GetSecretValue'), [{ Ref: 'RestConfigSecret' }]);

    assert.deepEqual(resourcesFor('WatcherRole', 'sqs:SendMessage'), [arnOf('WorkQueue')]);
    // Nobody may read or delete from the dead-letter queue: replay is an operator action.
    for (const role of ['ReconcileRole', 'TimerRole', 'ResyncRole', 'WatcherRole']) {
      for (const s of statementsOf(role)) assert.doesNotMatch(JSON.stringify(s.Resource), /DeadLetter/, role);
    }
  });

  test("no IAM statement anywhere grants Resource '*' or wildcard actions", () => {
    for (const [id, r] of byType('AWS::IAM::Role')) {
      for (const s of statementsOf(id)) {
        const res = Array.isArray(s.Resource) ? s.Resource : [s.Resource];
        assert.ok(!res.includes('*'), `${id} ${s.Sid ?? ''} has Resource '*'`);
        for (const a of actions(s)) assert.doesNotMatch(a, /\*/, `${id} grants ${a}`);
      }
      assert.equal(r.Properties.ManagedPolicyArns, undefined, `${id} has no broad managed policies`);
    }
  });

  test('the watcher role is assumable through EKS Pod Identity only', () => {
    const trust = resource('WatcherRole').Properties.AssumeRolePolicyDocument as { Statement: Json[] };
    assert.deepEqual(
      trust.Statement.map((s) => s.Principal),
      [{ Service: 'pods.eks.amazonaws.com' }],
    );
  });

  test('the rest-config secret and the functions agree on names and URLs', () => {
    assert.equal(resource('RestConfigSecret').Properties.SecretString, '{}');
    const env = (resource('ReconcileLambdaFunction').Properties.Environment as { Variables: Json }).Variables;
    assert.deepEqual(env.ARGOSY_SECRET_NAME, { Ref: 'RestConfigSecret' });
    assert.equal(env.ARGOSY_SECRET_STORE, 'aws-secretsmanager');
    assert.deepEqual(env.ARGOSY_QUEUE_URL, { Ref: 'WorkQueue' });
    assert.deepEqual(env.ARGOSY_TIMER_QUEUE_URL, { Ref: 'TimerQueue' });
    assert.deepEqual(env.ARGOSY_DLQ_URL, { Ref: 'WorkDeadLetterQueue' });
    assert.equal(env.ARGOSY_CLUSTER_NAME, 'main');
    // Empty = the built-in placement policy (a literal such as "default" would not parse).
    assert.equal(env.ARGOSY_PLACEMENT_POLICY, '');
  });

  test('each function zip holds its bundled ESM handler and source map, and no node_modules', async () => {
    for (const fn of ['reconcile', 'timer', 'resync']) {
      const zip = await readFile(join(outDir, `${fn}.zip`));
      // Entry names are stored uncompressed in zip headers.
      const names = zip.toString('latin1');
      assert.ok(names.includes(`functions/${fn}/handler.mjs`), `${fn}.zip has handler.mjs`);
      assert.ok(names.includes(`functions/${fn}/handler.mjs.map`), `${fn}.zip has the source map`);
      assert.ok(!names.includes('node_modules/'), `${fn}.zip has no node_modules (SDK v3 comes with the runtime)`);
      assert.ok(zip.length < 2 * 1024 * 1024, `${fn}.zip is ${zip.length} bytes`);
    }
    const handler = (resource('ReconcileLambdaFunction').Properties as Json).Handler;
    assert.equal(handler, 'functions/reconcile/handler.handler');
  });

  test('alarms watch DLQ depth and queue age', () => {
    const alarms = byType('AWS::CloudWatch::Alarm').map(([, a]) => a.Properties);
    const on = (metric: string, queue: string) =>
      alarms.find(
        (a) =>
          a.MetricName === metric &&
          JSON.stringify(a.Dimensions) ===
            JSON.stringify([{ Name: 'QueueName', Value: { 'Fn::GetAtt': [queue, 'QueueName'] } }]),
      );
    const dlq = on('ApproximateNumberOfMessagesVisible', 'WorkDeadLetterQueue');
    assert.ok(dlq, 'DLQ depth alarm');
    assert.equal(dlq.Threshold, 0);
    assert.equal(dlq.ComparisonOperator, 'GreaterThanThreshold');
    assert.ok(on('ApproximateNumberOfMessagesVisible', 'TimerDeadLetterQueue'), 'timer DLQ depth alarm');
    assert.ok(on('ApproximateAgeOfOldestMessage', 'WorkQueue'), 'work queue age alarm');
  });

  test('outputs give the watcher and the CLI what they need', () => {
    for (const key of [
      'WorkQueueUrl',
      'WorkQueueArn',
      'WorkDeadLetterQueueUrl',
      'TimerQueueUrl',
      'RestConfigSecretArn',
      'ReconcileRoleArn',
      'WatcherRoleArn',
      'ReconcileFunctionName',
      'ResyncFunctionName',
    ]) {
      assert.ok(outputs[key], `output ${key}`);
    }
  });
});
