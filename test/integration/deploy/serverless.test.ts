// Packages the real serverless.yml offline with osls (no AWS account, no login) once, then checks
// the CloudFormation template it would deploy: the wiring that decides correctness in AWS (FIFO
// event source, partial batch failures, dead-lettering) and least-privilege IAM.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { configEnvNames } from '../../../src/config.ts';
import { renderKustomization } from '../../../src/local/kustomize.ts';
import {
  asList,
  packageService,
  repoRoot,
  statementsOf as statementsIn,
  type Json,
  type Packaged,
  type Resource,
  type Statement,
} from './packaged.ts';

let packaged: Packaged | undefined;
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
  return statementsIn(resources, roleId);
}

function actions(s: Statement): string[] {
  return asList(s.Action);
}

/** Resources a role may call `action` on, as CloudFormation expressions. */
function resourcesFor(roleId: string, action: string): unknown[] {
  return statementsOf(roleId)
    .filter((s) => s.Effect === 'Allow' && actions(s).includes(action))
    .flatMap((s) => asList(s.Resource));
}

/** cfn-lint's exit code (-1: could not run it) and output. W3005 is osls's own DependsOn on the roles. */
function cfnLint(path: string): Promise<{ code: number; out: string }> {
  return new Promise((resolve) => {
    execFile(
      'cfn-lint',
      ['--format', 'parseable', '--ignore-checks', 'W3005', '--', path],
      { timeout: 120_000 },
      (error, stdout, stderr) =>
        resolve({ code: error ? (typeof error.code === 'number' ? error.code : -1) : 0, out: stdout + stderr }),
    );
  });
}

const arnOf = (id: string) => ({ 'Fn::GetAtt': [id, 'Arn'] });
const sortJson = (xs: unknown[]) => xs.map((x) => JSON.stringify(x)).sort();
const sortByRef = (a: unknown, b: unknown) => JSON.stringify(a).localeCompare(JSON.stringify(b));

before(async () => {
  packaged = await packageService();
  ({ outDir, resources, outputs } = packaged);
});

/** One more packaging, with every optional stage parameter set (shared: packaging is slow). */
let withParamsP: Promise<Packaged> | undefined;
const withParams = () =>
  (withParamsP ??= packageService([
    'managedNamespace=argo',
    'instanceId=blue',
    'vpcSubnetIds=subnet-0123456789abcdef0,subnet-0123456789abcdef1',
    'vpcSecurityGroupIds=sg-0123456789abcdef0',
  ]));

after(async () => {
  await packaged?.remove();
  if (withParamsP) await (await withParamsP).remove();
});

