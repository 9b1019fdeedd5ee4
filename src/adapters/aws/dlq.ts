/**
 * Selective replay of dead-lettered nudges: from the dead-letter queue back to the queue that feeds
 * reconcile, all of them or one workflow's.
 *
 * Why not SQS `StartMessageMoveTask`: it moves a whole queue and cannot filter per workflow, and the
 * emulators used locally lack it. This does the move with plain Receive/Send/Delete, which works
 * against AWS and the local emulator alike.
 *
 * Crash safety: each message is sent to the target FIRST (same MessageGroupId, a deduplication id
 * derived from the DLQ message id), and only then deleted from the DLQ. Interrupted in between, the
 * message is still in the DLQ; a re-run sends it again with the same deduplication id, which the FIFO
 * queue drops within its 5-minute window. Later duplicates are harmless: reconcile is level-triggered.
 * Messages received but not moved (other workflows, dry-run, limit reached) are made visible again
 * at the end rather than waiting out their visibility timeout.
 */
import {
  ChangeMessageVisibilityBatchCommand,
  DeleteMessageCommand,
  GetQueueAttributesCommand,
  type Message,
  ReceiveMessageCommand,
  SendMessageCommand,
  type SQSClient,
} from '@aws-sdk/client-sqs';
import { messageGroupId, parseNudge } from '../../nudge.ts';

export interface ReplayOptions {
  /** The dead-letter queue to drain. */
  deadLetterQueueUrl: string;
  /** Where replayed messages go (the work queue). */
  targetQueueUrl: string;
  /** Only this workflow's nudges (`namespace/name`); absent = all. */
  workflow?: { namespace: string; name: string };
  /** Stop after moving this many messages. */
  limit?: number;
  /**
   * What to do with bodies that are not valid nudges: `move` them like the rest (default), `skip`
   * them (`--only-valid`: they stay in the DLQ), or `drop` them (`--drop`: deleted from the DLQ, so
   * poison never goes back onto the work queue).
   */
  poison?: 'move' | 'skip' | 'drop';
  /** List what would move; move nothing. */
  dryRun?: boolean;
  /**
   * How long received messages stay hidden while the scan runs (seconds). Long enough that a
   * message is not received twice in one run; short enough that a crash frees it soon.
   */
  visibilityTimeoutSeconds?: number;
  /** Called after each message is moved (or would be, in a dry run). */
  onMessage?: (m: ReplayedMessage) => void;
  /** Stops the scan between messages (Ctrl-C); held messages are still released. */
  signal?: AbortSignal;
  /**
   * Long-poll wait per receive (seconds). AWS short polls (0) sample a subset of servers and can
   * answer empty while messages exist; 1 s asks them all. The local emulator is one server: 0 is fine.
   */
  pollWaitSeconds?: number;
}

export interface ReplayedMessage {
  messageId: string;
  groupId: string;
  /** `namespace/name` of the workflow when the body is a valid nudge. */
  workflow?: string;
  /** The nudge's source (`pod`, `workflow`, ...), for the operator's eyes. */
  source?: string;
  /** How often SQS delivered it before dead-lettering. */
  receiveCount: number;
}

export interface ReplayResult {
  moved: ReplayedMessage[];
  /** Poison messages deleted (`poison: 'drop'`; in a dry run: would be). */
  dropped: ReplayedMessage[];
  /**
   * Messages in the DLQ when the run started (SQS's approximate counts, visible + in flight). A FIFO
   * dry run sees only the oldest message of each group, so this is the number to compare with.
   */
  total?: number;
  /** Received but left in the DLQ (other workflows, or everything in a dry run, or over the limit). */
  skipped: number;
  dryRun: boolean;
}

/** Deduplication id for a replayed message: stable per DLQ message, so re-runs do not duplicate. */
export function replayDeduplicationId(dlqMessageId: string): string {
  return `replay-${dlqMessageId}`.slice(0, 128);
}

function describe(m: Message): ReplayedMessage {
  const attrs = m.Attributes ?? {};
  const out: ReplayedMessage = {
    messageId: m.MessageId ?? '',
    groupId: attrs.MessageGroupId ?? '',
    receiveCount: Number(attrs.ApproximateReceiveCount ?? '0'),
  };
  try {
    const nudge = parseNudge(m.Body ?? '');
    out.workflow = `${nudge.namespace}/${nudge.workflow}`;
    out.source = nudge.source;
    if (!out.groupId) out.groupId = messageGroupId(nudge);
  } catch {
    // A poison body: it can still be replayed as a whole, or matched by its group id.
  }
  return out;
}

function matches(m: ReplayedMessage, filter: ReplayOptions['workflow']): boolean {
  if (!filter) return true;
  const wanted = `${filter.namespace}/${filter.name}`;
  return m.workflow === wanted || m.groupId === wanted;
}

