// Watcher faults: restarted mid-workflow (a new replica lists and nudges what changed while none ran),
// and the SQS endpoint throttling/failing (the watcher buffers, backs off and retries; its buffer stays
// within maxPending, overflow is left to the resync). The resume after 410 Gone (watch history
// expired) is test/integration/pipeline/watcher.test.ts; a watcher *started* after the history
// expired always begins with a list, which this restart test covers.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Nudge } from '../../src/nudge.ts';
import type { NudgePublisher } from '../../src/ports/event-source.ts';
import type { LocalStack } from '../../src/local/stack.ts';
import { startWatcher, type Watcher } from '../../src/watcher/watcher.ts';
import {
  assertClean,
  captureLog,
  chain,
  faultStack,
  isDone,
  podsOf,
  sleep,
  until,
  type CapturedLog,
} from './helpers.ts';

/** SQS throttling, as the SDK reports it. */
class ThrottlingError extends Error {
  override name = 'ThrottlingException';
  readonly $metadata = { httpStatusCode: 400 };
}

const queue = { failing: false, refused: 0 };

function flakyQueue(inner: NudgePublisher): NudgePublisher {
  return {
    async publish(nudges: Nudge[]) {
      if (queue.failing) {
        queue.refused++;
        throw new ThrottlingError('Rate exceeded (injected)');
      }
      await inner.publish(nudges);
    },
    publishAfter: (n, d) => inner.publishAfter(n, d),
  };
}

describe('watcher faults', () => {
  let stack: LocalStack;
  let log: CapturedLog;
  let replacement: Watcher | undefined;
  const MAX_PENDING = 20;
  before(async () => {
    log = captureLog();
    stack = await faultStack(log, { watcherPublisher: flakyQueue, watcherMaxPending: MAX_PENDING });
  });
  after(async () => {
    await replacement?.stop();
    await stack?.stop();
  });

  test('the SQS endpoint throttling for a while: nudges are kept, retried with backoff, and sent', async () => {
    const c = await stack.submit(chain('throttled', 3, { other: true, duration: '600ms' }), 'argo');
    const name = c.metadata.name!;
    await stack.waitFor('argo', name, (w) => w.status?.phase === 'Running', 20_000);
    queue.failing = true;
    await until(() => queue.refused >= 3, 20_000, 'refused sends');
    await sleep(1000);
    queue.failing = false;
    const wf = await stack.waitFor('argo', name, isDone, 45_000);
    await assertClean(stack, wf);
    const m = stack.watcher!.metrics;
    assert.ok(m.sendErrors >= 3);
    assert.ok(log.find(/could not send nudges; backing off/).length >= 3, 'the backoff is in the log');
  });

  test('the queue failing while 60 workflows start: the buffer stays bounded, the resync recovers the rest', async () => {
    queue.failing = true;
    const names = await Promise.all(
      Array.from({ length: 60 }, async (_, i) => (await stack.submit(chain(`flood${i}`, 1))).metadata.name!),
    );
    const m = stack.watcher!.metrics;
    await until(() => m.nudgesOverflowed > 0, 20_000, 'the buffer to overflow');
    assert.ok(m.pendingHighWater <= MAX_PENDING, `buffer high water ${m.pendingHighWater} <= ${MAX_PENDING}`);
    queue.failing = false;
    await until(() => m.pending === 0, 20_000, 'the buffer to drain');
    // The periodic resync (every 2 s here): overflow can recur when 60 pods finish at once.
    const resync = setInterval(() => void stack.resyncNow().catch(() => undefined), 2000);
    await stack.resyncNow();
    const done = await Promise.all(names.map((n) => stack.waitFor('argo', n, isDone, 60_000))).finally(() =>
      clearInterval(resync),
    );
    for (const wf of done) assert.equal(wf.status?.phase, 'Succeeded');
    assert.ok(m.pendingHighWater <= MAX_PENDING);
  });

  test('the watcher restarted mid-workflow: the new one lists and the workflow completes (no resync)', async () => {
    const c = await stack.submit(chain('restart', 3, { other: true, duration: '800ms' }), 'argo');
    const name = c.metadata.name!;
    await until(async () => (await podsOf(stack, name)).length >= 1, 20_000, 'the first pod');
    await stack.watcher!.stop();
    // Pods finish while no watcher runs: their changes are seen only by the next replica's list.
    await sleep(2500);
    replacement = await startWatcher({
      registry: stack.watcherRegistry,
      publisher: stack.runtime.publisher,
      logger: log.logger.child({ component: 'watcher-2' }),
      targetsPollMs: 2000,
      http: false,
      backoffMs: { initial: 200, max: 2000 },
    });
    const wf = await stack.waitFor('argo', name, isDone, 45_000);
    await assertClean(stack, wf);
    assert.ok(replacement.metrics.nudgesSent > 0);
  });
});
