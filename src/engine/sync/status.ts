/**
 * Argo's `status.synchronization` from what this decide holds and waits for (SemaphoreStatus and
 * MutexStatus in workflow_types.go): holding entries name this workflow's holders, waiting entries the
 * current holders of the lock waited for. Gone once the workflow ends (Argo's ReleaseAll).
 */
import type { ExecContext } from '../context.ts';
import type { WorkflowStatus } from '../types.ts';
import type { SyncState } from './state.ts';

interface MutexHolding {
  mutex: string;
  holder?: string;
}
interface SemaphoreHolding {
  semaphore: string;
  holders?: string[];
}
interface LockStatus<T> {
  holding?: T[];
  waiting?: T[];
}
/** Argo's `SynchronizationStatus`. */
export interface SynchronizationStatus {
  semaphore?: LockStatus<SemaphoreHolding>;
  mutex?: LockStatus<MutexHolding>;
}

function isMutex(s: SyncState, key: string): boolean {
  return s.refs.get(key)?.kind === 'Mutex';
}

function build(s: SyncState): SynchronizationStatus {
  const mutex: LockStatus<MutexHolding> = {};
  const semaphore: LockStatus<SemaphoreHolding> = {};
  const sorted = (m: Map<string, Set<string>>) => [...m.entries()].filter(([, v]) => v.size > 0).sort();
  for (const [key, holders] of sorted(s.held)) {
    if (isMutex(s, key)) for (const holder of holders) (mutex.holding ??= []).push({ mutex: key, holder });
    else (semaphore.holding ??= []).push({ semaphore: key, holders: [...holders].sort() });
  }
  for (const [key] of sorted(s.waiting)) {
    const current = s.views[key]?.holders ?? [];
    if (isMutex(s, key)) {
      if (current[0]) (mutex.waiting ??= []).push({ mutex: key, holder: current[0] });
    } else (semaphore.waiting ??= []).push(current.length ? { semaphore: key, holders: current } : { semaphore: key });
  }
  const out: SynchronizationStatus = {};
  if (mutex.holding || mutex.waiting) out.mutex = mutex;
  if (semaphore.holding || semaphore.waiting) out.semaphore = semaphore;
  return out;
}

/** Sets or clears `status.synchronization` (cleared when the workflow is done or holds nothing). */
export function writeSyncStatus(ctx: ExecContext, status: WorkflowStatus, workflowDone: boolean): void {
  const s = ctx.sync;
  const sync = s && !workflowDone ? build(s) : {};
  if (sync.mutex || sync.semaphore) status.synchronization = sync;
  else delete status.synchronization;
}
