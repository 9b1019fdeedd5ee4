/**
 * Synchronization through decide, with the lock records kept by the pure queue (what the runtime's
 * lock store does with a resourceVersion precondition): Argo's waiting messages, node and workflow
 * status, one holder per mutex and at most N per semaphore across workflows, releases when a holder
 * finishes or is stopped, Argo's errors for a limit that cannot be read.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { decide } from '../../../src/engine/index.ts';
import type { Decision, ObservedPod, Snapshot } from '../../../src/engine/contract.ts';
import type { NodeStatus, Workflow } from '../../../src/engine/types.ts';
import type { LockState, LockView } from '../../../src/engine/sync/types.ts';
import { acquire, join, release } from '../../../src/engine/sync/queue.ts';
import { lockKeysOf } from '../../../src/runtime/locks.ts';
import { advancePod, applyDecision, applyPodActions, simulateContainer } from './kubelet-sim.ts';
import { NOW, wfFromYaml } from './fixtures.ts';

/** The lock records, and the semaphore limits (a missing one = the ConfigMap is missing). */
class Store {
  readonly records = new Map<string, LockState>();
  constructor(readonly limits: Record<string, number> = {}) {}

  limit(key: string): number | undefined {
    return key.includes('/Mutex/') ? 1 : this.limits[key];
  }

  view(key: string): LockView {
    const state = this.records.get(key) ?? { holders: [], waiting: [] };
    const limit = this.limit(key);
    return limit === undefined
      ? { ...state, limitError: `failed to initialize semaphore ${key} with limit: configmaps "my-config" not found` }
      : { ...state, limit };
  }

  /**
   * Applies the decision's lock actions as the runtime does (runtime/locks.ts, one writer at a time here):
   * several locks all or none, a record left empty deleted. The views that changed.
   */
  apply(d: Decision): Record<string, LockView> {
    const out: Record<string, LockView> = {};
    const state = (key: string) => this.records.get(key) ?? { holders: [], waiting: [] };
    for (const a of d.actions) {
      if (a.kind === 'ReleaseLock') {
        const next = release(state(a.lock.key), a.holder);
        if (next.holders.length + next.waiting.length === 0) this.records.delete(a.lock.key);
        else this.records.set(a.lock.key, next);
        out[a.lock.key] = this.view(a.lock.key);
      }
      if (a.kind !== 'AcquireLock') continue;
      const waiter = { key: a.holder, priority: a.priority, created: a.created };
      const keys = a.locks.map((l) => l.key);
      if (keys.some((k) => this.limit(k) === undefined)) {
        for (const k of keys) out[k] = this.view(k);
        continue;
      }
      const joined = keys.map((k) => join(state(k), waiter, this.limit(k)!));
      keys.forEach((k, i) => this.records.set(k, joined[i]!.state));
      if (joined.every((j) => j.fits))
        for (const k of keys) this.records.set(k, acquire(state(k), waiter, this.limit(k)!).state);
      for (const k of keys) out[k] = this.view(k);
    }
    return out;
  }
}

interface Run {
  wf: Workflow;
  pods: ObservedPod[];
}

/** One reconcile as the runtime does it: observe the locks the status names, decide, apply, decide again. */
function reconcile(run: Run, store: Store, now: Date): Decision {
  const locks: Record<string, LockView> = {};
  for (const key of lockKeysOf(run.wf)) locks[key] = store.view(key);
  let snap: Snapshot = { workflow: run.wf, pods: run.pods, controller: { clusterName: 'main' }, locks };
  let d = decide(snap, now);
  for (let round = 0; round < 5; round++) {
    const changed = store.apply(d);
    if (Object.keys(changed).every((k) => JSON.stringify(changed[k]) === JSON.stringify(snap.locks?.[k]))) break;
    snap = { ...snap, workflow: { ...run.wf, status: d.status }, locks: { ...snap.locks, ...changed } };
    d = decide(snap, now);
  }
  run.wf = applyDecision(run.wf, d);
  run.pods = applyPodActions(run.pods, d);
  return d;
}

