/**
 * A stand-in for Lambda's SQS event source mapping: long-polls a queue, hands batches of up to ten
 * records (the same SQSEvent/SQSRecord shape AWS delivers, MessageGroupId included) to a handler,
 * deletes the records that succeeded and leaves the reported failures to come back after their
 * visibility timeout (and to be dead-lettered after maxReceiveCount), exactly as the mapping does
 * with `ReportBatchItemFailures`. A thrown handler fails the whole batch.
 *
 * A small loop rather than sqs-consumer: we need several concurrent "invocations" (Lambda scales
 * with message groups), the partial-batch response contract verbatim, a simulated Lambda deadline
 * for `getRemainingTimeInMillis`, and pause/resume with the event source mapping's states.
 */
import { DeleteMessageBatchCommand, ReceiveMessageCommand, type Message, type SQSClient } from '@aws-sdk/client-sqs';
import type { SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import type { Logger } from '../../logger.ts';
import type { EventSourceControl } from '../../ports/event-source.ts';

export type LocalSqsHandler = (
  event: SQSEvent,
  context: { getRemainingTimeInMillis(): number },
) => Promise<SQSBatchResponse | void>;

export interface PollerOptions {
  client: SQSClient;
  queueUrl: string;
  handler: LocalSqsHandler;
  logger: Logger;
  batchSize?: number;
  /** Concurrent receive loops (Lambda's concurrent invocations). */
  concurrency?: number;
  /** Long-poll wait (s); short so stop/pause are quick. */
  waitTimeSeconds?: number;
  /** Simulated function timeout (ms). */
  functionTimeoutMs?: number;
  /** Called per invocation with its record count and how many failed. */
  onBatch?: (records: number, failed: number) => void;
  /** Told each SQS action (IAM name) the event source makes, before making it (local/aws-calls.ts). */
  onAwsCall?: (action: string) => void;
}

export interface Poller extends EventSourceControl {
  stop(): Promise<void>;
}

/** Converts an SQS API message to the record shape Lambda delivers. */
export function toSqsRecord(m: Message, queueArn: string): SQSRecord {
  const a = m.Attributes ?? {};
  return {
    messageId: m.MessageId ?? '',
    receiptHandle: m.ReceiptHandle ?? '',
    body: m.Body ?? '',
    attributes: {
      ApproximateReceiveCount: a.ApproximateReceiveCount ?? '1',
      SentTimestamp: a.SentTimestamp ?? String(Date.now()),
      SenderId: a.SenderId ?? 'local',
      ApproximateFirstReceiveTimestamp: a.ApproximateFirstReceiveTimestamp ?? String(Date.now()),
      ...(a.MessageGroupId ? { MessageGroupId: a.MessageGroupId } : {}),
      ...(a.MessageDeduplicationId ? { MessageDeduplicationId: a.MessageDeduplicationId } : {}),
      ...(a.SequenceNumber ? { SequenceNumber: a.SequenceNumber } : {}),
    },
    messageAttributes: {},
    md5OfBody: m.MD5OfBody ?? '',
    eventSource: 'aws:sqs',
    eventSourceARN: queueArn,
    awsRegion: 'us-east-1',
  };
}

/** Starts polling (enabled). */
export function startPoller(options: PollerOptions): Poller {
  let state: 'Enabled' | 'Disabled' | 'Disabling' = 'Enabled';
  let stopped = false;
  let inflight = 0;
  const waiters: (() => void)[] = [];
  const wakeAll = () => waiters.splice(0).forEach((w) => w());
  const arn = `arn:aws:sqs:us-east-1:000000000000:${options.queueUrl.split('/').pop() ?? ''}`;
  const abort = new AbortController();

  const runOnce = async (): Promise<void> => {
    // Counted from the receive on, so pause() also waits for a long poll that may still return messages.
    inflight++;
    try {
      await receiveAndHandle();
    } finally {
      inflight--;
    }
  };

  const receiveAndHandle = async (): Promise<void> => {
    options.onAwsCall?.('sqs:ReceiveMessage');
    const out = await options.client.send(
      new ReceiveMessageCommand({
        QueueUrl: options.queueUrl,
        MaxNumberOfMessages: options.batchSize ?? 10,
        WaitTimeSeconds: options.waitTimeSeconds ?? 1,
        MessageSystemAttributeNames: ['All'],
        MessageAttributeNames: ['All'],
      }),
      { abortSignal: abort.signal },
    );
    const messages = out.Messages ?? [];
    if (messages.length === 0) return;
    {
      const records = messages.map((m) => toSqsRecord(m, arn));
      const deadline = Date.now() + (options.functionTimeoutMs ?? 60_000);
      let failedIds: Set<string>;
      try {
        const res = await options.handler(
          { Records: records },
          { getRemainingTimeInMillis: () => deadline - Date.now() },
        );
        failedIds = new Set((res?.batchItemFailures ?? []).map((f) => f.itemIdentifier));
      } catch (error) {
        options.logger.warn('handler threw; the whole batch will be retried', { error });
        failedIds = new Set(records.map((r) => r.messageId));
      }
      options.onBatch?.(records.length, failedIds.size);
      const done = records.filter((r) => !failedIds.has(r.messageId));
      if (done.length > 0) {
        options.onAwsCall?.('sqs:DeleteMessage');
        await options.client.send(
          new DeleteMessageBatchCommand({
            QueueUrl: options.queueUrl,
            Entries: done.map((r, i) => ({ Id: String(i), ReceiptHandle: r.receiptHandle })),
          }),
        );
      }
    }
  };

  const loop = async () => {
    while (!stopped) {
      if (state !== 'Enabled') {
        await new Promise<void>((resolve) => waiters.push(resolve));
        continue;
      }
      try {
        await runOnce();
      } catch (error) {
        if (stopped) break;
        options.logger.warn('poll failed; retrying', { error });
        await new Promise((r) => setTimeout(r, 500));
      }
    }
  };
  const loops = Array.from({ length: options.concurrency ?? 4 }, loop);

  return {
    async pause() {
      state = 'Disabling';
      while (inflight > 0) await new Promise((r) => setTimeout(r, 20));
      state = 'Disabled';
    },
    async resume() {
      state = 'Enabled';
      wakeAll();
    },
    async state() {
      return state;
    },
    async stop() {
      stopped = true;
      abort.abort();
      wakeAll();
      await Promise.allSettled(loops);
    },
  };
}
