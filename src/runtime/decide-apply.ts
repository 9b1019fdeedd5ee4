/**
 * The middle of a reconcile: decide → apply, and again while some effects did not happen. A pod create
 * the API server refused goes back to the engine in `Snapshot.effects` (with the pods that were made),
 * and the engine decides what it means (the node ends Error; a retry, failFast or continueOn follows);
 * a pod delete or label that failed is noted on its node with an event (engine/pod-effects.ts). The
 * new decision is applied in the same reconcile. Rounds are bounded: what is left after the last
 * one is decided on the next reconcile, which the caller asks for at once (`deferred`).
 */
import type {
  Action,
  Decision,
  EffectResult,
  KubePod,
  MetricSample,
  ObservedPod,
  Snapshot,
} from '../engine/contract.ts';
import type { Workflow } from '../engine/types.ts';
import type { LockView } from '../engine/sync/types.ts';
import { applyActions, type ApplyDeps, type AppliedAction, type ApplyResult } from './apply.ts';
import { diffMeta, patchMeta } from './write-workflow.ts';

/** Rounds of decide → apply per reconcile (a refused create with retries adds one per attempt). */
export const MAX_EFFECT_ROUNDS = 5;
/** Pod creates per reconcile unless configured. */
export const DEFAULT_MAX_POD_CREATES = 200;

export interface DecideApplyDeps extends ApplyDeps {
  decide: (snapshot: Snapshot, now: Date) => Decision;
  maxPodCreates?: number;
  /** The snapshot with the workflow's finished pods added (observe-workflow.ts), when the engine asks. */
  readFinishedPods?: (snapshot: Snapshot) => Promise<Snapshot>;
}

export interface DecideApplyResult {
  decision: Decision;
  /** The workflow as stored now (a finalizer patch changes its resourceVersion). */
  workflow: Workflow;
  created: number;
  adopted: number;
  deleted: number;
  labelled: number;
  /** API writes to the workflow made here (the finalizer). */
  metaWrites: number;
  /** Pod creates left for the next reconcile (the cap, or effects not decided yet). */
  deferred: number;
  /** The pods observed before, and the ones created (or found) here. */
  pods: ObservedPod[];
  /**
   * Completed labels of pods whose node finished in this reconcile: applied only once the status that
   * records it is stored (reconcile.ts), since a labelled pod is no longer listed.
   */
  afterWrite: Extract<Action, { kind: 'LabelPodCompleted' }>[];
  /** The events every round decided (a later round does not repeat an earlier one's), in order. */
  events: Action[];
  /** The lock records as last read or changed here (an ending that follows lets go of them). */
  locks?: Record<string, LockView>;
  /**
   * Custom metric samples of every round: each round decides on the previous round's status, so a
   * transition is in exactly one round's samples.
   */
  metrics: MetricSample[];
}

/** Decides on `snapshot` and applies the decision's pod actions until every outcome is decided on. */
export async function decideAndApply(
  deps: DecideApplyDeps,
  wf: Workflow,
  snapshot: Snapshot,
  now: Date,
): Promise<DecideApplyResult> {
  const first = await firstDecision(deps, snapshot, now);
  snapshot = first.snapshot;
  let decision = first.decision;
  const out: DecideApplyResult = {
    decision,
    workflow: wf,
    created: 0,
    adopted: 0,
    deleted: 0,
    labelled: 0,
    metaWrites: 0,
    deferred: 0,
    pods: snapshot.pods,
    afterWrite: [],
    events: [],
    metrics: [],
  };
  const applied = new Set<string>();
  let locks = snapshot.locks ?? {};
  for (let round = 1; ; round++) {
    keepEvents(out, decision);
    if (decision.metadataFirst) await storeMetadata(deps, out, decision);
    keepAfterWrite(out, decision);
    const todo = decision.actions.filter((a) => !laterAction(a) && !applied.has(actionKey(a)));
    const result = await applyActions(deps, out.workflow, todo);
    count(out, result);
    for (const a of result.outcomes) applied.add(actionKey(a.action));
    const effects = undecided(result.outcomes);
    out.pods = [...out.pods, ...podsMade(result.outcomes, result.finished)];
    const changed = locksChanged(locks, result.locks);
    locks = { ...locks, ...result.locks };
    if (Object.keys(locks).length > 0) out.locks = locks;
    // A pod adopted already finished (labelled completed) is an outcome the engine has not decided on.
    if ((effects.length === 0 && !changed && !result.finished) || round >= MAX_EFFECT_ROUNDS) {
      out.deferred += (decision.deferredCreates ?? 0) + effects.length;
      return out;
    }
    decision = out.decision = deps.decide(nextRound(deps, snapshot, out, decision, effects, locks), now);
  }
}

/**
 * The first round's decision, on a snapshot with the finished pods added when the engine asked for them
 * (engine/pod-scope.ts): nothing was applied yet, so deciding again is all it costs.
 */
async function firstDecision(
  deps: DecideApplyDeps,
  snapshot: Snapshot,
  now: Date,
): Promise<{ snapshot: Snapshot; decision: Decision }> {
  const budget = createBudget(deps, { created: 0, adopted: 0 });
  const decision = deps.decide({ ...snapshot, podCreateBudget: budget }, now);
  if (!decision.finishedPodsWanted || !deps.readFinishedPods) return { snapshot, decision };
  deps.logger.info('reading the finished pods too', { reason: decision.finishedPodsWanted });
  const full = await deps.readFinishedPods(snapshot);
  return { snapshot: full, decision: deps.decide({ ...full, podCreateBudget: budget }, now) };
}

/** Actions not applied with the others: events (after the status write) and labels that wait for it. */
function laterAction(a: Action): boolean {
  return a.kind === 'EmitEvent' || (a.kind === 'LabelPodCompleted' && a.afterStatusWrite === true);
}

