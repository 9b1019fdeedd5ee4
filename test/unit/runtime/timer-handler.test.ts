import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { SQSRecord } from 'aws-lambda';
import { silentLogger } from '../../../src/logger.ts';
import type { Nudge } from '../../../src/nudge.ts';
import type { NudgePublisher } from '../../../src/ports/event-source.ts';
import { makeTimerHandler } from '../../../src/runtime/timer-handler.ts';

const now = new Date('2026-01-01T00:00:00Z');
const record = (body: string): SQSRecord =>
  ({ messageId: body.slice(0, 20), receiptHandle: 'r', body, attributes: {} }) as unknown as SQSRecord;

function recorder(): NudgePublisher & { now: Nudge[]; later: [Nudge, number][] } {
  const r = {
    now: [] as Nudge[],
    later: [] as [Nudge, number][],
    async publish(n: Nudge[]) {
      r.now.push(...n);
    },
    async publishAfter(n: Nudge, d: number) {
      r.later.push([n, d]);
    },
  };
  return r;
}

describe('timer function', () => {
  test('due wake-ups become nudges; early ones hop back with the remaining delay', async () => {
    const publisher = recorder();
    const handler = makeTimerHandler({ publisher, logger: silentLogger, now: () => now });
    const due = { v: 1, namespace: 'argo', workflow: 'a', source: 'timer', dueAt: '2026-01-01T00:00:00Z' };
    const far = { v: 1, namespace: 'argo', workflow: 'b', source: 'timer', dueAt: '2026-01-01T01:00:00Z' };
    const res = await handler({ Records: [record(JSON.stringify(due)), record(JSON.stringify(far)), record('junk')] });
    assert.deepEqual(res.batchItemFailures, []);
    assert.deepEqual(
      publisher.now.map((n) => n.workflow),
      ['a'],
    );
    assert.equal(publisher.later.length, 1);
    assert.equal(publisher.later[0]![0].workflow, 'b');
    assert.equal(publisher.later[0]![1], 3_600_000);
  });
});