function tick(run: Run, now: Date): void {
  run.pods = run.pods.map((p) => advancePod(p, now, simulateContainer, false));
}

const byName = (wf: Workflow, name: string): NodeStatus | undefined =>
  Object.values(wf.status?.nodes ?? {}).find((n) => n.displayName === name || n.name === name);

const mutexSteps = (name: string) =>
  wfFromYaml(
    `
metadata: {name: ${name}, creationTimestamp: '2026-01-02T15:00:00Z'}
spec:
  entrypoint: main
  templates:
  - name: main
    steps:
    - - {name: a, template: locked}
      - {name: b, template: locked}
  - name: locked
    synchronization:
      mutexes: [{name: welcome}]
    container: {image: argoproj/argosay:v2}
`,
    name,
  );

const wfLevel = (name: string, created: string, sync: string) =>
  wfFromYaml(
    `
metadata: {name: ${name}, creationTimestamp: '${created}'}
spec:
  entrypoint: main
  synchronization:
${sync}
  templates:
  - name: main
    container: {image: argoproj/argosay:v2}
`,
    name,
  );

describe('template-level mutex', () => {
  test('one node runs, the other waits with Argo message and status, then runs after the release', () => {
    const store = new Store();
    const run: Run = { wf: mutexSteps('wf'), pods: [] };
    reconcile(run, store, NOW);
    // The first to ask holds the lock.
    const holder = byName(run.wf, 'a')!;
    const waiter = byName(run.wf, 'b')!;
    assert.equal(run.pods.length, 1, 'one pod for the one holder');
    assert.equal(holder.phase, 'Pending');
    assert.equal(holder.message, undefined);
    assert.equal(waiter.phase, 'Pending');
    assert.equal(waiter.message, 'Waiting for argo/Mutex/welcome lock. Lock status: 0/1');
    assert.deepEqual(waiter.synchronizationStatus, { waiting: 'argo/Mutex/welcome' });
    assert.equal(holder.synchronizationStatus, undefined);
    assert.deepEqual(run.wf.status?.synchronization, {
      mutex: {
        holding: [{ mutex: 'argo/Mutex/welcome', holder: `argo/wf/${holder.id}` }],
        waiting: [{ mutex: 'argo/Mutex/welcome', holder: `argo/wf/${holder.id}` }],
      },
    });
    let now = NOW;
    for (let i = 0; i < 20 && run.wf.status?.phase === 'Running'; i++) {
      now = new Date(now.getTime() + 1000);
      tick(run, now);
      const d = reconcile(run, store, now);
      const running = run.pods.filter((p) => p.pod.status?.phase !== 'Succeeded').length;
      assert.ok(running <= 1, 'never two pods of the mutex at once');
      assert.ok(d.actions.every((x) => x.kind !== 'CreatePod' || running <= 1));
    }
    assert.equal(run.wf.status?.phase, 'Succeeded');
    assert.equal(run.wf.status?.synchronization, undefined, 'released at the end');
    assert.equal(store.records.get('argo/Mutex/welcome'), undefined, 'the empty record is deleted');
    assert.equal(byName(run.wf, waiter.name)?.synchronizationStatus, undefined);
  });
});

