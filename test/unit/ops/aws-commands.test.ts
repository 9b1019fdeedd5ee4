// The ops commands' AWS side: which target they resolve, and the exact AWS calls they make, checked
// with aws-sdk-client-mock (no network). The local side runs for real in test/integration/ops.
import { afterEach, before, after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CloudWatchClient, GetMetricStatisticsCommand } from '@aws-sdk/client-cloudwatch';
import {
  InvokeCommand,
  LambdaClient,
  ListEventSourceMappingsCommand,
  UpdateEventSourceMappingCommand,
} from '@aws-sdk/client-lambda';
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { GetQueueAttributesCommand, ReceiveMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { mockClient } from 'aws-sdk-client-mock';
import type { Command } from 'commander';
import { makeControllerCommand } from '../../../src/cli/commands/controller.ts';
import { makeDoctorCommand } from '../../../src/cli/commands/doctor.ts';
import { makeResyncCommand } from '../../../src/cli/commands/resync.ts';
import type { OpsDeps } from '../../../src/cli/lib/ops-deps.ts';
import { explainAwsError } from '../../../src/cli/lib/ops-deps.ts';
import { parseStackOutputs, regionOfQueueUrl, resolveOpsTarget } from '../../../src/cli/lib/deployment-target.ts';

const lambda = mockClient(LambdaClient);
const sqs = mockClient(SQSClient);
const secrets = mockClient(SecretsManagerClient);
const cloudwatch = mockClient(CloudWatchClient);

const queueUrl = 'https://sqs.eu-west-1.amazonaws.com/123456789012/argosy-prod-work.fifo';
const dlqUrl = 'https://sqs.eu-west-1.amazonaws.com/123456789012/argosy-prod-work-dlq.fifo';
const timerDlqUrl = 'https://sqs.eu-west-1.amazonaws.com/123456789012/argosy-prod-timer-dlq';
const queueArn = 'arn:aws:sqs:eu-west-1:123456789012:argosy-prod-work.fifo';
const outputsList = [
  { OutputKey: 'WorkQueueUrl', OutputValue: queueUrl },
  { OutputKey: 'WorkDeadLetterQueueUrl', OutputValue: dlqUrl },
  { OutputKey: 'WorkQueueArn', OutputValue: queueArn },
  { OutputKey: 'TimerDeadLetterQueueUrl', OutputValue: timerDlqUrl },
  { OutputKey: 'ReconcileFunctionName', OutputValue: 'argosy-prod-reconcile' },
  { OutputKey: 'ResyncFunctionName', OutputValue: 'argosy-prod-resync' },
  {
    OutputKey: 'RestConfigSecretArn',
    OutputValue: 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:argosy/prod/rest-config-AbCdEf',
  },
];

let dir: string;
let outputsFile: string;

before(() => {
  dir = mkdtempSync(join(tmpdir(), 'argosy-ops-unit-'));
  process.env.ARGOSY_HOME = join(dir, 'home'); // no argosy dev here
  outputsFile = join(dir, 'outputs.json');
  writeFileSync(outputsFile, JSON.stringify(outputsList));
});
after(() => rmSync(dir, { recursive: true, force: true }));
afterEach(() => {
  for (const m of [lambda, sqs, secrets, cloudwatch]) m.reset();
});

async function run(make: (deps: Partial<OpsDeps>) => Command, args: string[]) {
  let out = '';
  let code: number | undefined;
  const cmd = make({
    io: { out: (t) => void (out += t), err: (t) => void (out += t), isTTY: false },
    setExitCode: (c) => void (code = c),
  });
  cmd.exitOverride();
  await cmd.parseAsync(args, { from: 'user' });
  return { out, code };
}

describe('ops target resolution', () => {
  test('stack outputs are read in the three shapes people save', () => {
    const want = parseStackOutputs(JSON.stringify(outputsList));
    assert.equal(want.queueUrl, queueUrl);
    assert.equal(want.reconcileFunction, 'argosy-prod-reconcile');
    assert.deepEqual(parseStackOutputs(JSON.stringify({ Stacks: [{ Outputs: outputsList }] })), want);
    const flat = Object.fromEntries(outputsList.map((o) => [o.OutputKey, o.OutputValue]));
    assert.deepEqual(parseStackOutputs(JSON.stringify(flat)), want);
  });

  test('flags override the outputs file; --stage derives function names; the region comes from the URL', () => {
    const t = resolveOpsTarget({ outputs: outputsFile, function: 'custom-reconcile' }, join(dir, 'home'));
    assert.equal(t.kind, 'aws');
    if (t.kind !== 'aws') return;
    assert.equal(t.reconcileFunction, 'custom-reconcile');
    assert.equal(t.resyncFunction, 'argosy-prod-resync');
    assert.equal(t.region, 'eu-west-1');
    const s = resolveOpsTarget({ stage: 'dev', service: 'argosy' }, join(dir, 'home'));
    assert.deepEqual(s.kind === 'aws' && [s.reconcileFunction, s.resyncFunction], [
      'argosy-dev-reconcile',
      'argosy-dev-resync',
    ]);
    assert.equal(regionOfQueueUrl('http://127.0.0.1:4566/000000000000/q'), undefined);
  });

  test('a missing outputs file is a usage error with the command that makes one', () => {
    assert.throws(
      () => resolveOpsTarget({ outputs: join(dir, 'nope.json') }, join(dir, 'home')),
      (e: Error & { exitCode?: number; hint?: string }) => e.exitCode === 2 && /describe-stacks/.test(e.hint ?? ''),
    );
  });
});

describe('ops commands against AWS', () => {
  test('controller pause disables the mapping of the reconcile function named in the outputs', async () => {
    lambda.on(ListEventSourceMappingsCommand).resolves({
      EventSourceMappings: [{ UUID: 'm-1', EventSourceArn: queueArn, State: 'Enabled' }],
    });
    lambda.on(UpdateEventSourceMappingCommand).resolves({});
    const r = await run(makeControllerCommand, ['pause', '--outputs', outputsFile]);
    assert.equal(r.code, 0);
    assert.match(r.out, /paused/);
    assert.deepEqual(lambda.commandCalls(ListEventSourceMappingsCommand)[0]!.args[0].input, {
      FunctionName: 'argosy-prod-reconcile',
      EventSourceArn: queueArn,
    });
    assert.deepEqual(lambda.commandCalls(UpdateEventSourceMappingCommand)[0]!.args[0].input, {
      UUID: 'm-1',
      Enabled: false,
    });
  });

  test('resync invokes the resync function synchronously and reports how many were nudged', async () => {
    lambda.on(InvokeCommand).resolves({ StatusCode: 200, Payload: new TextEncoder().encode('{"nudged":3}') as never });
    const r = await run(makeResyncCommand, ['--stage', 'prod', '--region', 'eu-west-1']);
    assert.match(r.out, /resync ran \(3 workflow\(s\) nudged\)/);
    const input = lambda.commandCalls(InvokeCommand)[0]!.args[0].input;
    assert.equal(input.FunctionName, 'argosy-prod-resync');
    assert.equal(input.InvocationType, 'RequestResponse');

    lambda
      .on(InvokeCommand)
      .resolves({ FunctionError: 'Unhandled', Payload: new TextEncoder().encode('{"errorMessage":"boom"}') as never });
    await assert.rejects(
      run(makeResyncCommand, ['--stage', 'prod']),
      (e: Error & { exitCode?: number }) => e.exitCode === 1 && /boom/.test(e.message),
    );
  });

  test('doctor reports a paused event source, dead letters and an old queue, and exits 1', async () => {
    sqs.on(GetQueueAttributesCommand, { QueueUrl: queueUrl }).resolves({
      Attributes: { ApproximateNumberOfMessages: '12', ApproximateNumberOfMessagesNotVisible: '0' },
    });
    sqs.on(GetQueueAttributesCommand, { QueueUrl: dlqUrl }).resolves({
      Attributes: { ApproximateNumberOfMessages: '2', ApproximateNumberOfMessagesNotVisible: '0' },
    });
    sqs.on(GetQueueAttributesCommand, { QueueUrl: timerDlqUrl }).resolves({
      Attributes: { ApproximateNumberOfMessages: '4', ApproximateNumberOfMessagesNotVisible: '0' },
    });
    sqs.on(ReceiveMessageCommand).resolves({
      Messages: [{ MessageId: 'x', Attributes: { SentTimestamp: String(Date.now() - 50 * 3600_000) } }],
    });
    cloudwatch.on(GetMetricStatisticsCommand).resolves({ Datapoints: [{ Maximum: 900 }, { Maximum: 840 }] });
    lambda.on(ListEventSourceMappingsCommand).resolves({
      EventSourceMappings: [{ UUID: 'm-1', EventSourceArn: queueArn, State: 'Disabled', BatchSize: 10 }],
    });
    secrets.on(GetSecretValueCommand).resolves({
      SecretString: JSON.stringify({ 'other.': { Host: 'https://other.example' }, 'bad/key/x': {} }),
    });

    const r = await run(makeDoctorCommand, ['--outputs', outputsFile, '--no-clusters']);

    assert.equal(r.code, 1);
    assert.match(r.out, /ok\s+work queue\s+12 waiting/);
    assert.match(r.out, /FAIL\s+work queue age\s+oldest nudge waited 900 s/);
    assert.match(r.out, /FAIL\s+dead letters\s+2 dead-lettered nudge\(s\); oldest 50 h old, 28[56] h left to replay/);
    assert.match(r.out, /FAIL\s+event source\s+argosy-prod-reconcile \(batch 10.*\): Disabled/);
    assert.match(r.out, /argosy controller resume/);
    assert.match(r.out, /ok\s+rest-config\s+.*1 entry \(other\.\)/);
    assert.match(r.out, /WARN\s+rest-config\s+invalid key "bad\/key\/x"/);
    assert.match(r.out, /skip\s+watcher/);
    assert.match(r.out, /WARN\s+timer dead letters\s+4 dead-lettered wake-up/);
    // The DLQ peek must not hide messages from replay.
    assert.equal(sqs.commandCalls(ReceiveMessageCommand)[0]!.args[0].input.VisibilityTimeout, 0);
    assert.doesNotMatch(r.out, /other\.example/, 'no entry contents in the output');
  });

  test('AWS errors come out as one line with a next step', () => {
    const denied = Object.assign(new Error('not authorized to perform sqs:ReceiveMessage'), { name: 'AccessDenied' });
    const e = explainAwsError(denied) as Error & { exitCode?: number; hint?: string };
    assert.equal(e.name, 'CliError');
    assert.equal(e.exitCode, 1);
    assert.match(e.hint ?? '', /permission/);
    const other = new Error('something else');
    assert.equal(explainAwsError(other), other);
  });
});
