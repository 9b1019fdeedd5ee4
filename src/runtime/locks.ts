/**
 * Lock records (synchronization): one ConfigMap per lock in the controller namespace of the main
 * cluster, `argosy-lock-<hash of Argo's lock key>`, holding who holds the lock and who waits in which
 * order. Every change is a read, a pure change (engine/sync/queue.ts) and a write carrying the
 * resourceVersion read, so concurrent reconciles of different workflows (different FIFO groups) are
 * serialised by the API server: the loser gets 409 and starts again from the new state
 * (docs/adr/0021-synchronization-locks.md). A release wakes the waiters that fit the freed slots.
 */
import { createHash } from 'node:crypto';
import type { Action } from '../engine/contract.ts';
import type { Workflow } from '../engine/types.ts';
import type { LockRef, LockState, LockView, LockWaiter } from '../engine/sync/types.ts';
import {
  acquire,
  dropStale,
  isEmptyState,
  join,
  nextToWake,
  release,
  sameState,
  unhold,
  workflowOfKey,
} from '../engine/sync/queue.ts';
import type { SynchronizationStatus } from '../engine/sync/status.ts';
import { refOfKey } from '../engine/sync/state.ts';
import { LABEL_COMPLETED } from '../engine/labels.ts';
import type { Logger } from '../logger.ts';
import type { NudgePublisher } from '../ports/event-source.ts';
import type { ClusterRegistry, KubeClient } from '../ports/kube.ts';
import { DEFAULT_CONTROLLER_NAMESPACE } from '../config.ts';
import { isAlreadyExists, isConflict, isNotFound } from '../adapters/kube/errors.ts';
import { getWorkflow } from '../adapters/kube/resources.ts';

/** How many times a lock change is retried on a conflicting write within one action. */
const MAX_LOCK_WRITES = 8;
const KEY_ANNOTATION = 'argosy.io/lock-key';
const LOCK_LABEL = 'argosy.io/lock';

export interface LockDeps {
  /** The main cluster, where the records and the semaphores' ConfigMaps are. */
  main: KubeClient;
  /** The controller namespace (the records' namespace). */
  namespace: string;
  mainCluster: string;
  publisher?: NudgePublisher;
  logger: Logger;
}

/** The lock dependencies of a reconcile's wiring. */
export function lockDepsOf(deps: {
  registry: ClusterRegistry;
  logger: Logger;
  publisher?: NudgePublisher;
  controller?: { controllerNamespace?: string };
}): LockDeps {
  return {
    main: deps.registry.mainClient(),
    namespace: deps.controller?.controllerNamespace || DEFAULT_CONTROLLER_NAMESPACE,
    mainCluster: deps.registry.mainCluster,
    publisher: deps.publisher,
    logger: deps.logger,
  };
}

interface LockRecord {
  apiVersion: 'v1';
  kind: 'ConfigMap';
  metadata: {
    name: string;
    namespace: string;
    resourceVersion?: string;
    labels?: Record<string, string>;
    annotations?: Record<string, string>;
  };
  data?: { state?: string };
}

/** The record's name: a hash, since lock keys hold `/` and may be long. */
export function lockRecordName(key: string): string {
  return `argosy-lock-${createHash('sha256').update(key).digest('hex').slice(0, 32)}`;
}

const recordPath = (ns: string, name?: string) =>
  `/api/v1/namespaces/${encodeURIComponent(ns)}/configmaps${name ? `/${encodeURIComponent(name)}` : ''}`;

function parseState(record: LockRecord | undefined): LockState {
  try {
    const s = JSON.parse(record?.data?.state ?? '{}') as Partial<LockState>;
    return { holders: s.holders ?? [], waiting: s.waiting ?? [] };
  } catch {
    return { holders: [], waiting: [] };
  }
}

