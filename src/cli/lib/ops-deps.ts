/**
 * What the operations commands need from the outside world, with defaults that build real AWS SDK
 * clients. Tests pass clients pointed at the local emulator or an SDK mock instead.
 */
import { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import { LambdaClient } from '@aws-sdk/client-lambda';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import type { SQSClient } from '@aws-sdk/client-sqs';
import { createSqsClient } from '../../adapters/aws/sqs-client.ts';
import { processIo, type Io } from './context.ts';
import { failure, isCliError } from './errors.ts';
import type { OpsTarget } from './deployment-target.ts';

export interface OpsDeps {
  io: Io;
  sqs(target: OpsTarget): SQSClient;
  lambda(region?: string): LambdaClient;
  secrets(region?: string): SecretsManagerClient;
  cloudwatch(region?: string): CloudWatchClient;
  /** `fetch` for the dev control endpoint and the watcher's /healthz. */
  fetch: typeof fetch;
  /** Sets the process exit code (tests capture it). */
  setExitCode(code: number): void;
}

const withRegion = (region?: string) => (region ? { region } : {});

/** Real clients; the SDK resolves credentials (and the region when not given) itself. */
export const defaultOpsDeps: OpsDeps = {
  io: processIo,
  sqs: (t) =>
    t.kind === 'local' ? createSqsClient({ endpoint: t.state.sqsEndpoint }) : createSqsClient(withRegion(t.region)),
  lambda: (region) => new LambdaClient(withRegion(region)),
  secrets: (region) => new SecretsManagerClient(withRegion(region)),
  cloudwatch: (region) => new CloudWatchClient(withRegion(region)),
  fetch: (...args) => fetch(...args),
  setExitCode: (code) => {
    process.exitCode = code;
  },
};

/** Fills unspecified dependencies with the defaults. */
export function opsDeps(overrides: Partial<OpsDeps> = {}): OpsDeps {
  return { ...defaultOpsDeps, ...overrides };
}

/**
 * Turns the AWS SDK errors operators actually meet into one-line failures with a next step;
 * anything else passes through unchanged.
 */
export function explainAwsError(e: unknown): unknown {
  if (isCliError(e)) return e;
  const err = e as { name?: string; message?: string };
  const name = err.name ?? '';
  if (name === 'CredentialsProviderError') {
    return failure(
      'no AWS credentials found',
      'set AWS_PROFILE, run `aws sso login`, or export AWS_ACCESS_KEY_ID/…',
      e,
    );
  }
  if (/AccessDenied/.test(name)) {
    return failure(
      `AWS refused: ${err.message ?? name}`,
      'your identity lacks this permission (docs/operations.md lists what each command needs)',
      e,
    );
  }
  if (/NonExistentQueue|QueueDoesNotExist|ResourceNotFound/.test(name)) {
    return failure(
      `not found in AWS: ${err.message ?? name}`,
      'check --region and --stage, or refresh outputs.json',
      e,
    );
  }
  return e;
}

/** Wraps a command action so AWS errors come out explained. */
export function explained<A extends unknown[]>(fn: (...args: A) => Promise<void>): (...args: A) => Promise<void> {
  return async (...args: A) => {
    try {
      await fn(...args);
    } catch (e) {
      throw explainAwsError(e);
    }
  };
}
