/**
 * Retry backoff for failed records. Without it a failed nudge comes back only when its visibility
 * timeout expires (in AWS typically 6 × the function timeout: minutes). Shortening the visibility of
 * the failed records to an exponential backoff by receive count (1 s, 2 s, 4 s, … capped) makes a
 * transient error (a 409, a throttled API server, a short outage) cost seconds, while a poison message
 * still reaches the DLQ after maxReceiveCount receives. Best effort: if the call fails (e.g. missing
 * `sqs:ChangeMessageVisibility`), the normal visibility timeout applies.
 */
import type { SQSRecord } from 'aws-lambda';
import type { Logger } from '../../logger.ts';
import { toSqsSender, type SqsLike } from './sqs-sender.ts';

/** Delay before the next attempt of a record received `receiveCount` times (seconds). */
export function retryDelaySeconds(receiveCount: number, maxSeconds = 60): number {
  const n = Number.isFinite(receiveCount) ? Math.max(1, receiveCount) : 1;
  return Math.min(maxSeconds, 2 ** (n - 1));
}

/** Returns a function that sets the visibility of failed records to their backoff delay. */
export function createRetryBackoff(options: {
  client: SqsLike;
  queueUrl: string;
  logger: Logger;
  maxSeconds?: number;
}): (records: SQSRecord[]) => Promise<void> {
  const sender = toSqsSender(options.client);
  return async (records) => {
    for (let i = 0; i < records.length; i += 10) {
      const batch = records.slice(i, i + 10);
      try {
        await sender.changeMessageVisibilityBatch({
          QueueUrl: options.queueUrl,
          Entries: batch.map((r, idx) => ({
            Id: String(idx),
            ReceiptHandle: r.receiptHandle,
            VisibilityTimeout: retryDelaySeconds(Number(r.attributes.ApproximateReceiveCount), options.maxSeconds),
          })),
        });
      } catch (error) {
        options.logger.warn('could not shorten the retry delay of failed records', { error });
      }
    }
  };
}