async function readRecord(deps: LockDeps, key: string): Promise<{ state: LockState; record?: LockRecord }> {
  try {
    const record = await deps.main.request<LockRecord>({
      method: 'GET',
      path: recordPath(deps.namespace, lockRecordName(key)),
    });
    return { state: parseState(record), record };
  } catch (e) {
    if (isNotFound(e)) return { state: { holders: [], waiting: [] } };
    throw e;
  }
}

/** Writes the new state: create when there was no record, else replace at the version read (409 if changed). */
async function writeRecord(deps: LockDeps, key: string, state: LockState, record?: LockRecord): Promise<string> {
  const name = lockRecordName(key);
  const body: LockRecord = {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: {
      name,
      namespace: deps.namespace,
      labels: { [LOCK_LABEL]: 'true' },
      annotations: { [KEY_ANNOTATION]: key },
      ...(record ? { resourceVersion: record.metadata.resourceVersion } : {}),
    },
    data: { state: JSON.stringify(state) },
  };
  const path = recordPath(deps.namespace, record ? name : undefined);
  const saved = await deps.main.request<LockRecord>({ method: record ? 'PUT' : 'POST', path, body });
  return saved.metadata.resourceVersion ?? '';
}

/** Argo's getSyncLimit: the semaphore's ConfigMap key as an integer, or Argo's error. */
export async function semaphoreLimit(main: KubeClient, ref: LockRef): Promise<number | { error: string }> {
  if (ref.kind === 'Mutex') return 1;
  const fail = (why: string) => ({ error: `failed to initialize semaphore ${ref.key} with limit: ${why}` });
  let cm: { data?: Record<string, string> };
  try {
    cm = await main.request({ method: 'GET', path: recordPath(ref.namespace, ref.name) });
  } catch (e) {
    if (isNotFound(e)) return fail(`configmaps "${ref.name}" not found`);
    throw e;
  }
  const value = cm.data?.[ref.configMapKey ?? ''];
  if (value === undefined) return fail(`Sync configuration key '${ref.configMapKey}' not found in ConfigMap`);
  const n = Number(value.trim());
  if (!Number.isInteger(n)) return fail(`strconv.Atoi: parsing "${value}": invalid syntax`);
  if (n <= 0) return fail(`limit ${n} admits no holder`);
  return n;
}

/** Workflows (`ns/wf`) that are gone or finished: their entries are stale (deleted without letting go). */
async function staleWorkflows(deps: LockDeps, keys: string[]): Promise<Set<string>> {
  const gone = new Set<string>();
  for (const wfKey of new Set(keys.map(workflowOfKey))) {
    const [ns = '', name = ''] = wfKey.split('/');
    try {
      const wf = await getWorkflow<Workflow>(deps.main, ns, name);
      if (wf.metadata.labels?.[LABEL_COMPLETED] === 'true') gone.add(wfKey);
    } catch (e) {
      if (!isNotFound(e)) throw e;
      gone.add(wfKey);
    }
  }
  return gone;
}

/**
 * Wakes the workflows at the front of the queue that fit the free slots, except `self` (a workflow
 * that just acquired asks for its other waiting nodes' locks in the same reconcile).
 */
async function wake(deps: LockDeps, key: string, state: LockState, limit: number, version: string, self?: string) {
  const targets = nextToWake(state, limit).filter((w) => w !== self);
  if (!deps.publisher || targets.length === 0) return;
  const record = lockRecordName(key);
  await deps.publisher.publish(
    targets.map((w) => {
      const [namespace = '', workflow = ''] = w.split('/');
      // uid: the woken workflow, so each waiter's nudge has its own de-duplication id.
      const object = {
        cluster: deps.mainCluster,
        namespace: deps.namespace,
        name: record,
        uid: w,
        resourceVersion: version,
      };
      return {
        v: 1 as const,
        namespace,
        workflow,
        source: 'lock' as const,
        change: `lock ${key} has a free slot`,
        object,
      };
    }),
  );
}

type Step = (state: LockState, limit: number) => { state: LockState; ok: boolean };

