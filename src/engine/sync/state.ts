/**
 * What one decide knows and does about locks: the views the snapshot brought, the holder keys that
 * still want each lock (holding or waiting), and the AcquireLock / ReleaseLock actions. Releases are
 * level-triggered: every entry of this workflow in a lock it saw that nothing wants any more (its node
 * finished, the workflow ended) is let go, whatever happened in between.
 */
import type { ExecContext } from '../context.ts';
import { isFulfilled } from '../context.ts';
import { nodeId } from '../names.ts';
import type { Action } from '../contract.ts';
import type { Workflow } from '../types.ts';
import type { LockRef, LockView, LockWaiter } from './types.ts';
import { newSyncState, type SyncState } from './sync-state.ts';

export { newSyncState, type SyncState } from './sync-state.ts';

/** The sync state of a decide (created on first use). */
export function syncOf(ctx: ExecContext): SyncState {
  ctx.sync ??= newSyncState(undefined);
  return ctx.sync;
}

/** Holder key of the workflow (`nodeName` absent) or of a node: Argo's getHolderKey. */
export function holderKey(ctx: ExecContext, nodeName?: string): string {
  const base = `${ctx.wfNamespace}/${ctx.wfName}`;
  return nodeName === undefined ? base : `${base}/${nodeId(ctx.wfName, nodeName)}`;
}

function note(map: Map<string, Set<string>>, ref: LockRef, holder: string, s: SyncState): void {
  s.refs.set(ref.key, ref);
  let set = map.get(ref.key);
  if (!set) map.set(ref.key, (set = new Set()));
  set.add(holder);
}

export function noteHeld(ctx: ExecContext, ref: LockRef, holder: string): void {
  const s = syncOf(ctx);
  note(s.held, ref, holder, s);
}

/** `holder` as a lock queue entry: Argo orders waiters by the workflow's `spec.priority`, then its age. */
export function waiterOf(ctx: ExecContext, holder: string): LockWaiter {
  const spec = ctx.wf.spec;
  const priority = typeof spec.priority === 'number' ? spec.priority : 0;
  return { key: holder, priority, created: ctx.wf.metadata.creationTimestamp ?? '' };
}

/** Records the wait on every lock of `refs` and asks for them all at once (once per decide). */
export function askFor(ctx: ExecContext, refs: LockRef[], holder: string): void {
  const s = syncOf(ctx);
  for (const ref of refs) note(s.waiting, ref, holder, s);
  const id = `${refs.map((r) => r.key).join(',')}|${holder}`;
  if (s.asked.has(id)) return;
  s.asked.add(id);
  const { priority, created } = waiterOf(ctx, holder);
  ctx.actions.push({ kind: 'AcquireLock', locks: refs, holder, priority, created });
  ctx.reasons.push(`acquire locks ${refs.map((r) => r.key).join(', ')} for ${holder}`);
}

/** True when `holder` (of this workflow) still wants its locks: the workflow runs, or its node is unfinished. */
function stillWanted(ctx: ExecContext, holder: string, workflowDone: boolean): boolean {
  if (workflowDone) return false;
  const base = `${ctx.wfNamespace}/${ctx.wfName}`;
  if (holder === base) return true;
  const id = holder.slice(base.length + 1);
  const node = ctx.nodes[id];
  return node !== undefined && !isFulfilled(node);
}

function ownedBy(ctx: ExecContext, key: string): boolean {
  const base = `${ctx.wfNamespace}/${ctx.wfName}`;
  return key === base || key.startsWith(`${base}/`);
}

/** ReleaseLock for every entry of this workflow in the seen locks that nothing wants any more. */
export function releaseUnwanted(ctx: ExecContext, workflowDone: boolean): void {
  const s = ctx.sync;
  if (!s) return;
  for (const set of [...s.held.values(), ...s.waiting.values()])
    for (const holder of set) if (!stillWanted(ctx, holder, workflowDone)) set.delete(holder);
  for (const [key, view] of Object.entries(s.views)) {
    const entries = [...view.holders, ...view.waiting.map((w) => w.key)].filter((k) => ownedBy(ctx, k));
    for (const holder of entries) {
      if (stillWanted(ctx, holder, workflowDone)) continue;
      const ref = s.refs.get(key) ?? refOfKey(key);
      ctx.actions.push({ kind: 'ReleaseLock', lock: ref, holder });
      ctx.reasons.push(`release lock ${key} held by ${holder}`);
      s.held.get(key)?.delete(holder);
      s.waiting.get(key)?.delete(holder);
    }
  }
}

/** A lock ref from its key (for locks seen but not asked for in this decide). */
export function refOfKey(key: string): LockRef {
  const [namespace = '', kind = '', ...rest] = key.split('/');
  return kind === 'ConfigMap'
    ? { key, kind: 'Semaphore', namespace, name: rest[0] ?? '', configMapKey: rest.slice(1).join('/') }
    : { key, kind: 'Mutex', namespace, name: rest.join('/') };
}

/**
 * ReleaseLock for every entry of `wf` in the locks a snapshot saw: a workflow that ends outside the
 * walk (its status too large to store, or already finished) lets go of everything in that decide.
 */
export function releaseAll(wf: Workflow, locks: Record<string, LockView> | undefined): Action[] {
  const base = `${wf.metadata.namespace ?? ''}/${wf.metadata.name ?? ''}`;
  const mine = (k: string) => k === base || k.startsWith(`${base}/`);
  const actions: Action[] = [];
  for (const [key, view] of Object.entries(locks ?? {}).sort(([a], [b]) => (a < b ? -1 : 1)))
    for (const holder of [...view.holders, ...view.waiting.map((w) => w.key)].filter(mine))
      actions.push({ kind: 'ReleaseLock', lock: refOfKey(key), holder });
  return actions;
}
