import type { Nudge } from '../nudge.ts';

/**
 * Control of the queue → reconcile event source: Lambda's SQS event source mapping in AWS, the
 * local poller in local mode. Pausing leaves nudges waiting in the queue; nothing is lost.
 */
export interface EventSourceControl {
  pause(): Promise<void>;
  resume(): Promise<void>;
  state(): Promise<'Enabled' | 'Disabled' | 'Enabling' | 'Disabling' | 'Unknown'>;
}

/** Sends nudges to the work queue (FIFO) and timed wake-ups to the timer path. */
export interface NudgePublisher {
  publish(nudges: Nudge[]): Promise<void>;
  /** Schedules a nudge for later (timer path); delays over the queue maximum hop. */
  publishAfter(nudge: Nudge, delayMs: number): Promise<void>;
}
