/**
 * The status write of a reconcile, and what happens when the decided status cannot be stored even with
 * compressed nodes: the write could never succeed and the reconcile would retry forever, so the outcome
 * goes back to the engine (`Snapshot.statusTooLarge`), which ends the workflow Error and stops its pods
 * (engine/too-large.ts). The ending is tried with the last stored node tree first, then without it.
 */
import type { Decision, Snapshot } from '../engine/contract.ts';
import type { Workflow } from '../engine/types.ts';
import type { Logger } from '../logger.ts';
import { applyActions, type ApplyDeps } from './apply.ts';
import { StatusTooLargeError, type StatusStorage } from './status-size.ts';
import { diffMeta, writeWorkflow, type WriteOutcome } from './write-workflow.ts';

export interface WriteOrEndDeps extends ApplyDeps {
  decide: (snapshot: Snapshot, now: Date) => Decision;
  /** Size limit and node status offload (status-size.ts): offloading comes before "too large". */
  statusStorage?: StatusStorage;
}

export interface Stored extends WriteOutcome {
  /** The decision whose status is stored now: the one given, or the engine's ending. */
  decision: Decision;
  /** True when the status was too large and the engine's ending was stored instead. */
  ended: boolean;
  /** Pods the ending deleted. */
  deleted: number;
}

/**
 * Writes `decision` onto `current` (the workflow as stored now); when the status is too large, stores
 * the engine's ending for `snapshot` (whose pods include the ones created in this reconcile).
 */
export async function writeOrEnd(
  deps: WriteOrEndDeps,
  log: Logger,
  current: Workflow,
  snapshot: Snapshot,
  decision: Decision,
  hasStatusSubresource: boolean,
): Promise<Stored> {
  const main = deps.registry.mainClient();
  let tooLarge: StatusTooLargeError;
  try {
    const diff = diffMeta(current.metadata, decision.metadata);
    const written = await writeWorkflow(main, current, decision.status, diff, hasStatusSubresource, deps.statusStorage);
    return { ...written, decision, ended: false, deleted: 0 };
  } catch (e) {
    if (!(e instanceof StatusTooLargeError)) throw e;
    tooLarge = e;
  }
  log.error('workflow status too large to store; ending the workflow with phase Error', { error: tooLarge });
  let deleted: number | undefined;
  for (const keepNodes of [true, false]) {
    const statusTooLarge = { message: tooLarge.message, keepNodes };
    const ending = deps.decide({ ...snapshot, workflow: current, statusTooLarge }, deps.now());
    deleted ??= await stopPods(deps, log, current, ending);
    try {
      const diff = diffMeta(current.metadata, ending.metadata);
      const written = await writeWorkflow(main, current, ending.status, diff, hasStatusSubresource, deps.statusStorage);
      return { ...written, decision: ending, ended: true, deleted };
    } catch (e) {
      if (!(e instanceof StatusTooLargeError) || !keepNodes) throw e;
      log.warn('the last stored node tree does not fit either; ending without it', { error: e });
    }
  }
  throw tooLarge; // not reached: the second ending either is stored or throws
}

/**
 * Applies the ending's lock releases and pod deletes; one that fails is logged (the workflow stays
 * unlabelled and retries; a lock entry left behind is dropped by the next waiter as stale).
 */
async function stopPods(deps: ApplyDeps, log: Logger, current: Workflow, ending: Decision): Promise<number> {
  const deletes = ending.actions.filter((a) => a.kind === 'DeletePod' || a.kind === 'ReleaseLock');
  if (deletes.length === 0) return 0;
  const result = await applyActions(deps, current, deletes);
  for (const { action, outcome } of result.outcomes)
    if (outcome.kind === 'rejected' || outcome.kind === 'transient')
      log.warn('could not stop a pod (or let a lock go) of a workflow ended for its status size', { action, outcome });
  return result.deleted;
}
