/**
 * Synchronization on the local stack: the real reconcile handlers (several at once, one FIFO group per
 * workflow) race many workflows for one mutex and for a semaphore of 3 through the lock records in the
 * controller namespace, under infra/k8s RBAC. A watch on the records sees every version written: no
 * version ever has more holders than the limit. Every workflow ends Succeeded, a waiting one shows
 * Argo's message, and the records are deleted at the end (released on completion, waiters woken).
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { parseWorkflows } from '../../../src/engine/index.ts';
import { startLocalStack, type LocalStack } from '../../../src/local/stack.ts';
import type { Workflow } from '../../../src/engine/types.ts';
import type { LockRef } from '../../../src/engine/sync/types.ts';
import { acquireLocks, lockRecordName, releaseLock, type LockDeps } from '../../../src/runtime/locks.ts';
import { refOfKey } from '../../../src/engine/sync/state.ts';
import { silentLogger } from '../../../src/logger.ts';
import { isNotFound } from '../../../src/adapters/kube/errors.ts';

let stack: LocalStack;
const seen = new Map<string, number>();
const abort = new AbortController();
let watching: Promise<void> | undefined;

before(async () => {
  stack = await startLocalStack({
    clusters: ['main'],
    runtime: 'sim',
    resyncIntervalMs: 0,
    cronIntervalMs: 0,
    clusterOptions: { simDefaults: { durationMs: 30, exitCode: 0 } },
  });
  await stack.mainClient.request({
    method: 'POST',
    path: '/api/v1/namespaces/argo/configmaps',
    // What Argo's synchronization examples say to create (their comments).
    body: {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: 'my-config' },
      data: { workflow: '3', template: '2' },
    },
  });
  // Every version of every lock record: the most holders any one of them ever had.
  watching = stack.mainClient
    .watch(
      '/api/v1/namespaces/argosy-system/configmaps',
      {},
      (_type, obj) => {
        const meta = obj.metadata as { name: string };
        const state = JSON.parse(((obj.data as { state?: string }) ?? {}).state ?? '{}') as { holders?: string[] };
        seen.set(meta.name, Math.max(seen.get(meta.name) ?? 0, state.holders?.length ?? 0));
      },
      abort.signal,
    )
    .catch(() => undefined);
  // The watch is established once it reports an object written after it started.
  await stack.mainClient.request({
    method: 'POST',
    path: '/api/v1/namespaces/argosy-system/configmaps',
    body: { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'watch-ready' } },
  });
  for (let i = 0; i < 200 && !seen.has('watch-ready'); i++) await new Promise((r) => setTimeout(r, 50));
  assert.ok(seen.has('watch-ready'), 'the lock records are watched');
});

after(async () => {
  abort.abort();
  await watching;
  await stack?.stop();
});

const workflow = (sync: Record<string, unknown>): Workflow => ({
  metadata: { generateName: 'sync-' },
  spec: {
    entrypoint: 'main',
    synchronization: sync,
    templates: [{ name: 'main', container: { image: 'busybox', command: ['echo'], args: ['hello'] } }],
  },
});

async function runAll(sync: Record<string, unknown>, n: number): Promise<Workflow[]> {
  const names = await Promise.all(
    Array.from({ length: n }, async () => (await stack.submit(workflow(sync), 'argo')).metadata.name!),
  );
  return Promise.all(names.map((name) => stack.waitFor('argo', name, (w) => w.status?.phase === 'Succeeded', 120_000)));
}

/** A lock record's state; undefined once it is deleted (nobody holds or waits any more). */
async function record(key: string): Promise<{ holders: string[]; waiting: unknown[] } | undefined> {
  try {
    const cm = await stack.mainClient.request<{ data: { state: string } }>({
      method: 'GET',
      path: `/api/v1/namespaces/argosy-system/configmaps/${lockRecordName(key)}`,
    });
    return JSON.parse(cm.data.state);
  } catch (e) {
    if (isNotFound(e)) return undefined;
    throw e;
  }
}

