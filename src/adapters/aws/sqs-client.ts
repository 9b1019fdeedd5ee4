/**
 * Builds the one SQS client a process uses. In AWS the SDK finds the region and credentials itself;
 * in local mode the caller passes the emulator's endpoint and static dummy credentials (the emulator
 * does not check signatures, but the SDK refuses to sign without some).
 */
import { SQSClient } from '@aws-sdk/client-sqs';

export interface SqsClientOptions {
  /** Emulator endpoint (`http://127.0.0.1:port`); absent = the SDK's normal resolution. */
  endpoint?: string;
  region?: string;
}

/** Creates an SQS client; with an endpoint it is configured for a local emulator. */
export function createSqsClient(options: SqsClientOptions = {}): SQSClient {
  // Requests go to the endpoint resolved from the region (or AWS_ENDPOINT_URL_SQS), not to the host
  // in the queue URL: emulators hand out URLs like http://sqs.us-east-1.localhost:PORT/... whose host
  // does not resolve everywhere, and in AWS both are the same endpoint anyway.
  if (!options.endpoint) {
    return new SQSClient({ useQueueUrlAsEndpoint: false, ...(options.region ? { region: options.region } : {}) });
  }
  return new SQSClient({
    useQueueUrlAsEndpoint: false,
    endpoint: options.endpoint,
    region: options.region ?? 'us-east-1',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    maxAttempts: 3,
  });
}