describe('serverless.yml packaged with osls', () => {
  test('every function runs nodejs22.x on arm64 with its own role', () => {
    const fns = byType('AWS::Lambda::Function');
    assert.deepEqual(fns.map(([id]) => id).sort(), [
      'CronLambdaFunction',
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

  test('timer uses a standard delay queue with its own DLQ; resync runs every 5 minutes, cron every minute', () => {
    const timerQueue = resource('TimerQueue').Properties;
    assert.equal(timerQueue.FifoQueue, undefined);
    assert.deepEqual((timerQueue.RedrivePolicy as Json).deadLetterTargetArn, arnOf('TimerDeadLetterQueue'));
    const mapping = resource('TimerEventSourceMappingSQSTimerQueue').Properties;
    assert.deepEqual(mapping.EventSourceArn, arnOf('TimerQueue'));
    assert.deepEqual(mapping.FunctionResponseTypes, ['ReportBatchItemFailures']);
    const rules = byType('AWS::Events::Rule').map(([, r]) => [
      r.Properties.ScheduleExpression,
      (r.Properties.Targets as Json[]).map((t) => t.Arn),
    ]);
    // Without the cron rule a CronWorkflow would be stored and never scheduled, with no error anywhere.
    assert.deepEqual(
      sortJson(rules),
      sortJson([
        ['rate(5 minutes)', [arnOf('ResyncLambdaFunction')]],
        ['rate(1 minute)', [arnOf('CronLambdaFunction')]],
      ]),
    );
  });

  test('IAM: each role may touch exactly its queues, secret and log group', () => {
    assert.deepEqual(resourcesFor('ReconcileRole', 'sqs:ReceiveMessage'), [arnOf('WorkQueue')]);
    // The follow-up nudge after maxPodCreates goes to the work queue, wake-ups to the timer queue,
    // and the retry backoff shortens a failed record's visibility on the work queue.
    assert.deepEqual(
      sortJson(resourcesFor('ReconcileRole', 'sqs:SendMessage')),
      sortJson([arnOf('TimerQueue'), arnOf('WorkQueue')]),
    );
    assert.deepEqual(resourcesFor('ReconcileRole', 'sqs:ChangeMessageVisibility'), [arnOf('WorkQueue')]);
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

    // The cron evaluator talks only to the main cluster: no queue at all.
    assert.deepEqual(resourcesFor('CronRole', 'secretsmanager:GetSecretValue'), [{ Ref: 'RestConfigSecret' }]);
    assert.deepEqual(resourcesFor('CronRole', 'logs:PutLogEvents'), [arnOf('CronLogGroup')]);
    assert.doesNotMatch(JSON.stringify(statementsOf('CronRole')), /sqs:/);

    assert.deepEqual(resourcesFor('WatcherRole', 'sqs:SendMessage'), [arnOf('WorkQueue')]);
    // Nobody may read or delete from the dead-letter queue: replay is an operator action.
    for (const role of ['ReconcileRole', 'TimerRole', 'ResyncRole', 'CronRole', 'WatcherRole']) {
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
      // The only managed policy: AWS's ENI permissions, and only when the functions are in a VPC.
      const managed = r.Properties.ManagedPolicyArns;
      if (id === 'WatcherRole') assert.equal(managed, undefined, id);
      else
        assert.deepEqual(
          managed,
          {
            'Fn::If': [
              'InVpc',
              [{ 'Fn::Sub': 'arn:${AWS::Partition}:iam::aws:policy/service-role/AWSLambdaVPCAccessExecutionRole' }],
              { Ref: 'AWS::NoValue' },
            ],
          },
          `${id} has no broad managed policies`,
        );
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
    for (const fn of ['reconcile', 'timer', 'resync', 'cron']) {
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

  test("alarms on every function's errors and throttles; failed scheduled runs reach the alarm topic", () => {
    const alarms = byType('AWS::CloudWatch::Alarm').map(([, a]) => a.Properties);
    for (const [fn] of byType('AWS::Lambda::Function')) {
      for (const metric of ['Errors', 'Throttles']) {
        const a = alarms.find(
          (x) =>
            x.Namespace === 'AWS/Lambda' &&
            x.MetricName === metric &&
            JSON.stringify(x.Dimensions) === JSON.stringify([{ Name: 'FunctionName', Value: { Ref: fn } }]),
        );
        assert.ok(a, `${metric} alarm on ${fn}`);
        assert.deepEqual(a.AlarmActions, [{ Ref: 'AlarmTopic' }]);
      }
    }
    const invoke = byType('AWS::Lambda::EventInvokeConfig').map(([, c]) => c.Properties);
    assert.deepEqual(invoke.map((c) => c.FunctionName).sort(sortByRef), [
      { Ref: 'CronLambdaFunction' },
      { Ref: 'ResyncLambdaFunction' },
    ]);
    for (const conf of invoke) {
      const OnFailure = (conf.DestinationConfig as { OnFailure: Json }).OnFailure;
      assert.deepEqual(OnFailure, { Destination: { Ref: 'AlarmTopic' } });
      assert.equal(conf.MaximumRetryAttempts, 0, 'the next scheduled run is the retry');
    }
    assert.deepEqual(resourcesFor('ResyncRole', 'sns:Publish'), [{ Ref: 'AlarmTopic' }]);
    assert.deepEqual(resourcesFor('CronRole', 'sns:Publish'), [{ Ref: 'AlarmTopic' }]);
  });

  test('the functions get every setting they share with the watcher (namespaced install, instance id)', async () => {
    // Settings the watcher and the functions must agree on. A namespaced watcher with functions
    // that list every namespace gets 403 from the resync every 5 minutes.
    const shared = ['clusterName', 'controllerNamespace', 'managedNamespace', 'instanceId', 'secretName'] as const;
    const env = (resource('ResyncLambdaFunction').Properties.Environment as { Variables: Json }).Variables;
    for (const key of shared) assert.ok(configEnvNames[key] in env, `functions get ${configEnvNames[key]}`);
    const cm = renderKustomization(join(repoRoot, 'infra/k8s/namespaced')).find((o) => o.kind === 'ConfigMap')!;
    for (const name of Object.keys(cm.data as Json)) {
      if ((Object.values(configEnvNames) as string[]).includes(name) && shared.some((k) => configEnvNames[k] === name))
        assert.ok(name in env, `${name} is a function setting too`);
    }
    const namespaced = await withParams();
    {
      const vars = (namespaced.resources.ResyncLambdaFunction!.Properties.Environment as { Variables: Json }).Variables;
      assert.equal(vars.ARGOSY_MANAGED_NAMESPACE, 'argo');
      assert.equal(vars.ARGOSY_INSTANCE_ID, 'blue');
    }
  });

  test('VPC from stage parameters: none by default, subnets and security groups when given', async () => {
    const vpcOf = (res: Record<string, Resource>, fn: string) => res[fn]!.Properties.VpcConfig;
    for (const [fn] of byType('AWS::Lambda::Function')) {
      assert.deepEqual(vpcOf(resources, fn), {
        'Fn::If': [
          'InVpc',
          { SubnetIds: { Ref: 'VpcSubnetIds' }, SecurityGroupIds: { Ref: 'VpcSecurityGroupIds' } },
          { Ref: 'AWS::NoValue' },
        ],
      });
    }
    const template = JSON.parse(await readFile(packaged!.templatePath, 'utf8')) as {
      Parameters: Record<string, { Default: string }>;
    };
    assert.equal(template.Parameters.VpcSubnetIds!.Default, '', 'no VPC unless asked');
    const inVpc = await withParams();
    {
      const t = JSON.parse(await readFile(inVpc.templatePath, 'utf8')) as typeof template;
      assert.equal(t.Parameters.VpcSubnetIds!.Default, 'subnet-0123456789abcdef0,subnet-0123456789abcdef1');
      assert.equal(t.Parameters.VpcSecurityGroupIds!.Default, 'sg-0123456789abcdef0');
      assert.equal(await cfnLint(inVpc.templatePath).then((r) => r.code), 0);
    }
  });

  test('cfn-lint finds no errors and no warnings in the packaged template', async () => {
    // cfn-lint is preinstalled on the CI machines (no PyPI here to install it from): its absence is a
    // failure, never a skip. W3005 is osls's own DependsOn on the function roles, not ours.
    const r = await cfnLint(packaged!.templatePath);
    assert.notEqual(r.code, -1, `cfn-lint must be installed (pip's cfn-lint, on PATH): ${r.out}`);
    assert.equal(r.code, 0, r.out);
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
      'CronRoleArn',
      'CronFunctionName',
    ]) {
      assert.ok(outputs[key], `output ${key}`);
    }
  });
});
