/**
 * The vocabulary of synchronization (Argo's `synchronization.mutexes` / `semaphores`): lock keys as
 * Argo names them, the state a lock record keeps (who holds it, who waits in which order) and the view
 * of it the engine decides on. Where the records live and why that is safe: docs/adr/0021-synchronization-locks.md.
 */

/** Argo's `Synchronization` (v4.1: lists only; the database-backed kinds are refused by name). */
export interface Synchronization {
  mutexes?: { name?: string; namespace?: string; database?: boolean }[];
  semaphores?: {
    configMapKeyRef?: { name?: string; key?: string; optional?: boolean };
    namespace?: string;
    database?: { key?: string };
  }[];
}

/**
 * One lock as Argo names it: `<namespace>/Mutex/<name>` or `<namespace>/ConfigMap/<name>/<key>`
 * (Argo's lockName.String). A semaphore's limit is key `configMapKey` of ConfigMap `configMap` in `namespace`.
 */
export interface LockRef {
  key: string;
  kind: 'Mutex' | 'Semaphore';
  namespace: string;
  /** The mutex name, or the semaphore's ConfigMap. */
  name: string;
  /** The semaphore's key in its ConfigMap. */
  configMapKey?: string;
}

/** A holder waiting for a lock, ordered as Argo's queue orders: priority (higher first), then creation time. */
export interface LockWaiter {
  /** `<namespace>/<workflow>` (workflow level) or `<namespace>/<workflow>/<node ID>` (template level). */
  key: string;
  priority: number;
  /** The workflow's creationTimestamp (RFC 3339). */
  created: string;
}

/** What a lock record stores. */
export interface LockState {
  holders: string[];
  waiting: LockWaiter[];
}

/** A lock as one reconcile saw it: its state, and its limit or why there is none. */
export interface LockView extends LockState {
  limit?: number;
  /** Why the semaphore's limit could not be read (Argo: `failed to initialize semaphore … with limit`). */
  limitError?: string;
}