/**
 * One change of one lock record: read it (and the semaphore's limit), apply `step`, write it back at the
 * version read; again from the new state on a conflict. A waiter kept out drops the holders and earlier
 * waiters whose workflow is gone or finished (stale entries), then tries once more.
 */
async function changeLock(
  deps: LockDeps,
  ref: LockRef,
  holder: string,
  step: Step,
): Promise<{ view: LockView; ok: boolean }> {
  for (let attempt = 1; attempt <= MAX_LOCK_WRITES; attempt++) {
    const limit = await semaphoreLimit(deps.main, ref);
    const { state, record } = await readRecord(deps, ref.key);
    if (typeof limit !== 'number') return { view: { ...state, limitError: limit.error }, ok: false };
    let next = step(state, limit);
    if (!next.ok) {
      const position = next.state.waiting.findIndex((w) => w.key === holder);
      const ahead = next.state.waiting.slice(0, Math.max(0, position));
      const stale = await staleWorkflows(deps, [...state.holders, ...ahead.map((w) => w.key)]);
      if (stale.size > 0)
        next = step(
          dropStale(state, (w) => stale.has(w)),
          limit,
        );
    }
    if (sameState(next.state, state)) return { view: { ...state, limit }, ok: next.ok };
    try {
      const version = await writeRecord(deps, ref.key, next.state, record);
      await wake(deps, ref.key, next.state, limit, version, workflowOfKey(holder));
      return { view: { ...next.state, limit }, ok: next.ok };
    } catch (e) {
      // Changed, created or deleted (emptied) since it was read: again from what is there now.
      if (!isConflict(e) && !isAlreadyExists(e) && !isNotFound(e)) throw e;
    }
  }
  throw new LockContentionError(ref.key);
}

const takeStep =
  (waiter: LockWaiter): Step =>
  (state, limit) => {
    const r = acquire(state, waiter, limit);
    return { state: r.state, ok: r.acquired };
  };
const joinStep =
  (waiter: LockWaiter): Step =>
  (state, limit) => {
    const r = join(state, waiter, limit);
    return { state: r.state, ok: r.fits };
  };
const unholdStep =
  (waiter: LockWaiter): Step =>
  (state) => ({ state: unhold(state, waiter), ok: true });

/**
 * Asks for every lock of the action, all or none (Argo's TryAcquire): the holder joins each queue (key
 * order); only when every lock would let it in does it take them, one by one; if one no longer does
 * (another reconcile got there first), the ones taken are given back and it waits in their queues
 * again. It never rests holding some of its locks while waiting for others. The locks as they are now.
 */
export async function acquireLocks(
  deps: LockDeps,
  a: Extract<Action, { kind: 'AcquireLock' }>,
): Promise<Record<string, LockView>> {
  const waiter: LockWaiter = { key: a.holder, priority: a.priority, created: a.created };
  const views: Record<string, LockView> = {};
  if (a.locks.length === 1) {
    const ref = a.locks[0] as LockRef;
    views[ref.key] = (await changeLock(deps, ref, a.holder, takeStep(waiter))).view;
    return views;
  }
  let all = true;
  for (const ref of a.locks) {
    const r = await changeLock(deps, ref, a.holder, joinStep(waiter));
    views[ref.key] = r.view;
    all &&= r.ok;
    if (r.view.limitError) return views;
  }
  const taken: LockRef[] = all ? [] : a.locks.filter((ref) => views[ref.key]?.holders.includes(a.holder));
  for (const ref of all ? a.locks : []) {
    const r = await changeLock(deps, ref, a.holder, takeStep(waiter));
    views[ref.key] = r.view;
    if (!r.ok) break;
    taken.push(ref);
  }
  if (taken.length === a.locks.length) return views;
  // Not all of them: what it holds goes back (also what a crash between two takes left held).
  for (const ref of taken) views[ref.key] = (await changeLock(deps, ref, a.holder, unholdStep(waiter))).view;
  return views;
}

