// Nudge delivery faults over the real protocols (watcher → fauxqs → reconcile handler, sim kubelet):
// nudges reordered, 10% of nudges dropped (the periodic resync recovers), and storms of concurrent
// reconciles of one workflow (409s on status). "Every nudge three times" is proven by
// test/integration/pipeline/faults.test.ts and not repeated here.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Nudge } from '../../src/nudge.ts';
import type { NudgePublisher } from '../../src/ports/event-source.ts';
import { reconcileWorkflow } from '../../src/runtime/reconcile.ts';
import type { LocalStack } from '../../src/local/stack.ts';
import type { Workflow } from '../../src/engine/types.ts';
import {
  assertClean,
  captureLog,
  chain,
  diamond,
  faultStack,
  isDone,
  prefixOf,
  runToEnd,
  sleep,
  type CapturedLog,
} from './helpers.ts';

const seams = { reordered: 0, dropped: 0, passed: 0 };

/** Holds `reorder-*` nudges and releases each held set in reverse; drops every 10th `lossy-*` nudge. */
function faultyPublisher(inner: NudgePublisher): NudgePublisher {
  let held: Nudge[] = [];
  let lossy = 0;
  const release = setInterval(() => {
    if (held.length === 0) return;
    const out = held.reverse();
    held = [];
    seams.reordered += out.length;
    // One at a time, newest first: each is its own SQS message, so the queue sees them reversed.
    void (async () => {
      for (const n of out) await inner.publish([n]).catch(() => undefined);
    })();
  }, 400);
  release.unref();
  return {
    async publish(nudges) {
      const pass: Nudge[] = [];
      for (const n of nudges) {
        const p = prefixOf(n.workflow);
        if (p === 'reorder') held.push(n);
        else if (p.startsWith('lossy') && ++lossy % 10 === 0) seams.dropped++;
        else pass.push(n);
      }
      seams.passed += pass.length;
      if (pass.length) await inner.publish(pass);
    },
    publishAfter: (n, d) => inner.publishAfter(n, d),
  };
}

describe('nudge delivery faults', () => {
  let stack: LocalStack;
  let log: CapturedLog;
  before(async () => {
    log = captureLog();
    stack = await faultStack(log, { watcherPublisher: faultyPublisher, resyncIntervalMs: 1500 });
  });
  after(async () => {
    await stack?.stop();
  });

  test('nudges reordered: same result, no duplicate pod', async () => {
    const wf = await runToEnd(stack, diamond('reorder'));
    assert.ok(seams.reordered >= 4, `nudges were held and sent reversed (${seams.reordered})`);
    await assertClean(stack, wf);
  });

  test('10% of nudges dropped across 10 workflows: the resync recovers every one', async () => {
    const names = await Promise.all(
      Array.from(
        { length: 10 },
        async (_, i) => (await stack.submit(chain(`lossy${i}`, 3, { other: true }))).metadata.name!,
      ),
    );
    const done = await Promise.all(names.map((n) => stack.waitFor('argo', n, isDone, 60_000)));
    assert.ok(seams.dropped >= 3, `nudges were dropped (${seams.dropped})`);
    for (const wf of done) await assertClean(stack, wf);
  });

  /** One workflow with eight extra reconciles of it at once, round after round, until it is done. */
  async function storm(suffix: string): Promise<Workflow> {
    const c = await stack.submit(chain(`storm${suffix}`, 4, { other: true }), 'argo');
    const name = c.metadata.name!;
    let stop = false;
    const rounds = (async () => {
      while (!stop) {
        // Eight reconciles at once, besides the one the queue runs: most of their writes meet a 409.
        const runs = Array.from({ length: 8 }, () =>
          reconcileWorkflow(stack.runtime.reconcile, { namespace: 'argo', workflow: name }).catch((e: Error) => {
            if (e.name !== 'StatusConflictError') throw e;
          }),
        );
        await Promise.all(runs);
        await sleep(50);
      }
    })();
    const wf = await stack.waitFor('argo', name, isDone, 45_000);
    stop = true;
    await rounds;
    return wf;
  }

  test('concurrent reconciles of one workflow (409 storm): one consistent history, no duplicate pod', async () => {
    const conflictsBefore = stack.runtime.counters.conflicts;
    // The storm races the queue's own reconcile; when every racing write happened to find nothing to
    // change, no 409 was met and the case was not exercised: another workflow is stormed then.
    const done: Workflow[] = [];
    for (let i = 0; i < 5 && stack.runtime.counters.conflicts === conflictsBefore; i++) done.push(await storm(`${i}`));
    assert.ok(stack.runtime.counters.conflicts > conflictsBefore, `status writes met 409s (${done.length} workflows)`);
    assert.ok(log.find(/conflict writing workflow; re-reading/).length > 0, 'the conflicts are in the log');
    for (const wf of done) {
      await assertClean(stack, wf);
      // Node history is monotonic: every pod node started once and finished after it started.
      for (const n of Object.values(wf.status?.nodes ?? {}))
        assert.ok(!n.finishedAt || !n.startedAt || n.finishedAt >= n.startedAt, `node ${n.name} times`);
    }
  });
});
