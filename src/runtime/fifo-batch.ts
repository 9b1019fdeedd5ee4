/**
 * Partial batch failure that respects FIFO order. A per-record partial batch response (as middy's
 * sqs-partial-batch-failure gives) reports each record on its own; with FIFO queues that breaks order: once a record of a message group fails,
 * every later record of that group in the batch must be reported failed too, so SQS redelivers them
 * behind it. Here records are grouped by MessageGroupId (order kept), each group is handed to the
 * callback once (coalescing: a nudge only names a workflow, so one reconcile serves them all), and
 * groups run in parallel with a bound.
 */
import type { SQSBatchResponse, SQSRecord } from 'aws-lambda';

/** The records of one message group in a batch, in arrival order. */
export interface RecordGroup {
  groupId: string;
  records: SQSRecord[];
}

/** What the callback says about a group: all done, or failed from the record at `failedFrom` on. */
export type GroupOutcome = { ok: true } | { ok: false; failedFrom: number; error: unknown };

export interface FifoBatchOptions {
  /** Groups processed at once. */
  concurrency?: number;
  /** Returns true when no new group should start (Lambda deadline near); those records are reported failed. */
  shouldStop?: () => boolean;
}

/** Groups records by `attributes.MessageGroupId` (records without one form singleton groups). */
export function groupRecords(records: SQSRecord[]): RecordGroup[] {
  const groups = new Map<string, RecordGroup>();
  for (const r of records) {
    const id = r.attributes?.MessageGroupId ?? `__single__${r.messageId}`;
    let g = groups.get(id);
    if (!g) {
      g = { groupId: id, records: [] };
      groups.set(id, g);
    }
    g.records.push(r);
  }
  return [...groups.values()];
}

/**
 * Processes a batch group by group and returns the SQS partial-batch response. A thrown callback
 * fails the whole group; a `{ ok:false, failedFrom }` outcome fails that record and every later one.
 */
export async function processFifoBatch(
  records: SQSRecord[],
  onGroup: (group: RecordGroup) => Promise<GroupOutcome>,
  options: FifoBatchOptions = {},
): Promise<SQSBatchResponse & { errors: unknown[] }> {
  const groups = groupRecords(records);
  const failed: string[] = [];
  const errors: unknown[] = [];
  let next = 0;
  const worker = async () => {
    while (next < groups.length) {
      const group = groups[next++]!;
      if (options.shouldStop?.()) {
        failed.push(...group.records.map((r) => r.messageId));
        continue;
      }
      let outcome: GroupOutcome;
      try {
        outcome = await onGroup(group);
      } catch (error) {
        outcome = { ok: false, failedFrom: 0, error };
      }
      if (!outcome.ok) {
        errors.push(outcome.error);
        failed.push(...group.records.slice(Math.max(0, outcome.failedFrom)).map((r) => r.messageId));
      }
    }
  };
  const n = Math.max(1, Math.min(options.concurrency ?? 4, groups.length));
  await Promise.all(Array.from({ length: n }, worker));
  // Report in batch order, which is what SQS expects to see.
  const order = new Map(records.map((r, i) => [r.messageId, i]));
  failed.sort((a, b) => (order.get(a) ?? 0) - (order.get(b) ?? 0));
  return { batchItemFailures: failed.map((itemIdentifier) => ({ itemIdentifier })), errors };
}