function keepAfterWrite(out: DecideApplyResult, decision: Decision): void {
  const have = new Set(out.afterWrite.map(actionKey));
  for (const a of decision.actions)
    if (a.kind === 'LabelPodCompleted' && a.afterStatusWrite && !have.has(actionKey(a))) {
      have.add(actionKey(a));
      out.afterWrite.push(a);
    }
}

/** Pod creates this reconcile may still make: the configured cap less the ones made (or adopted) so far. */
function createBudget(deps: DecideApplyDeps, made: { created: number; adopted: number }): number {
  return Math.max(0, (deps.maxPodCreates ?? DEFAULT_MAX_POD_CREATES) - made.created - made.adopted);
}

/** The snapshot of the next round: the decided status, the pods made, the outcomes to decide on. */
function nextRound(
  deps: DecideApplyDeps,
  snapshot: Snapshot,
  out: DecideApplyResult,
  decision: Decision,
  effects: EffectResult[],
  locks: Record<string, LockView>,
): Snapshot {
  return {
    ...snapshot,
    workflow: { ...out.workflow, status: decision.status },
    // A new workflow's stored status is none: {} so that later rounds still see the start as a change.
    storedStatus: snapshot.storedStatus ?? snapshot.workflow.status ?? {},
    pods: out.pods,
    effects,
    locks,
    podCreateBudget: createBudget(deps, out),
  };
}

function count(out: DecideApplyResult, result: ApplyResult): void {
  out.created += result.created;
  out.adopted += result.adopted;
  out.deleted += result.deleted;
  out.labelled += result.labelled;
  out.deferred += result.held ?? 0;
}

/** Stores the decision's metadata before its actions run (the engine asks for it: a finalizer first). */
async function storeMetadata(deps: DecideApplyDeps, out: DecideApplyResult, decision: Decision): Promise<void> {
  const diff = diffMeta(out.workflow.metadata, decision.metadata);
  if (!diff) return;
  out.workflow = await patchMeta(deps.registry.mainClient(), out.workflow, diff);
  out.metaWrites++;
}

/**
 * The outcomes the engine must decide on: pod creates, task-set writes, pod deletes, completed labels
 * and claim deletes refused or failed for now. None of these is thrown: one pod's failure must not keep the workflow's
 * status from being written.
 */
function undecided(outcomes: AppliedAction[]): EffectResult[] {
  const effects: EffectResult[] = [];
  for (const { action, outcome, error } of outcomes) {
    if (outcome.kind === 'done' || outcome.kind === 'already-there') continue;
    if (action.kind === 'SaveMemoEntry') {
      effects.push({ kind: 'SaveMemoEntry', nodeId: action.nodeId, cluster: '', namespace: action.namespace, outcome });
      continue;
    }
    const { cluster, namespace } = action as { cluster: string; namespace: string };
    if (action.kind === 'CreatePod' || action.kind === 'ApplyTaskSet')
      effects.push({ kind: action.kind, nodeId: action.nodeId, cluster, namespace, outcome });
    else if (action.kind === 'DeletePod' || action.kind === 'LabelPodCompleted' || action.kind === 'DeleteClaim')
      effects.push({ kind: action.kind, name: action.name, cluster, namespace, outcome });
    else throw error;
  }
  return effects;
}

/** Adds a round's events to the ones kept (once each), and its custom metric samples. */
function keepEvents(out: DecideApplyResult, decision: Decision): void {
  if (decision.metrics) out.metrics.push(...decision.metrics);
  const have = new Set(out.events.map(actionKey));
  for (const a of decision.actions) if (a.kind === 'EmitEvent' && !have.has(actionKey(a))) out.events.push(a);
}

/** Pods created (or found) in a round, as the next round's decide observes them: just made, Pending. */
function podsMade(outcomes: AppliedAction[], finished?: Map<string, KubePod>): ObservedPod[] {
  return outcomes.flatMap(({ action, outcome }) =>
    action.kind === 'CreatePod' && (outcome.kind === 'done' || outcome.kind === 'already-there')
      ? [
          {
            cluster: action.cluster,
            namespace: action.namespace,
            pod: (outcome.kind === 'already-there' && finished?.get(action.pod.metadata.name ?? '')) || action.pod,
          },
        ]
      : [],
  );
}

function actionKey(a: Action): string {
  switch (a.kind) {
    case 'CreatePod':
      return `create/${a.cluster}/${a.namespace}/${a.pod.metadata.name ?? ''}`;
    case 'DeletePod':
      return `delete/${a.cluster}/${a.namespace}/${a.name}`;
    case 'LabelPodCompleted':
      return `label/${a.cluster}/${a.namespace}/${a.name}`;
    case 'DeleteClaim':
      return `delete-claim/${a.cluster}/${a.namespace}/${a.name}`;
    case 'EmitEvent':
      return `event/${a.reason}/${a.message}`;
    case 'ApplyTaskSet':
      return `taskset/${a.cluster}/${a.namespace}/${Object.keys(a.taskSet.spec?.tasks ?? {}).join(',')}/${a.remove.join(',')}`;
    case 'SaveMemoEntry':
      return `memo/${a.namespace}/${a.configMap}/${a.key}/${a.nodeId}`;
    case 'AcquireLock':
      return `acquire/${a.locks.map((l) => l.key).join(',')}/${a.holder}`;
    case 'ReleaseLock':
      return `release/${a.lock.key}/${a.holder}`;
  }
}

/** A lock record changed under an action (held now, or first seen): the engine decides again on it. */
function locksChanged(before: Record<string, LockView>, after: Record<string, LockView>): boolean {
  return Object.entries(after).some(([key, view]) => JSON.stringify(before[key]) !== JSON.stringify(view));
}
