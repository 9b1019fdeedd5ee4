/**
 * Argo's lock names from a `synchronization` block (workflow/sync/lock_name.go, syncitems.go): a
 * mutex is `<ns>/Mutex/<name>`, a ConfigMap semaphore `<ns>/ConfigMap/<configmap>/<key>`, the
 * namespace defaulting to the workflow's. Errors carry Argo's words.
 */
import type { LockRef, Synchronization } from './types.ts';

/** Argo's prefix for a synchronization block it cannot use. */
export const INVALID_SYNC = 'requested configuration is invalid';

/** True when the block names at least one lock. */
export function usesLocks(sync: Synchronization | undefined): sync is Synchronization {
  return (sync?.mutexes?.length ?? 0) + (sync?.semaphores?.length ?? 0) > 0;
}

function semaphoreRef(s: NonNullable<Synchronization['semaphores']>[number], wfNamespace: string): LockRef {
  const cm = s.configMapKeyRef;
  if (!cm?.name || !cm.key)
    throw new Error(`${INVALID_SYNC}: cannot get LockName for a Semaphore without a ConfigMapRef or Database`);
  const namespace = s.namespace || wfNamespace;
  return {
    key: `${namespace}/ConfigMap/${cm.name}/${cm.key}`,
    kind: 'Semaphore',
    namespace,
    name: cm.name,
    configMapKey: cm.key,
  };
}

/**
 * The locks a block asks for, in key order: every holder takes several locks in the same order, so two
 * holders never each hold one lock the other waits for (docs/adr/0021-synchronization-locks.md).
 * Throws Argo's error for a duplicate item or a semaphore without a ConfigMap reference.
 */
export function lockRefs(sync: Synchronization, wfNamespace: string): LockRef[] {
  const refs: LockRef[] = [];
  for (const s of sync.semaphores ?? []) refs.push(semaphoreRef(s, wfNamespace));
  for (const m of sync.mutexes ?? []) {
    if (!m.name) throw new Error(`${INVALID_SYNC}: Invalid lock key: ResourceName is missing`);
    const namespace = m.namespace || wfNamespace;
    refs.push({ key: `${namespace}/Mutex/${m.name}`, kind: 'Mutex', namespace, name: m.name });
  }
  const keys = new Set(refs.map((r) => r.key));
  if (keys.size !== refs.length) throw new Error(`${INVALID_SYNC}: duplicate synchronization item found`);
  return refs.sort((a, b) => (a.key < b.key ? -1 : 1));
}

/** Argo's message for a holder that waits (semaphore.go checkAcquire): free slots of the limit. */
export function waitingMessage(key: string, holders: number, limit: number | undefined): string {
  const max = limit ?? 1;
  return `Waiting for ${key} lock. Lock status: ${Math.max(0, max - holders)}/${max}`;
}