describe('synchronization across concurrent workflows (local stack)', () => {
  test('a workflow-level mutex: 8 workflows, never two holders, all succeed', async () => {
    const done = await runAll({ mutexes: [{ name: 'race' }] }, 8);
    assert.equal(done.length, 8);
    assert.equal(seen.get(lockRecordName('argo/Mutex/race')), 1, 'the record always had at most one holder');
    assert.equal(await record('argo/Mutex/race'), undefined, 'the emptied record is deleted');
    for (const wf of done) assert.equal(wf.status?.synchronization, undefined);
  });

  test('a ConfigMap semaphore of 3: 10 workflows, never more than 3 holders, all succeed', async () => {
    const sync = { semaphores: [{ configMapKeyRef: { name: 'my-config', key: 'workflow' } }] };
    const done = await runAll(sync, 10);
    assert.equal(done.length, 10);
    const max = seen.get(lockRecordName('argo/ConfigMap/my-config/workflow')) ?? 0;
    assert.ok(max >= 1 && max <= 3, `at most 3 holders at once (saw ${max})`);
    assert.equal(await record('argo/ConfigMap/my-config/workflow'), undefined);
  });

  test('two locks per workflow, all or none: 6 workflows race a mutex and a semaphore of 2, every one succeeds', async () => {
    const both = {
      mutexes: [{ name: 'pair' }],
      semaphores: [{ configMapKeyRef: { name: 'my-config', key: 'template' } }],
    };
    const semOnly = { semaphores: [{ configMapKeyRef: { name: 'my-config', key: 'template' } }] };
    const [a, b] = await Promise.all([runAll(both, 4), runAll(semOnly, 2)]);
    assert.equal(a.length + b.length, 6, 'no deadlock between the two locks');
    assert.equal(seen.get(lockRecordName('argo/Mutex/pair')), 1);
    assert.ok((seen.get(lockRecordName('argo/ConfigMap/my-config/template')) ?? 0) <= 2);
    assert.equal(await record('argo/Mutex/pair'), undefined);
    assert.equal(await record('argo/ConfigMap/my-config/template'), undefined);
  });

  test('the lock store takes several locks all or none against the API server, and gives back a partial hold', async () => {
    const deps: LockDeps = {
      main: stack.mainClient,
      namespace: 'argosy-system',
      mainCluster: 'main',
      logger: silentLogger,
    };
    const [a, b] = ['argo/Mutex/store-a', 'argo/Mutex/store-b'].map(refOfKey) as [LockRef, LockRef];
    const ask = (holder: string, locks: LockRef[]) =>
      acquireLocks(deps, { kind: 'AcquireLock', locks, holder, priority: 0, created: '2026-01-01T00:00:00Z' });
    await ask('argo/gone-holder', [b]);
    // b is held (by a workflow that does not exist: the waiter may drop it as stale, so make it live).
    const live = await stack.submit(
      { metadata: { generateName: 'live-' }, spec: { entrypoint: 'main', templates: [{ name: 'main', suspend: {} }] } },
      'argo',
    );
    const holder = `argo/${live.metadata.name}`;
    await releaseLock(deps, { kind: 'ReleaseLock', lock: b, holder: 'argo/gone-holder' });
    assert.equal(await record(b.key), undefined, 'emptied: deleted');
    await ask(holder, [b]);
    const views = await ask('argo/both', [a, b]);
    assert.deepEqual(views[a.key]?.holders, [], 'a is not taken while b is held');
    assert.deepEqual(
      (await record(a.key))?.waiting.map((w) => (w as { key: string }).key),
      ['argo/both'],
    );
    // A crash between two takes left a held: the next ask gives it back.
    const rec = await stack.mainClient.request<{ data: { state: string } }>({
      method: 'GET',
      path: `/api/v1/namespaces/argosy-system/configmaps/${lockRecordName(a.key)}`,
    });
    await stack.mainClient.request({
      method: 'PUT',
      path: `/api/v1/namespaces/argosy-system/configmaps/${lockRecordName(a.key)}`,
      body: { ...rec, data: { state: JSON.stringify({ holders: ['argo/both'], waiting: [] }) } },
    });
    await ask('argo/both', [a, b]);
    assert.deepEqual((await record(a.key))?.holders, [], 'the partial hold was given back');
    await releaseLock(deps, { kind: 'ReleaseLock', lock: b, holder });
    const got = await ask('argo/both', [a, b]);
    assert.deepEqual([got[a.key]?.holders, got[b.key]?.holders], [['argo/both'], ['argo/both']]);
    for (const ref of [a, b]) await releaseLock(deps, { kind: 'ReleaseLock', lock: ref, holder: 'argo/both' });
    assert.deepEqual([await record(a.key), await record(b.key)], [undefined, undefined]);
    await stack.mainClient.request({
      method: 'DELETE',
      path: `/apis/argoproj.io/v1alpha1/namespaces/argo/workflows/${live.metadata.name}`,
    });
  });

  test("a workflow waiting for a held mutex is Pending with Argo's message until it is released", async () => {
    const holder = await stack.submit(
      {
        metadata: { generateName: 'holder-' },
        spec: {
          entrypoint: 'main',
          synchronization: { mutexes: [{ name: 'held' }] },
          templates: [{ name: 'main', suspend: {} }],
        },
      },
      'argo',
    );
    await stack.waitFor('argo', holder.metadata.name!, (w) => w.status?.phase === 'Running', 60_000);
    const waiter = await stack.submit(workflow({ mutexes: [{ name: 'held' }] }), 'argo');
    const pending = await stack.waitFor(
      'argo',
      waiter.metadata.name!,
      (w) => w.status?.phase === 'Pending' && !!w.status.message,
      60_000,
    );
    assert.equal(pending.status?.message, 'Waiting for argo/Mutex/held lock. Lock status: 0/1');
    // Stop the holder: its lock is released and the waiter is woken (no resync runs in this stack).
    await stack.mainClient.request({
      method: 'PATCH',
      path: `/apis/argoproj.io/v1alpha1/namespaces/argo/workflows/${holder.metadata.name}`,
      body: { spec: { shutdown: 'Stop' } },
      contentType: 'application/merge-patch+json',
    });
    const ran = await stack.waitFor('argo', waiter.metadata.name!, (w) => w.status?.phase === 'Succeeded', 60_000);
    assert.equal(ran.status?.phase, 'Succeeded');
  });

  for (const example of ['mutex-tmpl-level', 'mutex-wf-level', 'tmpl-level', 'wf-level']) {
    test(`Argo's synchronization-${example}.yaml reaches Succeeded`, async () => {
      const file = `../shared/conformance/argo-upstream/examples__synchronization-${example}.yaml`;
      const { workflows } = parseWorkflows(readFileSync(file, 'utf8'), file);
      const submitted = await stack.submit(workflows[0] as Workflow, 'argo');
      const done = await stack.waitFor(
        'argo',
        submitted.metadata.name!,
        (w) => ['Succeeded', 'Failed', 'Error'].includes(w.status?.phase ?? ''),
        120_000,
      );
      assert.equal(done.status?.phase, 'Succeeded', done.status?.message);
    });
  }
});
