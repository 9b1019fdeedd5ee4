/**
 * Where a holder meets its locks (Argo's TryAcquire in operate and executeTemplate): a template with
 * `synchronization` starts only once its node holds every lock, a workflow with
 * `spec.synchronization` only once the workflow does. Until then the node is Pending with Argo's
 * `Waiting for <lock> lock. Lock status: <free>/<limit>` and `synchronizationStatus.waiting`, or the
 * workflow is Pending with that message, and an AcquireLock action asks the lock records for it. Several
 * locks are taken all or none, as Argo's TryAcquire does.
 */
import type { ExecContext } from '../context.ts';
import { getNode, initNode, markPhase, mutableNode } from '../context.ts';
import type { NodeStatus, Template } from '../types.ts';
import { isStoppedByShutdown, shutdownMessage, shutdownOf } from '../shutdown.ts';
import { templateType } from '../template-types.ts';
import { lockRefs, usesLocks, waitingMessage } from './lock-refs.ts';
import { askFor, holderKey, noteHeld, syncOf, waiterOf } from './state.ts';
import type { LockRef, LockView, LockWaiter, Synchronization } from './types.ts';
import { join } from './queue.ts';

/** What the gate needs of the node it guards. */
export interface GateRequest {
  nodeName: string;
  boundaryID?: string;
  templateName?: string;
  templateRef?: NodeStatus['templateRef'];
  nodeFlag?: NodeStatus['nodeFlag'];
}

/** The gate's answer: a node to return as is (waiting, failed, stopped), or go on with `existing`. */
export type GateResult = { node: NodeStatus } | { node?: undefined; existing: NodeStatus | undefined };

type Blocked = { ref: LockRef; message: string } | { error: string };

/** True when the lock would let `waiter` in now: it holds it, or a slot is free for it at the front. */
function admits(view: LockView | undefined, ref: LockRef, waiter: LockWaiter): boolean {
  if (!view) return false;
  return join(view, waiter, ref.kind === 'Mutex' ? 1 : (view.limit ?? 0)).fits;
}

/**
 * Whether `holder` holds every lock of `refs`; if not, it asks for all of them at once (Argo's
 * TryAcquire: all or none) and waits on each, with the message of the first lock that keeps it out.
 * Undefined when it holds them all; the error when one can never be held.
 */
function missing(ctx: ExecContext, refs: LockRef[], holder: string): Blocked | undefined {
  const views = syncOf(ctx).views;
  const broken = refs.find((r) => views[r.key]?.limitError);
  if (broken) return { error: views[broken.key]?.limitError as string };
  if (refs.every((r) => views[r.key]?.holders.includes(holder))) {
    for (const ref of refs) noteHeld(ctx, ref, holder);
    return undefined;
  }
  askFor(ctx, refs, holder);
  const waiter = waiterOf(ctx, holder);
  const ref = refs.find((r) => !admits(views[r.key], r, waiter)) ?? (refs[0] as LockRef);
  const view = views[ref.key];
  const limit = ref.kind === 'Mutex' ? 1 : view?.limit;
  return { ref, message: waitingMessage(ref.key, view?.holders.length ?? 0, limit) };
}

function placeholder(ctx: ExecContext, req: GateRequest, t: Template, message: string): NodeStatus {
  const existing = getNode(ctx, req.nodeName);
  if (existing) return markPhase(ctx, existing.id, 'Pending', message);
  const node = initNode(ctx, {
    name: req.nodeName,
    type: templateType(t)?.nodeType ?? 'Pod',
    boundaryID: req.boundaryID,
    templateName: req.templateName,
    templateRef: req.templateRef,
    phase: 'Pending',
    message,
  });
  if (req.nodeFlag) node.nodeFlag = { ...req.nodeFlag };
  return node;
}

function isWaitingPlaceholder(node: NodeStatus | undefined): boolean {
  return !!node?.synchronizationStatus?.waiting;
}

/** Ends a node that cannot get its locks (a shutdown, an unreadable limit): Argo's phase and message. */
function endNode(ctx: ExecContext, req: GateRequest, t: Template, phase: 'Failed' | 'Error', msg: string): NodeStatus {
  const node = placeholder(ctx, req, t, msg);
  const ended = markPhase(ctx, node.id, phase, msg);
  delete mutableNode(ctx, ended.id).synchronizationStatus;
  return ctx.nodes[ended.id] as NodeStatus;
}

/**
 * Guards a template's node. A node that already started keeps its locks (they are released when it
 * finishes); a new or waiting node holds them all or waits. A waiting placeholder is dropped once the
 * locks are held, so the template's executor creates the node as if new (its start time is kept).
 */
export function templateGate(
  ctx: ExecContext,
  req: GateRequest,
  t: Template,
  sync: Synchronization | undefined,
  existing: NodeStatus | undefined,
): GateResult {
  if (!usesLocks(sync)) return { existing };
  const holder = holderKey(ctx, req.nodeName);
  let refs: LockRef[];
  try {
    refs = lockRefs(sync, ctx.wfNamespace);
  } catch (e) {
    return { node: endNode(ctx, req, t, 'Error', (e as Error).message) };
  }
  if (existing && !isWaitingPlaceholder(existing)) {
    for (const ref of refs) noteHeld(ctx, ref, holder);
    return { existing };
  }
  const strategy = shutdownOf(ctx);
  if (strategy && (!existing || isStoppedByShutdown(ctx, existing)))
    return { node: endNode(ctx, req, t, 'Failed', shutdownMessage(strategy)) };
  const blocked = missing(ctx, refs, holder);
  if (blocked && 'error' in blocked) return { node: endNode(ctx, req, t, 'Error', blocked.error) };
  if (blocked) {
    const node = placeholder(ctx, req, t, blocked.message);
    mutableNode(ctx, node.id).synchronizationStatus = { waiting: blocked.ref.key };
    return { node: ctx.nodes[node.id] as NodeStatus };
  }
  if (existing) {
    ctx.reasons.push(`node ${existing.name} acquired its locks`);
    syncOf(ctx).starts.set(existing.id, existing.startedAt ?? ctx.now);
    delete ctx.nodes[existing.id];
  }
  return { existing: undefined };
}

/** Argo's workflow-level outcome: wait (Pending + message), fail (message), or run. */
export type WorkflowGate = { wait: string } | { fail: string } | undefined;

/**
 * Guards the workflow (`spec.synchronization`). A workflow that started keeps its locks; one that did
 * not waits Pending, unless it is terminated (Argo fails a waiting workflow only on Terminate).
 */
export function workflowGate(ctx: ExecContext, started: boolean): WorkflowGate {
  const sync = ctx.wf.spec.synchronization as Synchronization | undefined;
  if (!usesLocks(sync)) return undefined;
  const holder = holderKey(ctx);
  let refs: LockRef[];
  try {
    refs = lockRefs(sync, ctx.wfNamespace);
  } catch (e) {
    return { fail: `Failed to acquire the synchronization lock. ${(e as Error).message}` };
  }
  if (started) {
    for (const ref of refs) noteHeld(ctx, ref, holder);
    return undefined;
  }
  if (shutdownOf(ctx) === 'Terminate') return { fail: shutdownMessage('Terminate') };
  const blocked = missing(ctx, refs, holder);
  if (!blocked) return undefined;
  if ('error' in blocked) return { fail: `Failed to acquire the synchronization lock. ${blocked.error}` };
  return { wait: blocked.message };
}
