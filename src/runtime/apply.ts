/**
 * Runs the engine's actions, idempotently and with bounded parallelism, and reports what became of
 * each one (done, already there, rejected with the API server's status and message, transient). This
 * is the only place actions are executed; it decides nothing: the outcomes go back to the engine.
 * Pod names are deterministic, so a create that finds the pod already there (AlreadyExists) adopts it —
 * that is how a reconcile that died after creating a pod and before writing status is repaired — and
 * a delete or label of a pod that is gone counts as done.
 */
import type { Action, ActionOutcome, KubePod } from '../engine/contract.ts';
import type { Workflow } from '../engine/types.ts';
import type { Logger } from '../logger.ts';
import type { ClusterRegistry, KubeClient } from '../ports/kube.ts';
import { isAlreadyExists, isNotFound } from '../adapters/kube/errors.ts';
import { createPod, deletePod, getPod, patchPodLabels } from '../adapters/kube/resources.ts';
import { isForeignPod, LABEL_COMPLETED, podWorkflowUid } from '../engine/labels.ts';
import { clientForPlace } from './observe.ts';
import { outcomeOf } from './outcome.ts';
import { saveMemoEntry } from './memo-cache.ts';
import { emitWorkflowEvent, type EventPolicy } from './events.ts';
import { applyTaskSet } from './task-sets.ts';
import { ensureClaims, removeClaim } from './claims.ts';
import type { LockView } from '../engine/sync/types.ts';
import type { NudgePublisher } from '../ports/event-source.ts';
import { acquireLocks, lockDepsOf, releaseLock } from './locks.ts';

export interface ApplyDeps {
  registry: ClusterRegistry;
  logger: Logger;
  /** Actions run at once (per reconcile). */
  parallelism?: number;
  events?: EventPolicy;
  now: () => Date;
  /** Test hook, called after each action succeeded (may throw to simulate a crash). */
  afterAction?: (action: Action) => void | Promise<void>;
  /** Wakes the waiters of a lock that frees (the work queue). */
  publisher?: NudgePublisher;
  /** The controller namespace holds the lock records. */
  controller?: { controllerNamespace?: string };
  /**
   * True once this reconcile must create no more pods, given the creates made so far: the invocation has
   * used the share of its time budget meant for creates, and what is left is for storing the status
   * (reconcile-handler.ts). The creates not started are `held` and planned again by the next reconcile.
   */
  holdCreates?: (made: number) => boolean;
}

/** One action and what became of it; `error` is the failure behind a rejected/transient outcome. */
export interface AppliedAction {
  action: Action;
  outcome: ActionOutcome;
  error?: unknown;
}

export interface ApplyResult {
  created: number;
  adopted: number;
  deleted: number;
  labelled: number;
  events: number;
  /** Every action's outcome, in the order they finished. */
  outcomes: AppliedAction[];
  /** Lock records as AcquireLock/ReleaseLock left them, by lock key (the next decide's views). */
  locks: Record<string, LockView>;
  /** Pod creates not started because of `holdCreates` (no outcome: the next reconcile plans them). */
  held?: number;
  /**
   * Pods found on create already labelled completed (adopted), by name: they finished before the status
   * recording their node's outcome was stored, and the reconcile's list no longer shows them
   * (engine/pod-scope.ts). The next round decides on them as they are, not as the pod just built.
   */
  finished?: Map<string, KubePod>;
}

/**
 * Applies actions and reports each outcome. Only failures that are not about the action (a bug, a
 * test's injected crash) are thrown, after the other actions finished, so nothing is left half-known.
 */
export async function applyActions(deps: ApplyDeps, workflow: Workflow, actions: Action[]): Promise<ApplyResult> {
  // Locks let go first: a holder of this workflow waiting for a lock another of its nodes frees gets it now.
  const releases = actions.filter((a) => a.kind === 'ReleaseLock');
  if (releases.length > 0 && releases.length < actions.length) {
    const first = await applyActions(deps, workflow, releases);
    const rest = await applyActions(
      deps,
      workflow,
      actions.filter((a) => a.kind !== 'ReleaseLock'),
    );
    return mergeResults(first, rest);
  }
  const result: ApplyResult = { created: 0, adopted: 0, deleted: 0, labelled: 0, events: 0, outcomes: [], locks: {} };
  const errors: unknown[] = [];
  // A shared index, not queue.shift(): shifting an array of 50,000 actions (a wide fan-out's completed
  // labels) is quadratic in V8 — 9 s for 50,000, 34 s for 100,000.
  let next = 0;
  const worker = async () => {
    for (let action = actions[next++]; action; action = actions[next++]) {
      if (action.kind === 'CreatePod' && deps.holdCreates?.(result.created + result.adopted)) {
        result.held = (result.held ?? 0) + 1;
        continue;
      }
      try {
        const outcome = await applyOne(deps, workflow, action, result);
        result.outcomes.push({ action, outcome });
        if (outcome.kind === 'done' || outcome.kind === 'already-there') await deps.afterAction?.(action);
      } catch (e) {
        const outcome = outcomeOf(e);
        if (outcome) result.outcomes.push({ action, outcome, error: e });
        else errors.push(e);
      }
    }
  };
  const n = Math.max(1, Math.min(deps.parallelism ?? 8, actions.length));
  await Promise.all(Array.from({ length: n }, worker));
  if (errors.length > 0) throw errors[0];
  return result;
}

