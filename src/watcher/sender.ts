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
  return new Sender(options);
}

type Entry = { nudge: Nudge; since: number };

class Sender implements NudgeSender {
  private readonly now: () => number;
  private readonly maxPending: number;
  private readonly flushMs: number;
  private readonly backoff: { initial: number; max: number };
  private readonly waiting = new Map<string, Entry>();
  private delay = 0;
  private stopped = false;
  private timer: NodeJS.Timeout | undefined;
  private sending: Promise<void> | undefined;
  // Nudges taken out for a send still count against maxPending: a failed send puts them back, and
  // the buffer must not grow past its bound by that.
  private inflight = 0;

  constructor(private readonly options: NudgeSenderOptions) {
    this.now = options.now ?? Date.now;
    this.maxPending = options.maxPending ?? 10_000;
    this.flushMs = options.flushMs ?? 50;
    this.backoff = options.backoffMs ?? { initial: 200, max: 10_000 };
  }

  add(nudge: Nudge): void {
    const { metrics } = this.options;
    const key = messageGroupId(nudge);
    metrics.nudgesQueued++;
    const existing = this.waiting.get(key);
    if (existing) {
      metrics.nudgesCoalesced++;
      this.waiting.set(key, { nudge, since: existing.since });
    } else if (this.waiting.size + this.inflight >= this.maxPending) {
      metrics.nudgesOverflowed++;
      return;
    } else {
      this.waiting.set(key, { nudge, since: this.now() });
      this.gauge();
    }
    this.schedule();
  }

  async flush(): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    await this.sending;
    for (let guard = 0; this.waiting.size > 0 && guard < 100; guard++) await this.sendSome();
    this.schedule();
  }

  pending(): number {
    return this.waiting.size;
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    await this.sending;
  }

  private gauge(): void {
    const { metrics } = this.options;
    metrics.pending = this.waiting.size + this.inflight;
    if (metrics.pending > metrics.pendingHighWater) metrics.pendingHighWater = metrics.pending;
  }

  private async sendSome(): Promise<void> {
    // Take the first ten without copying the whole map (a full buffer would make that quadratic).
    const batch: [string, Entry][] = [];
    for (const entry of this.waiting) {
      if (batch.length === 10) break;
      batch.push(entry);
    }
    if (batch.length === 0) return;
    for (const [key] of batch) this.waiting.delete(key);
    this.inflight = batch.length;
    this.gauge();
    try {
      await this.options.publisher.publish(batch.map(([, v]) => v.nudge));
      this.sent(batch);
    } catch (error) {
      this.failed(batch, error);
    }
  }

  private sent(batch: [string, Entry][]): void {
    const { metrics } = this.options;
    metrics.nudgesSent += batch.length;
    const oldest = Math.min(...batch.map(([, v]) => v.since));
    metrics.lagSeconds = (this.now() - oldest) / 1000;
    this.delay = 0;
    this.inflight = 0;
    this.gauge();
  }

  private failed(batch: [string, Entry][], error: unknown): void {
    this.inflight = 0;
    this.options.metrics.sendErrors++;
    // Put them back unless a newer nudge for the same workflow arrived meanwhile.
    for (const [key, value] of batch) if (!this.waiting.has(key)) this.waiting.set(key, value);
    this.gauge();
    this.delay = Math.min(this.backoff.max, this.delay === 0 ? this.backoff.initial : this.delay * 2);
    this.options.logger.warn('could not send nudges; backing off', {
      error,
      delayMs: this.delay,
      pending: this.waiting.size,
    });
  }

  private schedule(): void {
    if (this.stopped || this.timer || this.sending || this.waiting.size === 0) return;
    const wait = this.delay > 0 ? this.delay : this.waiting.size >= 10 ? 0 : this.flushMs;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.sending = this.sendSome().finally(() => {
        this.sending = undefined;
        this.schedule();
      });
    }, wait);
  }
}
