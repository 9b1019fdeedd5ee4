/**
 * The timer function: turns due wake-ups from the standard delay queue into FIFO nudges. SQS delays
 * stop at 900 s, so a wake-up that is not yet due is sent back with the remaining delay (it "hops").
 * Malformed timer messages are logged and dropped: a wake-up is advisory (the resync covers it).
 */
import type { SQSBatchResponse, SQSEvent } from 'aws-lambda';
import type { Logger } from '../logger.ts';
import { parseNudge, type Nudge } from '../nudge.ts';
import type { NudgePublisher } from '../ports/event-source.ts';

export interface TimerHandlerDeps {
  publisher: NudgePublisher;
  logger: Logger;
  now: () => Date;
  onInvocation?: (records: number) => void;
}

/** Builds the timer handler. */
export function makeTimerHandler(deps: TimerHandlerDeps): (event: SQSEvent) => Promise<SQSBatchResponse> {
  return async (event) => {
    deps.onInvocation?.(event.Records.length);
    const due: Nudge[] = [];
    const failures: { itemIdentifier: string }[] = [];
    for (const record of event.Records) {
      let nudge: Nudge;
      try {
        nudge = parseNudge(record.body);
      } catch (error) {
        deps.logger.warn('dropping malformed timer message', { messageId: record.messageId, error });
        continue;
      }
      const remaining = nudge.dueAt ? Date.parse(nudge.dueAt) - deps.now().getTime() : 0;
      try {
        if (remaining > 1000) await deps.publisher.publishAfter(nudge, remaining);
        else due.push(nudge);
      } catch (error) {
        deps.logger.warn('could not re-schedule wake-up', { error });
        failures.push({ itemIdentifier: record.messageId });
      }
    }
    if (due.length > 0) {
      try {
        await deps.publisher.publish(due);
      } catch (error) {
        deps.logger.warn('could not send due wake-ups', { error });
        return { batchItemFailures: event.Records.map((r) => ({ itemIdentifier: r.messageId })) };
      }
    }
    return { batchItemFailures: failures };
  };
}