function mergeResults(a: ApplyResult, b: ApplyResult): ApplyResult {
  return {
    created: a.created + b.created,
    adopted: a.adopted + b.adopted,
    deleted: a.deleted + b.deleted,
    labelled: a.labelled + b.labelled,
    events: a.events + b.events,
    outcomes: [...a.outcomes, ...b.outcomes],
    locks: { ...a.locks, ...b.locks },
    ...(a.finished || b.finished ? { finished: new Map([...(a.finished ?? []), ...(b.finished ?? [])]) } : {}),
    ...(a.held || b.held ? { held: (a.held ?? 0) + (b.held ?? 0) } : {}),
  };
}

async function applyOne(
  deps: ApplyDeps,
  workflow: Workflow,
  action: Action,
  result: ApplyResult,
): Promise<ActionOutcome> {
  switch (action.kind) {
    case 'CreatePod':
      return createPodAction(deps, workflow, action, result);
    case 'DeletePod': {
      const client = await clientForPlace(deps.registry, action);
      try {
        await deletePod(client, action.namespace, action.name, { propagationPolicy: 'Background' });
        result.deleted++;
        return DONE;
      } catch (e) {
        if (!isNotFound(e)) throw e;
        return ALREADY_THERE;
      }
    }
    case 'LabelPodCompleted': {
      const client = await clientForPlace(deps.registry, action);
      try {
        await patchPodLabels(client, action.namespace, action.name, { [LABEL_COMPLETED]: 'true' });
        result.labelled++;
        return DONE;
      } catch (e) {
        if (!isNotFound(e)) throw e;
        return ALREADY_THERE;
      }
    }
    case 'ApplyTaskSet':
      return applyTaskSet(await clientForPlace(deps.registry, action), action.namespace, action.taskSet, action.remove);
    case 'DeleteClaim': {
      const client = await clientForPlace(deps.registry, action);
      return (await removeClaim(client, action.namespace, action.name)) ? DONE : ALREADY_THERE;
    }
    case 'EmitEvent': {
      if (await emitWorkflowEvent(deps, workflow, action)) result.events++;
      return DONE;
    }
    case 'SaveMemoEntry':
      return saveMemoEntry(deps.registry.mainClient(), action);
    case 'AcquireLock':
    case 'ReleaseLock':
      return applyLock(deps, action, result);
  }
}

/** A lock record change (locks.ts); the record as it is now goes back to the engine. */
async function applyLock(
  deps: ApplyDeps,
  action: Extract<Action, { kind: 'AcquireLock' | 'ReleaseLock' }>,
  result: ApplyResult,
): Promise<ActionOutcome> {
  const lockDeps = lockDepsOf(deps);
  if (action.kind === 'AcquireLock') Object.assign(result.locks, await acquireLocks(lockDeps, action));
  else result.locks[action.lock.key] = await releaseLock(lockDeps, action);
  return DONE;
}

/** Creates a pod; its claims first; one already there from a crashed earlier attempt is adopted (unless it is another's). */
async function createPodAction(
  deps: ApplyDeps,
  workflow: Workflow,
  action: Extract<Action, { kind: 'CreatePod' }>,
  result: ApplyResult,
): Promise<ActionOutcome> {
  const client = await clientForPlace(deps.registry, action);
  const unclaimed =
    action.claims && (await ensureClaims(client, action.namespace, action.claims, workflow.metadata.uid));
  if (unclaimed) return unclaimed;
  try {
    await createPod(client, action.namespace, action.pod);
    result.created++;
    return DONE;
  } catch (e) {
    if (!isAlreadyExists(e)) throw e;
    const { held, found } = await heldBy(client, action, workflow.metadata.uid);
    if (held) return { kind: 'transient', message: held };
    result.adopted++;
    if (found?.metadata.labels?.[LABEL_COMPLETED] === 'true')
      (result.finished ??= new Map()).set(podName(found), found);
    deps.logger.info('pod already exists; adopted', { cluster: action.cluster, pod: podName(action.pod) });
    return ALREADY_THERE;
  }
}

/**
 * Why a pod found under the name we create cannot be adopted: it belongs to another workflow with this
 * name (a deleted one whose pods are still there) or it is being deleted. Else the pod found, ours (a
 * crashed earlier attempt made it). Both conflicts end when the old pod is gone, so they are waited for.
 */
async function heldBy(
  client: KubeClient,
  action: Extract<Action, { kind: 'CreatePod' }>,
  uid: string | undefined,
): Promise<{ held?: string; found?: KubePod }> {
  const name = podName(action.pod);
  let found: KubePod;
  try {
    found = await getPod<KubePod>(client, action.namespace, name);
  } catch (e) {
    if (isNotFound(e)) return { held: `pod ${name} was being deleted when this one was created` };
    throw e;
  }
  const other = podWorkflowUid(found);
  if (isForeignPod(found, uid))
    return {
      held: `pod ${name} still belongs to an earlier workflow of this name (uid ${other}); waiting for it to be deleted`,
    };
  if (found.metadata.deletionTimestamp) return { held: `pod ${name} is being deleted; waiting to create it again` };
  return { found };
}

const DONE: ActionOutcome = { kind: 'done' };
const ALREADY_THERE: ActionOutcome = { kind: 'already-there' };

function podName(pod: KubePod): string {
  return pod.metadata.name ?? '';
}
