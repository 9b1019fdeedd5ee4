// Many concurrent workflows across two clusters on the sim runtime: every one completes with one pod
// per step, and the watcher's memory stays bounded — its send buffer never holds more than
// maxPending workflows (asserted), overflow being recovered by the periodic resync. Heap growth is
// measured and reported (not asserted: it depends on GC timing). 200 workflows by default; 1,000 with
// ARGOSY_FAULTS_LARGE=1 (`ARGOSY_FAULTS_LARGE=1 npm run test:faults`).
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { LocalStack } from '../../src/local/stack.ts';
import type { Workflow } from '../../src/engine/types.ts';
import { adminClient, captureLog, chain, faultStack, isDone, type CapturedLog } from './helpers.ts';

const COUNT = process.env.ARGOSY_FAULTS_LARGE ? 1000 : 200;
const MAX_PENDING = 64;

describe(`${COUNT} concurrent workflows across two clusters`, () => {
  let stack: LocalStack;
  let log: CapturedLog;
  before(async () => {
    log = captureLog('WARN');
    stack = await faultStack(log, {
      watcherMaxPending: MAX_PENDING,
      // The resync nudges every unfinished workflow: at 1,000 that is 1,000 messages per interval.
      resyncIntervalMs: COUNT > 200 ? 15_000 : 3000,
      clusterOptions: { simDefaults: { durationMs: 100 } },
    });
  });
  after(async () => {
    await stack?.stop();
  });

  test('all complete; the watcher buffer stays within its bound', { timeout: 900_000 }, async (t) => {
    const watcher = stack.watcher!;
    const heapBefore = process.memoryUsage().heapUsed;
    let heapMax = heapBefore;
    const sampler = setInterval(() => {
      heapMax = Math.max(heapMax, process.memoryUsage().heapUsed);
    }, 100);
    const started = Date.now();
    const names: string[] = [];
    for (let i = 0; i < COUNT; i += 50) {
      const batch = await Promise.all(
        Array.from(
          { length: Math.min(50, COUNT - i) },
          async () => (await stack.submit(chain('load', 2, { other: true }))).metadata.name!,
        ),
      );
      names.push(...batch);
    }
    const progress = setInterval(() => {
      if (process.env.ARGOSY_TEST_LOG || COUNT > 200)
        process.stderr.write(
          `# ${((Date.now() - started) / 1000).toFixed(0)} s: reconciles ${stack.runtime.counters.reconciles}, ` +
            `buffer ${watcher.metrics.pending}/${MAX_PENDING}, heap ${(process.memoryUsage().heapUsed / 2 ** 20).toFixed(0)} MiB\n`,
        );
    }, 10_000);
    // One list per poll: a GET per workflow every 100 ms would itself load the API server.
    const done = await waitAll(stack, names, 800_000);
    clearInterval(progress);
    clearInterval(sampler);
    const failed = done.filter((w) => w.status?.phase !== 'Succeeded');
    assert.equal(
      failed.length,
      0,
      `not succeeded: ${failed.map((w) => `${w.metadata.name} ${w.status?.message}`).join(', ')}`,
    );
    // One pod per step, none duplicated: one list per cluster covers every workflow.
    const all = await listLoadPods(stack);
    assert.equal(all.size, COUNT * 2, 'exactly two pods per workflow (one per cluster)');
    const m = watcher.metrics;
    assert.ok(m.pendingHighWater <= MAX_PENDING, `buffer high water ${m.pendingHighWater} <= ${MAX_PENDING}`);
    t.diagnostic(
      `${COUNT} workflows in ${((Date.now() - started) / 1000).toFixed(1)} s; watcher buffer high water ` +
        `${m.pendingHighWater}/${MAX_PENDING}, overflowed ${m.nudgesOverflowed}, coalesced ${m.nudgesCoalesced}; ` +
        `heap ${(heapBefore / 2 ** 20).toFixed(0)} → max ${(heapMax / 2 ** 20).toFixed(0)} MiB (whole test process)`,
    );
  });
});

/** Every pod of every `load-*` workflow, keyed cluster/namespace/name. */
async function listLoadPods(stack: LocalStack): Promise<Set<string>> {
  const out = new Set<string>();
  let items = 0;
  for (const cluster of ['main', 'other']) {
    const client = adminClient(stack, cluster);
    try {
      const list = await client.request<{
        items: { metadata: { name: string; namespace: string; labels?: Record<string, string> } }[];
      }>({
        method: 'GET',
        path: '/api/v1/pods',
        query: { labelSelector: 'workflows.argoproj.io/workflow' },
      });
      for (const p of list.items) {
        if (!p.metadata.labels?.['workflows.argoproj.io/workflow']?.startsWith('load-')) continue;
        items++;
        out.add(`${cluster}/${p.metadata.namespace}/${p.metadata.name}`);
      }
    } finally {
      client.close();
    }
  }
  // A duplicate pod would have the same name in the same place: count items too.
  if (items !== out.size) throw new Error(`duplicate pods: ${items} items, ${out.size} distinct`);
  return out;
}

/** Lists workflows every 500 ms until every named one is done; returns them. */
async function waitAll(stack: LocalStack, names: string[], timeoutMs: number): Promise<Workflow[]> {
  const wanted = new Set(names);
  const end = Date.now() + timeoutMs;
  for (;;) {
    const list = await stack.mainClient.request<{ items: Workflow[] }>({
      method: 'GET',
      path: '/apis/argoproj.io/v1alpha1/namespaces/argo/workflows',
    });
    const done = list.items.filter((w) => wanted.has(w.metadata.name!) && isDone(w));
    if (done.length === wanted.size) return done;
    if (Date.now() > end) throw new Error(`timed out: ${done.length}/${wanted.size} workflows done`);
    await new Promise((r) => setTimeout(r, 500));
  }
}