describe('workflow-level locks across workflows', () => {
  test('a mutex: the second workflow is Pending with the message until the first ends', () => {
    const store = new Store();
    const first: Run = { wf: wfLevel('first', '2026-01-02T15:00:00Z', '    mutexes: [{name: test}]'), pods: [] };
    const second: Run = { wf: wfLevel('second', '2026-01-02T15:00:01Z', '    mutexes: [{name: test}]'), pods: [] };
    reconcile(first, store, NOW);
    reconcile(second, store, NOW);
    assert.equal(first.wf.status?.phase, 'Running');
    assert.equal(second.wf.status?.phase, 'Pending');
    assert.equal(second.wf.status?.message, 'Waiting for argo/Mutex/test lock. Lock status: 0/1');
    assert.deepEqual(second.wf.status?.synchronization, {
      mutex: { waiting: [{ mutex: 'argo/Mutex/test', holder: 'argo/first' }] },
    });
    assert.deepEqual(first.wf.status?.synchronization, {
      mutex: { holding: [{ mutex: 'argo/Mutex/test', holder: 'argo/first' }] },
    });
    assert.equal(second.pods.length, 0);
    assert.deepEqual(second.wf.metadata.finalizers, ['workflows.argosy.io/remote-pods'], 'a deleted waiter lets go');
    let now = NOW;
    while (first.wf.status?.phase === 'Running') {
      now = new Date(now.getTime() + 1000);
      tick(first, now);
      reconcile(first, store, now);
      reconcile(second, store, now);
      const phases = [first, second].map((r) => r.wf.status?.phase as string | undefined);
      const both = phases.every((p) => p === 'Running');
      assert.ok(!both, 'never both running');
    }
    assert.equal(first.wf.status?.phase, 'Succeeded');
    assert.equal(second.wf.status?.phase, 'Running', 'the waiter got the lock once the first let go');
    assert.equal(second.wf.status?.message, undefined);
  });

  test('a semaphore of 3: at most 3 of 7 workflows run at once, in creation order', () => {
    const store = new Store({ 'argo/ConfigMap/my-config/workflow': 3 });
    const sync = '    semaphores: [{configMapKeyRef: {name: my-config, key: workflow}}]';
    const runs: Run[] = Array.from({ length: 7 }, (_, i) => ({
      wf: wfLevel(`w${i}`, `2026-01-02T15:00:0${i}Z`, sync),
      pods: [],
    }));
    // Later workflows reconcile first: the queue, not the order of arrival, decides.
    let now = NOW;
    for (const r of [...runs].reverse()) reconcile(r, store, now);
    const order: string[] = [];
    for (let i = 0; i < 60 && runs.some((r) => r.wf.status?.phase !== 'Succeeded'); i++) {
      now = new Date(now.getTime() + 1000);
      for (const r of runs) {
        tick(r, now);
        const before = r.wf.status?.phase;
        reconcile(r, store, now);
        if (before !== 'Running' && r.wf.status?.phase === 'Running') order.push(r.wf.metadata.name!);
      }
      const running = runs.filter((r) => r.wf.status?.phase === 'Running').length;
      assert.ok(running <= 3, `${running} running`);
    }
    assert.ok(runs.every((r) => r.wf.status?.phase === 'Succeeded'));
    // The first three to ask took the free slots; the queue then went in creation order.
    assert.deepEqual(order, ['w0', 'w1', 'w2', 'w3']);
    const waiting = runs[6]!.wf;
    assert.equal(waiting.status?.synchronization, undefined);
  });

  test("a semaphore whose ConfigMap is missing fails the workflow with Argo's message", () => {
    const store = new Store();
    const run: Run = {
      wf: wfLevel('w', '2026-01-02T15:00:00Z', '    semaphores: [{configMapKeyRef: {name: my-config, key: workflow}}]'),
      pods: [],
    };
    reconcile(run, store, NOW);
    assert.equal(run.wf.status?.phase, 'Failed');
    assert.equal(
      run.wf.status?.message,
      'Failed to acquire the synchronization lock. failed to initialize semaphore argo/ConfigMap/my-config/workflow with limit: configmaps "my-config" not found',
    );
  });

  test('terminating a waiting workflow fails it and takes it out of the queue', () => {
    const store = new Store();
    const first: Run = { wf: wfLevel('first', '2026-01-02T15:00:00Z', '    mutexes: [{name: test}]'), pods: [] };
    const second: Run = { wf: wfLevel('second', '2026-01-02T15:00:01Z', '    mutexes: [{name: test}]'), pods: [] };
    reconcile(first, store, NOW);
    reconcile(second, store, NOW);
    assert.deepEqual(
      store.records.get('argo/Mutex/test')?.waiting.map((w) => w.key),
      ['argo/second'],
    );
    second.wf = { ...second.wf, spec: { ...second.wf.spec, shutdown: 'Terminate' } };
    reconcile(second, store, NOW);
    assert.equal(second.wf.status?.phase, 'Failed');
    assert.equal(second.wf.status?.message, "Stopped with strategy 'Terminate'");
    assert.deepEqual(store.records.get('argo/Mutex/test'), { holders: ['argo/first'], waiting: [] });
  });

  test("a duplicate lock is refused with Argo's words", () => {
    const run: Run = {
      wf: wfLevel('w', '2026-01-02T15:00:00Z', '    mutexes: [{name: test}, {name: test}]'),
      pods: [],
    };
    reconcile(run, new Store(), NOW);
    assert.equal(run.wf.status?.phase, 'Failed');
    assert.equal(
      run.wf.status?.message,
      'Failed to acquire the synchronization lock. requested configuration is invalid: duplicate synchronization item found',
    );
  });
});

