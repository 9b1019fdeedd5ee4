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
  return new LocalPoller(options);
}

type MappingState = 'Enabled' | 'Disabled' | 'Disabling';

/** `concurrency` receive loops, each one "invocation" at a time, with the event source mapping's states. */
class LocalPoller implements Poller {
  private mode: MappingState = 'Enabled';
  private stopped = false;
  private inflight = 0;
  private readonly waiters: (() => void)[] = [];
  private readonly arn: string;
  private readonly abort = new AbortController();
  private readonly loops: Promise<void>[];

  constructor(private readonly options: PollerOptions) {
    this.arn = `arn:aws:sqs:us-east-1:000000000000:${options.queueUrl.split('/').pop() ?? ''}`;
    this.loops = Array.from({ length: options.concurrency ?? 4 }, () => this.loop());
  }

  async pause(): Promise<void> {
    this.mode = 'Disabling';
    while (this.inflight > 0) await new Promise((r) => setTimeout(r, 20));
    this.mode = 'Disabled';
  }

  async resume(): Promise<void> {
    this.mode = 'Enabled';
    this.wakeAll();
  }

  async state(): Promise<MappingState> {
    return this.mode;
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.abort.abort();
    this.wakeAll();
    await Promise.allSettled(this.loops);
  }

  private wakeAll(): void {
    this.waiters.splice(0).forEach((w) => w());
  }

  private async loop(): Promise<void> {
    while (!this.stopped) {
      if (this.mode !== 'Enabled') {
        await new Promise<void>((resolve) => this.waiters.push(resolve));
        continue;
      }
      try {
        await this.runOnce();
      } catch (error) {
        if (this.stopped) break;
        this.options.logger.warn('poll failed; retrying', { error });
        await new Promise((r) => setTimeout(r, 500));
      }
    }
  }

  private async runOnce(): Promise<void> {
    // Counted from the receive on, so pause() also waits for a long poll that may still return messages.
    this.inflight++;
    try {
      const messages = await this.receive();
      if (messages.length > 0) await this.invoke(messages.map((m) => toSqsRecord(m, this.arn)));
    } finally {
      this.inflight--;
    }
  }

  private async receive(): Promise<Message[]> {
    const { options } = this;
    options.onAwsCall?.('sqs:ReceiveMessage');
    const out = await options.client.send(
      new ReceiveMessageCommand({
        QueueUrl: options.queueUrl,
        MaxNumberOfMessages: options.batchSize ?? 10,
        WaitTimeSeconds: options.waitTimeSeconds ?? 1,
        MessageSystemAttributeNames: ['All'],
        MessageAttributeNames: ['All'],
      }),
      { abortSignal: this.abort.signal },
    );
    return out.Messages ?? [];
  }

  /** One "invocation": the handler's reported failures (all records when it throws) stay; the rest are deleted. */
  private async invoke(records: SQSRecord[]): Promise<void> {
    const { options } = this;
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
    if (done.length === 0) return;
    options.onAwsCall?.('sqs:DeleteMessage');
    await options.client.send(
      new DeleteMessageBatchCommand({
        QueueUrl: options.queueUrl,
        Entries: done.map((r, i) => ({ Id: String(i), ReceiptHandle: r.receiptHandle })),
      }),
    );
  }
}
