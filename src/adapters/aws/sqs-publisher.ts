/**
 * {@link NudgePublisher} over SQS: nudges go to the FIFO work queue (one message group per workflow,
 * de-duplication id from the changed object's identity and resourceVersion), timed wake-ups go to a
 * standard "timer" queue with DelaySeconds, because FIFO queues have no per-message delay. Delays over
 * the SQS maximum (900 s) hop: the timer function re-sends with the remaining delay until due.
 */
import { deduplicationId, messageGroupId, type Nudge } from '../../nudge.ts';
import type { NudgePublisher } from '../../ports/event-source.ts';
import { NudgeSendError, isThrottling } from './errors.ts';
import { toSqsSender, type SqsLike, type SqsSender } from './sqs-sender.ts';

/** SQS's maximum DelaySeconds. */
export const MAX_DELAY_SECONDS = 900;
/** SQS's maximum entries per SendMessageBatch. */
export const MAX_BATCH = 10;

export interface SqsPublisherOptions {
  /** The SDK client, or the thin SigV4 client in the Lambda functions. */
  client: SqsLike;
  workQueueUrl: string;
  timerQueueUrl: string;
  /** Retries of refused batch entries (throttling), with exponential backoff from `backoffMs`. */
  retries?: number;
  backoffMs?: number;
  /** De-duplication bucket for nudges without an object (resync, cli); default: the current second. */
  bucket?: () => string;
  /** Counts messages sent (metrics, bench). */
  onSent?: (count: number) => void;
}

/** One FIFO entry: body, group and de-duplication id. */
export interface FifoEntry {
  body: string;
  groupId: string;
  dedupId: string;
}

/** Encodes a nudge as a FIFO entry. */
export function toFifoEntry(nudge: Nudge, bucket: string): FifoEntry {
  return { body: JSON.stringify(nudge), groupId: messageGroupId(nudge), dedupId: deduplicationId(nudge, bucket) };
}

/**
 * Creates the SQS publisher.
 * @example
 * const publisher = createSqsPublisher({ client, workQueueUrl, timerQueueUrl });
 * await publisher.publish([{ v: 1, namespace: 'argo', workflow: 'wf', source: 'cli' }]);
 */
export function createSqsPublisher(options: SqsPublisherOptions): NudgePublisher & {
  sendEntries(entries: FifoEntry[]): Promise<void>;
} {
  const bucket = options.bucket ?? (() => String(Math.floor(Date.now() / 1000)));
  const sender = toSqsSender(options.client);
  const sendEntries = (entries: FifoEntry[]) => sendFifoEntries(options, sender, entries);
  return {
    sendEntries,
    async publish(nudges) {
      const b = bucket();
      await sendEntries(nudges.map((n) => toFifoEntry(n, b)));
    },
    async publishAfter(nudge, delayMs) {
      const dueAt = nudge.dueAt ?? new Date(Date.now() + Math.max(0, delayMs)).toISOString();
      const delaySeconds = Math.min(MAX_DELAY_SECONDS, Math.max(0, Math.ceil(delayMs / 1000)));
      await sender.sendMessage({
        QueueUrl: options.timerQueueUrl,
        MessageBody: JSON.stringify({ ...nudge, source: 'timer', dueAt }),
        DelaySeconds: delaySeconds,
      });
      options.onSent?.(1);
    },
  };
}

/**
 * Sends FIFO entries in batches of ten, retrying refused entries with backoff. A batch that still
 * fails does not stop the others (a resync must nudge every workflow it can); the failures are
 * thrown together at the end.
 */
async function sendFifoEntries(options: SqsPublisherOptions, sender: SqsSender, entries: FifoEntry[]): Promise<void> {
  const failed: string[] = [];
  let cause: unknown;
  for (let i = 0; i < entries.length; i += MAX_BATCH) {
    try {
      await sendBatchWithRetries(options, sender, entries.slice(i, i + MAX_BATCH));
    } catch (e) {
      failed.push(...((e as NudgeSendError).failures ?? [String(e)]));
      cause ??= (e as Error).cause ?? e;
    }
  }
  if (failed.length > 0) throw new NudgeSendError(options.workQueueUrl, failed, { cause });
}

async function sendBatchWithRetries(options: SqsPublisherOptions, sender: SqsSender, batch: FifoEntry[]) {
  const retries = options.retries ?? 4;
  const backoffMs = options.backoffMs ?? 100;
  let pending = batch;
  for (let attempt = 0; pending.length > 0; attempt++) {
    const failures = await sendBatchOnce(options, sender, pending).catch((e: unknown) => {
      if (!isThrottling(e) || attempt >= retries)
        throw new NudgeSendError(options.workQueueUrl, [String(e)], { cause: e });
      return pending.map((_, idx) => ({ idx, code: 'Throttling', message: String(e) }));
    });
    options.onSent?.(pending.length - failures.length);
    if (failures.length === 0) return;
    const retryable = failures.every((f) => isThrottling(f.code));
    if (!retryable || attempt >= retries) {
      throw new NudgeSendError(
        options.workQueueUrl,
        failures.map((f) => `${pending[f.idx]?.groupId ?? '?'}: ${f.code}: ${f.message}`),
      );
    }
    pending = failures.map((f) => pending[f.idx]!).filter(Boolean);
    await sleep(backoffMs * 2 ** attempt);
  }
}

async function sendBatchOnce(
  options: SqsPublisherOptions,
  sender: SqsSender,
  batch: FifoEntry[],
): Promise<{ idx: number; code: string; message: string }[]> {
  const out = await sender.sendMessageBatch({
    QueueUrl: options.workQueueUrl,
    Entries: batch.map((e, idx) => ({
      Id: String(idx),
      MessageBody: e.body,
      MessageGroupId: e.groupId,
      MessageDeduplicationId: e.dedupId,
    })),
  });
  return (out.Failed ?? []).map((f) => ({ idx: Number(f.Id), code: f.Code ?? 'Unknown', message: f.Message ?? '' }));
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