describe('several locks and priority', () => {
  const twoMutexes = '    mutexes: [{name: lock-a}, {name: lock-b}]';

  test('several locks are taken all or none: a waiter holds none of them while one is taken', () => {
    const store = new Store();
    const holdsB: Run = { wf: wfLevel('holds-b', '2026-01-02T15:00:00Z', '    mutexes: [{name: lock-b}]'), pods: [] };
    const both: Run = { wf: wfLevel('both', '2026-01-02T15:00:01Z', twoMutexes), pods: [] };
    reconcile(holdsB, store, NOW);
    reconcile(both, store, NOW);
    assert.equal(both.wf.status?.phase, 'Pending');
    assert.equal(both.wf.status?.message, 'Waiting for argo/Mutex/lock-b lock. Lock status: 0/1');
    // It waits in both queues (Argo's prepAcquire) and holds neither: lock-a stays free.
    assert.deepEqual(store.records.get('argo/Mutex/lock-a'), {
      holders: [],
      waiting: [{ key: 'argo/both', priority: 0, created: '2026-01-02T15:00:01Z' }],
    });
    assert.deepEqual(store.records.get('argo/Mutex/lock-b')?.holders, ['argo/holds-b']);
    let now = NOW;
    while (holdsB.wf.status?.phase === 'Running') {
      now = new Date(now.getTime() + 1000);
      tick(holdsB, now);
      reconcile(holdsB, store, now);
    }
    reconcile(both, store, now);
    assert.equal(both.wf.status?.phase, 'Running', 'once lock-b is free it takes both at once');
    assert.deepEqual(
      ['argo/Mutex/lock-a', 'argo/Mutex/lock-b'].map((k) => store.records.get(k)?.holders),
      [['argo/both'], ['argo/both']],
    );
    assert.deepEqual(both.wf.status?.synchronization, {
      mutex: {
        holding: [
          { mutex: 'argo/Mutex/lock-a', holder: 'argo/both' },
          { mutex: 'argo/Mutex/lock-b', holder: 'argo/both' },
        ],
      },
    });
  });

  test('spec.priority orders the queue before creation time (Argo: higher first)', () => {
    const store = new Store();
    const withPriority = (name: string, created: string, priority: number) => {
      const wf = wfLevel(name, created, '    mutexes: [{name: test}]');
      return { wf: { ...wf, spec: { ...wf.spec, priority } }, pods: [] } as Run;
    };
    const holder = withPriority('holder', '2026-01-02T15:00:00Z', 0);
    const old = withPriority('old-low', '2026-01-02T15:00:01Z', 1);
    const young = withPriority('young-high', '2026-01-02T15:00:09Z', 5);
    for (const r of [holder, old, young]) reconcile(r, store, NOW);
    assert.deepEqual(
      store.records.get('argo/Mutex/test')?.waiting.map((w) => [w.key, w.priority]),
      [
        ['argo/young-high', 5],
        ['argo/old-low', 1],
      ],
    );
    let now = NOW;
    while (holder.wf.status?.phase === 'Running') {
      now = new Date(now.getTime() + 1000);
      tick(holder, now);
      reconcile(holder, store, now);
    }
    reconcile(old, store, now);
    reconcile(young, store, now);
    assert.equal(old.wf.status?.phase, 'Pending', 'the older workflow of lower priority waits');
    assert.equal(young.wf.status?.phase, 'Running');
  });
});
