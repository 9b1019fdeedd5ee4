/**
 * A bounded buffer between watch events and the queue. Nudges are coalesced per workflow (a nudge
 * only names a workflow, so the latest one stands for all), sent in batches of up to ten, and sent
 * again with backoff when the queue throttles or fails. When the buffer is full, new workflows are
 * dropped and counted: the periodic resync will pick them up, while memory stays bounded.
 */
import type { Logger } from '../logger.ts';
import { messageGroupId, type Nudge } from '../nudge.ts';
import type { NudgePublisher } from '../ports/event-source.ts';
import type { WatcherMetrics } from './metrics.ts';

export interface NudgeSenderOptions {
  publisher: NudgePublisher;
  metrics: WatcherMetrics;
  logger: Logger;
  /** Most workflows waiting at once. */
  maxPending?: number;
  /** How long a nudge may wait for others to share its batch (ms). */
  flushMs?: number;
  backoffMs?: { initial: number; max: number };
  now?: () => number;
}

export interface NudgeSender {
  add(nudge: Nudge): void;
  /** Sends everything pending (used at shutdown and by tests). */
  flush(): Promise<void>;
  pending(): number;
  stop(): Promise<void>;
}

/** Starts the sender's flush loop. */
export function startNudgeSender(options: NudgeSenderOptions): NudgeSender {
  const now = options.now ?? Date.now;
  const maxPending = options.maxPending ?? 10_000;
  const flushMs = options.flushMs ?? 50;
  const backoff = options.backoffMs ?? { initial: 200, max: 10_000 };
  const pending = new Map<string, { nudge: Nudge; since: number }>();
  let delay = 0;
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  let sending: Promise<void> | undefined;
  // Nudges taken out for a send still count against maxPending: a failed send puts them back, and
  // the buffer must not grow past its bound by that.
  let inflight = 0;
  const gauge = () => {
    options.metrics.pending = pending.size + inflight;
    if (options.metrics.pending > options.metrics.pendingHighWater)
      options.metrics.pendingHighWater = options.metrics.pending;
  };

  const sendSome = async (): Promise<void> => {
    // Take the first ten without copying the whole map (a full buffer would make that quadratic).
    const batch: [string, { nudge: Nudge; since: number }][] = [];
    for (const entry of pending) {
      if (batch.length === 10) break;
      batch.push(entry);
    }
    if (batch.length === 0) return;
    for (const [key] of batch) pending.delete(key);
    inflight = batch.length;
    gauge();
    try {
      await options.publisher.publish(batch.map(([, v]) => v.nudge));
      options.metrics.nudgesSent += batch.length;
      const oldest = Math.min(...batch.map(([, v]) => v.since));
      options.metrics.lagSeconds = (now() - oldest) / 1000;
      delay = 0;
      inflight = 0;
      gauge();
    } catch (error) {
      inflight = 0;
      options.metrics.sendErrors++;
      // Put them back unless a newer nudge for the same workflow arrived meanwhile.
      for (const [key, value] of batch) if (!pending.has(key)) pending.set(key, value);
      gauge();
      delay = Math.min(backoff.max, delay === 0 ? backoff.initial : delay * 2);
      options.logger.warn('could not send nudges; backing off', { error, delayMs: delay, pending: pending.size });
    }
  };

  const schedule = () => {
    if (stopped || timer || sending || pending.size === 0) return;
    const wait = delay > 0 ? delay : pending.size >= 10 ? 0 : flushMs;
    timer = setTimeout(() => {
      timer = undefined;
      sending = sendSome().finally(() => {
        sending = undefined;
        schedule();
      });
    }, wait);
  };

  return {
    add(nudge) {
      const key = messageGroupId(nudge);
      options.metrics.nudgesQueued++;
      const existing = pending.get(key);
      if (existing) {
        options.metrics.nudgesCoalesced++;
        pending.set(key, { nudge, since: existing.since });
      } else if (pending.size + inflight >= maxPending) {
        options.metrics.nudgesOverflowed++;
        return;
      } else {
        pending.set(key, { nudge, since: now() });
        gauge();
      }
      schedule();
    },
    async flush() {
      if (timer) clearTimeout(timer);
      timer = undefined;
      await sending;
      for (let guard = 0; pending.size > 0 && guard < 100; guard++) await sendSome();
      schedule();
    },
    pending: () => pending.size,
    async stop() {
      stopped = true;
      if (timer) clearTimeout(timer);
      await sending;
    },
  };
}
