/**
 * The lock queue, pure: how a lock record changes when a holder asks for it or lets it go. The runtime
 * applies these to the record it read and writes the result with the record's resourceVersion, so two
 * reconciles racing for one lock cannot both change it from the same state (docs/adr/0021-synchronization-locks.md).
 */
import type { LockState, LockWaiter } from './types.ts';

/** Argo's priority queue order: higher priority first, then older workflows, then the key (a total order). */
export function compareWaiters(a: LockWaiter, b: LockWaiter): number {
  if (a.priority !== b.priority) return b.priority - a.priority;
  if (a.created !== b.created) return a.created < b.created ? -1 : 1;
  return a.key < b.key ? -1 : a.key > b.key ? 1 : 0;
}

/** The workflow a holder key belongs to (`ns/wf` of `ns/wf` or `ns/wf/nodeId`). */
export function workflowOfKey(key: string): string {
  return key.split('/').slice(0, 2).join('/');
}

/**
 * `waiter` asks for the lock: it holds it when it already did, or when it is among the first waiters
 * that fit the free slots (Argo lets only the front of the queue acquire); otherwise it waits in order.
 */
export function acquire(state: LockState, waiter: LockWaiter, limit: number): { state: LockState; acquired: boolean } {
  if (state.holders.includes(waiter.key)) return { state, acquired: true };
  const waiting = state.waiting.some((w) => w.key === waiter.key) ? [...state.waiting] : [...state.waiting, waiter];
  waiting.sort(compareWaiters);
  const free = limit - state.holders.length;
  const position = waiting.findIndex((w) => w.key === waiter.key);
  if (position < free) {
    return {
      state: { holders: [...state.holders, waiter.key], waiting: waiting.filter((w) => w.key !== waiter.key) },
      acquired: true,
    };
  }
  return { state: { holders: state.holders, waiting }, acquired: false };
}

/**
 * `waiter` joins the queue without taking the lock (a holder asking for several locks takes them all
 * or none): `fits` when it holds it already or would be admitted now.
 */
export function join(state: LockState, waiter: LockWaiter, limit: number): { state: LockState; fits: boolean } {
  if (state.holders.includes(waiter.key)) return { state, fits: true };
  const admitted = acquire(state, waiter, limit);
  if (!admitted.acquired) return { state: admitted.state, fits: false };
  const waiting = state.waiting.some((w) => w.key === waiter.key) ? state.waiting : [...state.waiting, waiter];
  return { state: { holders: state.holders, waiting: [...waiting].sort(compareWaiters) }, fits: true };
}

/** A holder gives the lock back and waits again in its place (it could not get the holder's other locks). */
export function unhold(state: LockState, waiter: LockWaiter): LockState {
  if (!state.holders.includes(waiter.key)) return state;
  const waiting = [...state.waiting.filter((w) => w.key !== waiter.key), waiter].sort(compareWaiters);
  return { holders: state.holders.filter((h) => h !== waiter.key), waiting };
}

/** True when the record keeps nothing: nobody holds or waits (it is deleted). */
export function isEmptyState(state: LockState): boolean {
  return state.holders.length === 0 && state.waiting.length === 0;
}

/** `key` lets the lock go (held or waited for); unchanged state when it had neither. */
export function release(state: LockState, key: string): LockState {
  if (!state.holders.includes(key) && !state.waiting.some((w) => w.key === key)) return state;
  return { holders: state.holders.filter((h) => h !== key), waiting: state.waiting.filter((w) => w.key !== key) };
}

/** Drops holders and waiters whose workflow `isGone` (deleted or finished without letting go). */
export function dropStale(state: LockState, isGone: (workflowKey: string) => boolean): LockState {
  const holders = state.holders.filter((h) => !isGone(workflowOfKey(h)));
  const waiting = state.waiting.filter((w) => !isGone(workflowOfKey(w.key)));
  return holders.length === state.holders.length && waiting.length === state.waiting.length
    ? state
    : { holders, waiting };
}

/** The workflows (`ns/wf`) of the waiters that fit the free slots: the ones to wake up. */
export function nextToWake(state: LockState, limit: number): string[] {
  const free = Math.max(0, limit - state.holders.length);
  const front = [...state.waiting].sort(compareWaiters).slice(0, free);
  return [...new Set(front.map((w) => workflowOfKey(w.key)))];
}

/** True when two states hold the same holders and waiters. */
export function sameState(a: LockState, b: LockState): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}
