/**
 * The shape of a decide's lock bookkeeping (`ExecContext.sync`), apart from the functions that fill
 * it (state.ts), so the context can name it without importing them.
 */
import type { LockRef, LockView } from './types.ts';

/** Per-decide lock bookkeeping (`ExecContext.sync`). */
export interface SyncState {
  /** The snapshot's lock views, by lock key. */
  views: Record<string, LockView>;
  /** Lock key → holder keys of this workflow that hold it and still run. */
  held: Map<string, Set<string>>;
  /** Lock key → the holder key of this workflow waiting for it. */
  waiting: Map<string, Set<string>>;
  /** Lock refs by key (what the status and the actions name). */
  refs: Map<string, LockRef>;
  /** AcquireLock actions already asked for in this decide (`lock|holder`). */
  asked: Set<string>;
  /** Node ID → start time of a waiting placeholder dropped when its locks were acquired. */
  starts: Map<string, string>;
}

export function newSyncState(views: Record<string, LockView> | undefined): SyncState {
  return {
    views: views ?? {},
    held: new Map(),
    waiting: new Map(),
    refs: new Map(),
    asked: new Set(),
    starts: new Map(),
  };
}
