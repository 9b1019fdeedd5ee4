import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Nudge } from '../../../src/nudge.ts';
import type { NudgePublisher } from '../../../src/ports/event-source.ts';
import { silentLogger } from '../../../src/logger.ts';
import { newMetrics } from '../../../src/watcher/metrics.ts';
import { startNudgeSender } from '../../../src/watcher/sender.ts';

const nudge = (workflow: string, rv: string): Nudge => ({
  v: 1,
  namespace: 'argo',
  workflow,
  source: 'pod',
  object: { cluster: 'main', namespace: 'argo', name: 'p', resourceVersion: rv },
});

function recordingPublisher(failFirst = 0): NudgePublisher & { batches: Nudge[][] } {
  let failures = failFirst;
  const batches: Nudge[][] = [];
  return {
    batches,
    async publish(n) {
      if (failures-- > 0) throw Object.assign(new Error('throttled'), { name: 'ThrottlingException' });
      batches.push(n);
    },
    async publishAfter() {},
  };
}

describe('nudge sender', () => {
  test('coalesces per workflow and sends batches of at most ten', async () => {
    const publisher = recordingPublisher();
    const metrics = newMetrics();
    const sender = startNudgeSender({ publisher, metrics, logger: silentLogger, flushMs: 10_000 });
    for (let i = 0; i < 25; i++) sender.add(nudge(`w${i % 12}`, String(i)));
    await sender.flush();
    await sender.stop();
    const sent = publisher.batches.flat();
    assert.equal(sent.length, 12);
    assert.ok(publisher.batches.every((b) => b.length <= 10));
    assert.equal(sent.find((n) => n.workflow === 'w0')?.object?.resourceVersion, '24', 'the latest nudge wins');
    assert.equal(metrics.nudgesCoalesced, 13);
  });

  test('keeps nudges across send failures and counts them', async () => {
    const publisher = recordingPublisher(1);
    const metrics = newMetrics();
    const sender = startNudgeSender({
      publisher,
      metrics,
      logger: silentLogger,
      flushMs: 1,
      backoffMs: { initial: 5, max: 10 },
    });
    sender.add(nudge('a', '1'));
    for (let i = 0; i < 200 && publisher.batches.length === 0; i++) await new Promise((r) => setTimeout(r, 5));
    await sender.stop();
    assert.equal(metrics.sendErrors, 1);
    assert.deepEqual(
      publisher.batches.flat().map((n) => n.workflow),
      ['a'],
    );
  });

  test('a full buffer drops new workflows (resync recovers them) but still coalesces known ones', async () => {
    const publisher = recordingPublisher();
    const metrics = newMetrics();
    const sender = startNudgeSender({ publisher, metrics, logger: silentLogger, maxPending: 2, flushMs: 10_000 });
    sender.add(nudge('a', '1'));
    sender.add(nudge('b', '1'));
    sender.add(nudge('c', '1'));
    sender.add(nudge('a', '2'));
    assert.equal(metrics.nudgesOverflowed, 1);
    assert.equal(sender.pending(), 2);
    await sender.flush();
    await sender.stop();
  });
});
