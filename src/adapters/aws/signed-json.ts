/**
 * One SigV4-signed call in the AWS JSON protocol (`POST /`, `X-Amz-Target: <prefix>.<Action>`, the
 * SDK's field names as the JSON body), shared by the Lambda functions' thin SQS and Secrets Manager
 * clients: loading an AWS SDK client costs tens of ms of every cold start for one or three calls.
 * The signer (`@smithy/signature-v4`) is imported on the first call, not at INIT. Throttling, 5xx
 * and network errors are retried like the SDK's standard mode (3 attempts), then thrown as an
 * {@link AwsJsonRequestError} that `isThrottling` (errors.ts) classifies as the SDK's errors.
 */
import type * as SignatureV4Module from '@smithy/signature-v4';
import type { AwsCredentialIdentity } from '@smithy/types';
import { NodeSha256 } from './node-sha256.ts';
import { isThrottling } from './errors.ts';

export interface SignedJsonOptions {
  region: string;
  credentials: AwsCredentialIdentity;
  /** Attempts per call for throttling, 5xx and network errors (default 3). */
  maxAttempts?: number;
  /** First retry delay in ms, doubled per attempt (default 100). */
  backoffMs?: number;
  /**
   * Per attempt, answer included (default 10 s): a slow endpoint fails this call, not the whole
   * Lambda invocation, whose timeout would fail every record of the batch.
   */
  timeoutMs?: number;
}

/** What one service's calls have in common. */
export interface JsonService {
  /** SigV4 signing name (`sqs`, `secretsmanager`). */
  signingName: string;
  /** `X-Amz-Target` prefix (`AmazonSQS`, `secretsmanager`). */
  targetPrefix: string;
  /** JSON protocol version: `1.0` (SQS) or `1.1` (Secrets Manager). */
  jsonVersion: '1.0' | '1.1';
  /** Builds the service's error (so each keeps its own message prefix and class). */
  error(action: string, name: string, message: string, status?: number, options?: { cause?: unknown }): Error;
}

/** An AWS error answer (or a failed request), named like the SDK names it. */
export class AwsJsonRequestError extends Error {
  override name: string;
  readonly action: string;
  /** Same place as the SDK's, so `isThrottling` reads both. */
  readonly $metadata: { httpStatusCode?: number };
  readonly transient: boolean;

  constructor(
    service: string,
    action: string,
    name: string,
    message: string,
    status?: number,
    options?: { cause?: unknown },
  ) {
    super(`${service} ${action}: ${name}: ${message}`, options);
    this.name = name;
    this.action = action;
    this.$metadata = { httpStatusCode: status };
    this.transient = status === undefined || isThrottling(this);
  }
}

let signerModule: Promise<typeof SignatureV4Module> | undefined;

/** Calls `action` at `endpoint` (an origin), retrying transient failures; resolves the JSON answer. */
export async function signedJsonCall<T>(
  options: SignedJsonOptions,
  service: JsonService,
  endpoint: string,
  action: string,
  input: object,
): Promise<T> {
  const attempts = options.maxAttempts ?? 3;
  for (let attempt = 1; ; attempt++) {
    try {
      return await callOnce<T>(options, service, endpoint, action, input);
    } catch (e) {
      if (!(e instanceof AwsJsonRequestError) || !e.transient || attempt >= attempts) throw e;
      await new Promise((resolve) => setTimeout(resolve, (options.backoffMs ?? 100) * 2 ** (attempt - 1)));
    }
  }
}

async function callOnce<T>(
  options: SignedJsonOptions,
  service: JsonService,
  endpoint: string,
  action: string,
  input: object,
): Promise<T> {
  const url = new URL(endpoint);
  const body = JSON.stringify(input);
  signerModule ??= import('@smithy/signature-v4');
  const { SignatureV4 } = await signerModule;
  const signer = new SignatureV4({
    credentials: options.credentials,
    region: options.region,
    service: service.signingName,
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
      'content-type': `application/x-amz-json-${service.jsonVersion}`,
      'x-amz-target': `${service.targetPrefix}.${action}`,
    },
    body,
  });
  const signal = AbortSignal.timeout(options.timeoutMs ?? 10_000);
  let res: Response;
  let text: string;
  try {
    res = await fetch(`${url.origin}/`, { method: 'POST', headers: signed.headers, body, signal });
    text = await res.text();
  } catch (e) {
    throw service.error(action, 'NetworkingError', String(e), undefined, { cause: e });
  }
  const json = parse(text);
  if (res.ok) return (json ?? {}) as T;
  // `x-amzn-query-error` carries the Query-protocol code the SDK reports (e.g. AWS.SimpleQueueService.NonExistentQueue).
  const queryCode = res.headers.get('x-amzn-query-error')?.split(';')[0];
  const type = typeof json?.__type === 'string' ? json.__type.split('#').pop()! : '';
  const message =
    typeof json?.message === 'string'
      ? json.message
      : typeof json?.Message === 'string'
        ? json.Message
        : text.slice(0, 200);
  throw service.error(action, queryCode || type || `Http${res.status}`, message, res.status);
}

function parse(text: string): Record<string, unknown> | undefined {
  try {
    return text ? (JSON.parse(text) as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}
