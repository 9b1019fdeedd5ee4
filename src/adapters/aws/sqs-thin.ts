/**
 * A thin SQS client for the Lambda functions: the three calls of {@link SqsSender} as SigV4-signed
 * HTTPS requests in the AWS JSON protocol (`POST /`, `X-Amz-Target: AmazonSQS.<Action>`, the SDK's
 * field names as the JSON body). Loading `@aws-sdk/client-sqs` took ~39 ms of every cold start for
 * these three calls. The signer (`@smithy/signature-v4`) is imported on the first call, not at INIT.
 * Throttling and 5xx answers are retried like the SDK's standard mode does (3 attempts), then thrown
 * as an {@link SqsRequestError} that `isThrottling` (errors.ts) classifies as the SDK's errors.
 */
import type * as SignatureV4Module from '@smithy/signature-v4';
import type { AwsCredentialIdentity } from '@smithy/types';
import { NodeSha256 } from '../../clusters/eks-token.ts';
import { isThrottling } from './errors.ts';
import type { Config } from '../../config.ts';
import { toSqsSender, type SqsSender } from './sqs-sender.ts';

export interface ThinSqsOptions {
  region: string;
  credentials: AwsCredentialIdentity;
  /** Endpoint override (`http://127.0.0.1:port`); absent = the queue URL's origin. */
  endpoint?: string;
  /** Attempts per call for throttling, 5xx and network errors (default 3). */
  maxAttempts?: number;
  /** First retry delay in ms, doubled per attempt (default 100). */
  backoffMs?: number;
}

/** An SQS error answer (or a failed request), named like the SDK names it. */
export class SqsRequestError extends Error {
  override name: string;
  readonly action: string;
  /** Same place as the SDK's, so `isThrottling` reads both. */
  readonly $metadata: { httpStatusCode?: number };
  readonly transient: boolean;

  constructor(action: string, name: string, message: string, status?: number, options?: { cause?: unknown }) {
    super(`SQS ${action}: ${name}: ${message}`, options);
    this.name = name;
    this.action = action;
    this.$metadata = { httpStatusCode: status };
    this.transient = status === undefined || isThrottling(this);
  }
}

/** Creates the thin client. */
export function createThinSqsClient(options: ThinSqsOptions): SqsSender {
  const call = <T>(action: string, input: { QueueUrl: string }) => callWithRetries<T>(options, action, input);
  return {
    sendMessage: (input) => call('SendMessage', input),
    sendMessageBatch: (input) => call('SendMessageBatch', input),
    changeMessageVisibilityBatch: (input) => call('ChangeMessageVisibilityBatch', input),
  };
}

let signerModule: Promise<typeof SignatureV4Module> | undefined;

async function callWithRetries<T>(options: ThinSqsOptions, action: string, input: { QueueUrl: string }): Promise<T> {
  const attempts = options.maxAttempts ?? 3;
  for (let attempt = 1; ; attempt++) {
    try {
      return await callOnce<T>(options, action, input);
    } catch (e) {
      if (!(e instanceof SqsRequestError) || !e.transient || attempt >= attempts) throw e;
      await new Promise((resolve) => setTimeout(resolve, (options.backoffMs ?? 100) * 2 ** (attempt - 1)));
    }
  }
}

async function callOnce<T>(options: ThinSqsOptions, action: string, input: { QueueUrl: string }): Promise<T> {
  const url = new URL(options.endpoint ?? input.QueueUrl);
  const body = JSON.stringify(input);
  signerModule ??= import('@smithy/signature-v4');
  const { SignatureV4 } = await signerModule;
  const signer = new SignatureV4({
    credentials: options.credentials,
    region: options.region,
    service: 'sqs',
    sha256: NodeSha256,
  });
  const signed = await signer.sign({
    method: 'POST',
    protocol: url.protocol,
    hostname: url.hostname,
    ...(url.port ? { port: Number(url.port) } : {}),
    path: '/',
    query: {},
    headers: {
      host: url.host,
      'content-type': 'application/x-amz-json-1.0',
      'x-amz-target': `AmazonSQS.${action}`,
    },
    body,
  });
  let res: Response;
  try {
    res = await fetch(`${url.origin}/`, { method: 'POST', headers: signed.headers, body });
  } catch (e) {
    throw new SqsRequestError(action, 'NetworkingError', String(e), undefined, { cause: e });
  }
  const text = await res.text();
  const json = parse(text);
  if (res.ok) return (json ?? {}) as T;
  // `x-amzn-query-error` carries the Query-protocol code the SDK reports (e.g. AWS.SimpleQueueService.NonExistentQueue).
  const queryCode = res.headers.get('x-amzn-query-error')?.split(';')[0];
  const type = typeof json?.__type === 'string' ? json.__type.split('#').pop()! : '';
  const message = typeof json?.message === 'string' ? json.message : text.slice(0, 200);
  throw new SqsRequestError(action, queryCode || type || `Http${res.status}`, message, res.status);
}

function parse(text: string): Record<string, unknown> | undefined {
  try {
    return text ? (JSON.parse(text) as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
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
