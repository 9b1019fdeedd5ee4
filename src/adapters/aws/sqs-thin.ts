/**
 * A thin SQS client for the Lambda functions: the three calls of {@link SqsSender} as SigV4-signed
 * HTTPS requests in the AWS JSON protocol (signed-json.ts). Loading `@aws-sdk/client-sqs` was a large
 * part of every cold start for these three calls (docs/performance.md). Failures are thrown as an {@link SqsRequestError}.
 */
import type { Config } from '../../config.ts';
import { AwsJsonRequestError, signedJsonCall, type JsonService, type SignedJsonOptions } from './signed-json.ts';
import { toSqsSender, type SqsSender } from './sqs-sender.ts';

export interface ThinSqsOptions extends SignedJsonOptions {
  /** Endpoint override (`http://127.0.0.1:port`); absent = the queue URL's origin. */
  endpoint?: string;
}

/** An SQS error answer (or a failed request), named like the SDK names it. */
export class SqsRequestError extends AwsJsonRequestError {
  constructor(action: string, name: string, message: string, status?: number, options?: { cause?: unknown }) {
    super('SQS', action, name, message, status, options);
  }
}

const SQS: JsonService = {
  signingName: 'sqs',
  targetPrefix: 'AmazonSQS',
  jsonVersion: '1.0',
  error: (...args) => new SqsRequestError(...args),
};

/** Creates the thin client. */
export function createThinSqsClient(options: ThinSqsOptions): SqsSender {
  const call = <T>(action: string, input: { QueueUrl: string }) =>
    signedJsonCall<T>(options, SQS, options.endpoint ?? input.QueueUrl, action, input);
  return {
    sendMessage: (input) => call('SendMessage', input),
    sendMessageBatch: (input) => call('SendMessageBatch', input),
    changeMessageVisibilityBatch: (input) => call('ChangeMessageVisibilityBatch', input),
  };
}

/**
 * The Lambda functions' SQS sender: the thin client with the runtime's credentials (read through
 * config), or — without credentials in the environment (an unusual runtime) — the SDK client with
 * its own credential resolution, imported on first use.
 */
export function lambdaSqsSender(
  config: Pick<
    Config,
    'awsRegion' | 'awsAccessKeyId' | 'awsSecretAccessKey' | 'awsSessionToken' | 'sqsEndpoint' | 'queueUrl'
  >,
): SqsSender {
  if (config.awsAccessKeyId && config.awsSecretAccessKey) {
    return createThinSqsClient({
      region: config.awsRegion || regionOf(config.queueUrl),
      credentials: {
        accessKeyId: config.awsAccessKeyId,
        secretAccessKey: config.awsSecretAccessKey,
        ...(config.awsSessionToken ? { sessionToken: config.awsSessionToken } : {}),
      },
      ...(config.sqsEndpoint ? { endpoint: config.sqsEndpoint } : {}),
    });
  }
  let sdk: Promise<SqsSender> | undefined;
  const get = () => (sdk ??= import('./sqs-client.ts').then((m) => toSqsSender(m.createSqsClient())));
  return {
    sendMessage: async (input) => (await get()).sendMessage(input),
    sendMessageBatch: async (input) => (await get()).sendMessageBatch(input),
    changeMessageVisibilityBatch: async (input) => (await get()).changeMessageVisibilityBatch(input),
  };
}

/** The region in an SQS queue URL (`https://sqs.<region>.amazonaws.com/...`), else us-east-1. */
export function regionOf(queueUrl: string): string {
  return /^https?:\/\/sqs\.([a-z0-9-]+)\.amazonaws\./.exec(queueUrl)?.[1] ?? 'us-east-1';
}