async function moveOne(sqs: SQSClient, opts: ReplayOptions, m: Message, info: ReplayedMessage): Promise<void> {
  const fifo = opts.targetQueueUrl.endsWith('.fifo');
  await sqs.send(
    new SendMessageCommand({
      QueueUrl: opts.targetQueueUrl,
      MessageBody: m.Body ?? '',
      ...(m.MessageAttributes && Object.keys(m.MessageAttributes).length
        ? { MessageAttributes: m.MessageAttributes }
        : {}),
      ...(fifo
        ? { MessageGroupId: info.groupId || 'replay', MessageDeduplicationId: replayDeduplicationId(info.messageId) }
        : {}),
    }),
  );
  await sqs.send(new DeleteMessageCommand({ QueueUrl: opts.deadLetterQueueUrl, ReceiptHandle: m.ReceiptHandle }));
}

/** Makes held messages visible again, in batches of 10 (the SQS maximum). Best effort. */
async function release(sqs: SQSClient, queueUrl: string, handles: string[]): Promise<void> {
  for (let i = 0; i < handles.length; i += 10) {
    const chunk = handles.slice(i, i + 10);
    await sqs
      .send(
        new ChangeMessageVisibilityBatchCommand({
          QueueUrl: queueUrl,
          Entries: chunk.map((h, j) => ({ Id: String(i + j), ReceiptHandle: h, VisibilityTimeout: 0 })),
        }),
      )
      .catch(() => undefined); // they reappear after their visibility timeout anyway
  }
}

/**
 * Moves dead-lettered messages back to the target queue (see the module comment for the
 * guarantees). Resolves with what moved; rejects on the first SQS error after releasing the
 * messages it held.
 *
 * @example
 * const r = await replayDeadLetters(sqs, { deadLetterQueueUrl: dlq, targetQueueUrl: work,
 *   workflow: { namespace: 'argo', name: 'multi-cluster-x7k2p' } });
 */
export async function replayDeadLetters(sqs: SQSClient, opts: ReplayOptions): Promise<ReplayResult> {
  const dryRun = opts.dryRun ?? false;
  const limit = opts.limit ?? Number.POSITIVE_INFINITY;
  const held: string[] = [];
  const seen = new Set<string>();
  const moved: ReplayedMessage[] = [];
  const dropped: ReplayedMessage[] = [];
  const total = await dlqSize(sqs, opts.deadLetterQueueUrl);
  try {
    let emptyReceives = 0;
    // FIFO: a held (unmoved) message locks its group, so later messages of that group are not
    // returned; a moved one unlocks it. Two empty receives in a row = nothing left to look at.
    while (moved.length < limit && emptyReceives < 2 && !opts.signal?.aborted) {
      const { Messages = [] } = await sqs.send(
        new ReceiveMessageCommand({
          QueueUrl: opts.deadLetterQueueUrl,
          MaxNumberOfMessages: 10,
          WaitTimeSeconds: opts.pollWaitSeconds ?? 1,
          VisibilityTimeout: opts.visibilityTimeoutSeconds ?? 120,
          MessageSystemAttributeNames: ['MessageGroupId', 'ApproximateReceiveCount'],
          MessageAttributeNames: ['All'],
        }),
      );
      const fresh = Messages.filter((m) => m.MessageId && !seen.has(m.MessageId));
      emptyReceives = fresh.length ? 0 : emptyReceives + 1;
      for (const m of fresh) {
        seen.add(m.MessageId!);
        const info = describe(m);
        if (info.workflow === undefined && opts.poison && opts.poison !== 'move' && matches(info, opts.workflow)) {
          if (opts.poison === 'drop' && !dryRun && !opts.signal?.aborted) {
            await sqs.send(
              new DeleteMessageCommand({ QueueUrl: opts.deadLetterQueueUrl, ReceiptHandle: m.ReceiptHandle }),
            );
          } else held.push(m.ReceiptHandle!);
          if (opts.poison === 'drop') dropped.push(info);
          continue;
        }
        if (opts.signal?.aborted || moved.length >= limit || !matches(info, opts.workflow) || dryRun) {
          held.push(m.ReceiptHandle!);
          if (dryRun && matches(info, opts.workflow) && moved.length < limit) {
            moved.push(info);
            opts.onMessage?.(info);
          }
          continue;
        }
        held.push(m.ReceiptHandle!);
        await moveOne(sqs, opts, m, info);
        held.pop();
        moved.push(info);
        opts.onMessage?.(info);
      }
    }
  } finally {
    await release(sqs, opts.deadLetterQueueUrl, held);
  }
  const skipped = held.length - (dryRun ? moved.length + dropped.length : 0);
  return { moved, dropped, skipped, dryRun, ...(total === undefined ? {} : { total }) };
}

/** The DLQ's size (visible + in flight), or undefined when SQS will not say. */
async function dlqSize(sqs: SQSClient, queueUrl: string): Promise<number | undefined> {
  try {
    const { Attributes = {} } = await sqs.send(
      new GetQueueAttributesCommand({
        QueueUrl: queueUrl,
        AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible'],
      }),
    );
    return (
      Number(Attributes.ApproximateNumberOfMessages ?? 0) +
      Number(Attributes.ApproximateNumberOfMessagesNotVisible ?? 0)
    );
  } catch {
    return undefined;
  }
}
