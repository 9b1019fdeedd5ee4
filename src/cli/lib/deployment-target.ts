/**
 * Where the operations commands act: an AWS deployment (queue URLs and function names from a stack
 * outputs file and/or flags) or the local stack of a running `argosy dev` (its state file). Order:
 * `--local` forces the dev stack; any AWS flag (`--outputs`, `--stage`, `--queue-url`, ...) picks
 * AWS, flags overriding the outputs file; otherwise a running `argosy dev`; otherwise a usage error
 * saying what to pass.
 */
import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import { readDevState, type DevState } from './dev-state.ts';
import { usageError } from './errors.ts';

/** Flags shared by replay, controller, resync and doctor. */
export interface TargetFlags {
  local?: boolean;
  outputs?: string;
  stage?: string;
  service?: string;
  region?: string;
  queueUrl?: string;
  dlqUrl?: string;
  queueArn?: string;
  function?: string;
  resyncFunction?: string;
  secretId?: string;
}

export interface AwsTarget {
  kind: 'aws';
  region?: string;
  queueUrl?: string;
  dlqUrl?: string;
  timerQueueUrl?: string;
  timerDlqUrl?: string;
  queueArn?: string;
  reconcileFunction?: string;
  resyncFunction?: string;
  secretId?: string;
}

export interface LocalTarget {
  kind: 'local';
  state: DevState;
}

export type OpsTarget = AwsTarget | LocalTarget;

/** Adds the target flags to a command. */
export function withTargetOptions(cmd: Command): Command {
  return cmd
    .option('--local', 'act on the running `argosy dev` stack (its state file)')
    .option('--outputs <file>', 'CloudFormation stack outputs JSON (aws cloudformation describe-stacks)')
    .option('--stage <stage>', 'serverless stage: derives function names <service>-<stage>-reconcile|resync')
    .option('--service <name>', 'serverless service name', 'argosy')
    .option('--region <region>', 'AWS region (default: from the queue URL, then the SDK)')
    .option('--queue-url <url>', 'work queue URL (FIFO)')
    .option('--dlq-url <url>', 'dead-letter queue URL')
    .option('--queue-arn <arn>', 'work queue ARN (picks the event source mapping)')
    .option('--function <name>', 'reconcile function name')
    .option('--resync-function <name>', 'resync function name')
    .option('--secret-id <id>', 'Secrets Manager secret holding the rest-config entries');
}

const OUTPUT_KEYS: Record<string, keyof AwsTarget> = {
  WorkQueueUrl: 'queueUrl',
  WorkDeadLetterQueueUrl: 'dlqUrl',
  WorkQueueArn: 'queueArn',
  TimerQueueUrl: 'timerQueueUrl',
  TimerDeadLetterQueueUrl: 'timerDlqUrl',
  ReconcileFunctionName: 'reconcileFunction',
  ResyncFunctionName: 'resyncFunction',
  RestConfigSecretArn: 'secretId',
};

/**
 * Reads stack outputs in any of the shapes people save: `describe-stacks` as is, its
 * `Stacks[0].Outputs` list, or a flat `{ "WorkQueueUrl": "..." }` map.
 */
export function parseStackOutputs(text: string): Partial<AwsTarget> {
  const doc = JSON.parse(text) as unknown;
  const flat: Record<string, string> = {};
  const list = Array.isArray(doc)
    ? doc
    : ((doc as { Stacks?: { Outputs?: unknown[] }[] }).Stacks?.[0]?.Outputs ?? undefined);
  if (Array.isArray(list)) {
    for (const o of list as { OutputKey?: string; OutputValue?: string }[]) {
      if (o.OutputKey && o.OutputValue !== undefined) flat[o.OutputKey] = o.OutputValue;
    }
  } else if (doc && typeof doc === 'object') {
    for (const [k, v] of Object.entries(doc)) if (typeof v === 'string') flat[k] = v;
  }
  const out: Partial<AwsTarget> = {};
  for (const [key, field] of Object.entries(OUTPUT_KEYS)) {
    if (flat[key]) (out as Record<string, string>)[field] = flat[key];
  }
  return out;
}

/** The region in an SQS queue URL (`https://sqs.<region>.amazonaws.com/...`). */
export function regionOfQueueUrl(url: string | undefined): string | undefined {
  return url ? /^https:\/\/sqs[.-]([a-z0-9-]+)\.amazonaws\.com/.exec(url)?.[1] : undefined;
}

function isAwsRequested(f: TargetFlags): boolean {
  return Boolean(f.outputs || f.stage || f.queueUrl || f.dlqUrl || f.function || f.resyncFunction || f.secretId);
}

function awsTarget(f: TargetFlags): AwsTarget {
  let fromFile: Partial<AwsTarget> = {};
  if (f.outputs) {
    try {
      fromFile = parseStackOutputs(readFileSync(f.outputs, 'utf8'));
    } catch (e) {
      throw usageError(
        `cannot read stack outputs ${f.outputs}: ${(e as Error).message}`,
        "aws cloudformation describe-stacks --stack-name argosy-<stage> --query 'Stacks[0].Outputs' > outputs.json",
      );
    }
  }
  const service = f.service ?? 'argosy';
  const byStage = f.stage
    ? { reconcileFunction: `${service}-${f.stage}-reconcile`, resyncFunction: `${service}-${f.stage}-resync` }
    : {};
  const t: AwsTarget = { kind: 'aws', ...byStage, ...fromFile };
  const flags: Partial<AwsTarget> = {
    queueUrl: f.queueUrl,
    dlqUrl: f.dlqUrl,
    queueArn: f.queueArn,
    reconcileFunction: f.function,
    resyncFunction: f.resyncFunction,
    secretId: f.secretId,
    region: f.region,
  };
  for (const [k, v] of Object.entries(flags)) if (v) (t as unknown as Record<string, string>)[k] = v;
  t.region ??= regionOfQueueUrl(t.queueUrl) ?? regionOfQueueUrl(t.dlqUrl);
  return t;
}

/** Picks the target (see the module comment). `home` is the CLI's state directory. */
export function resolveOpsTarget(flags: TargetFlags, home: string): OpsTarget {
  if (!flags.local && isAwsRequested(flags)) return awsTarget(flags);
  const state = readDevState(home);
  if (state) return { kind: 'local', state };
  throw usageError(
    flags.local ? 'no running `argosy dev` (no live state file in ' + home + ')' : 'nothing to act on',
    flags.local
      ? 'start `argosy dev` in another terminal'
      : 'pass --outputs outputs.json (or --stage/--queue-url/--function) for AWS, or start `argosy dev`',
  );
}

/** Throws a usage error naming the flag when an AWS value is missing. */
export function need<T>(value: T | undefined, what: string, flag: string): T {
  if (value === undefined || value === '') {
    throw usageError(`${what} is not known`, `pass ${flag} or --outputs with the stack outputs`);
  }
  return value;
}