/**
 * Lets the holder go and wakes the waiters that now fit; the lock as it is now. A record left with
 * nobody holding or waiting is deleted at the version read (a concurrent acquire makes that a 409 and
 * the release starts again), so records of locks nobody uses do not pile up.
 */
export async function releaseLock(deps: LockDeps, a: Extract<Action, { kind: 'ReleaseLock' }>): Promise<LockView> {
  for (let attempt = 1; attempt <= MAX_LOCK_WRITES; attempt++) {
    const { state, record } = await readRecord(deps, a.lock.key);
    const next = release(state, a.holder);
    if (!record || (next === state && !isEmptyState(state))) return state;
    try {
      if (isEmptyState(next)) {
        await deleteRecord(deps, record);
        return next;
      }
      const version = await writeRecord(deps, a.lock.key, next, record);
      const limit = await semaphoreLimit(deps.main, a.lock);
      // Its own workflow too: another of its nodes may be next (template-level locks).
      await wake(deps, a.lock.key, next, typeof limit === 'number' ? limit : 1, version);
      return next;
    } catch (e) {
      if (!isConflict(e) && !isNotFound(e)) throw e;
    }
  }
  throw new LockContentionError(a.lock.key);
}

/** Deletes an empty record, only if nobody changed it since it was read (409 otherwise). */
async function deleteRecord(deps: LockDeps, record: LockRecord): Promise<void> {
  const body = {
    kind: 'DeleteOptions',
    apiVersion: 'v1',
    preconditions: { resourceVersion: record.metadata.resourceVersion },
  };
  try {
    await deps.main.request({ method: 'DELETE', path: recordPath(deps.namespace, record.metadata.name), body });
  } catch (e) {
    if (!isNotFound(e)) throw e;
  }
}

/** Too many concurrent changes of one lock within one action: the message is retried. */
export class LockContentionError extends Error {
  override readonly name = 'LockContentionError';
  constructor(readonly lock: string) {
    super(`lock ${lock} changed ${MAX_LOCK_WRITES} times while this reconcile tried to change it; retrying later`);
  }
}

/** A workflow being deleted lets go of every lock it holds or waits for (its finalizer). */
export async function releaseWorkflowLocks(deps: LockDeps, wf: Workflow): Promise<void> {
  const base = `${wf.metadata.namespace ?? ''}/${wf.metadata.name ?? ''}`;
  const mine = (k: string) => k === base || k.startsWith(`${base}/`);
  for (const key of lockKeysOf(wf)) {
    const { state } = await readRecord(deps, key);
    for (const holder of [...state.holders, ...state.waiting.map((w) => w.key)].filter(mine))
      await releaseLock(deps, { kind: 'ReleaseLock', lock: refOfKey(key), holder });
  }
}

/** The lock records a workflow holds or waits for, as its status says, read for the next decide. */
export async function observeLocks(deps: LockDeps, wf: Workflow): Promise<Record<string, LockView> | undefined> {
  const keys = lockKeysOf(wf);
  if (keys.length === 0) return undefined;
  const views: Record<string, LockView> = {};
  await Promise.all(keys.map(async (key) => (views[key] = (await readRecord(deps, key)).state)));
  return views;
}

/** Lock keys named in `status.synchronization` and the nodes' `synchronizationStatus.waiting`. */
export function lockKeysOf(wf: Workflow): string[] {
  const sync = wf.status?.synchronization as SynchronizationStatus | undefined;
  const keys = new Set<string>();
  const m = sync?.mutex;
  const s = sync?.semaphore;
  for (const h of [...(m?.holding ?? []), ...(m?.waiting ?? [])]) if (h.mutex) keys.add(h.mutex);
  for (const h of [...(s?.holding ?? []), ...(s?.waiting ?? [])]) if (h.semaphore) keys.add(h.semaphore);
  for (const n of Object.values(wf.status?.nodes ?? {}))
    if (n.synchronizationStatus?.waiting) keys.add(n.synchronizationStatus.waiting);
  return [...keys].sort();
}
