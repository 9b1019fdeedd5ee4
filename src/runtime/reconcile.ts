/**
 * Reconcile one workflow: read → decide → apply → write. Level-triggered: the nudge only named the
 * workflow; everything is re-read here. A 409 on the status write means someone else wrote first:
 * re-read and decide again (up to `maxAttempts`), then give up and let SQS retry the message.
 */
import type {
  ControllerSettings,
  Decision,
  ObservedTaskResult,
  PlacementCheck,
  Snapshot,
  Action,
  MetricSample,
} from '../engine/contract.ts';
import type { CustomMetricsSink } from './custom-metrics.ts';
import type { Workflow } from '../engine/types.ts';
import type { Logger } from '../logger.ts';
import type { NudgePublisher } from '../ports/event-source.ts';
import type { ClusterRegistry } from '../ports/kube.ts';
import { isConflict } from '../adapters/kube/errors.ts';
import { applyActions } from './apply.ts';
import { YamlReaderMissing, yamlReaderInstalled } from '../engine/yaml-reader.ts';
import { decideAndApply } from './decide-apply.ts';
import type { EventPolicy } from './events.ts';
import { StatusConflictError } from './errors.ts';
import { finalizeWorkflow, needsFinalization } from './finalize.ts';
import { discoverStatusSubresource } from '../adapters/kube/resources.ts';
import { prefetchOwnPods, type OwnPodsList } from './observe.ts';
import { observeFinishedPods, observeWorkflow } from './observe-workflow.ts';
import { deleteTaskResults, type ExecutorMode } from './task-results.ts';
import { LABEL_COMPLETED, LABEL_INSTANCE_ID } from '../engine/labels.ts';
import { isLost, readWorkflow } from './read-workflow.ts';
import type { StatusStorage } from './status-size.ts';
import { writeOrEnd } from './write-or-end.ts';
import { expireFinished } from './ttl.ts';
import { deleteTaskSets, taskSetPlaces } from './task-sets.ts';
import { artifactGcRound, holdsGcFinalizer, type GcRoundResult } from './artifact-gc.ts';
import { versionsOf } from './seen-versions.ts';

export type DecideFn = (snapshot: Snapshot, now: Date) => Decision;

/** Test hooks: each may throw to simulate the function dying at that point. */
export interface ReconcileHooks {
  afterAction?: (action: Action) => void | Promise<void>;
  beforeStatusWrite?: (workflow: Workflow, attempt: number) => void | Promise<void>;
  /** After status and metadata are stored, before events and the timed wake-up. */
  afterStatusWrite?: (workflow: Workflow, attempt: number) => void | Promise<void>;
}

export interface ReconcileDeps {
  registry: ClusterRegistry;
  decide: DecideFn;
  /** Placement check for a workflow (policy + registry); absent = allow what the registry can reach. */
  placementFor?: (workflow: Workflow) => PlacementCheck | undefined;
  publisher: NudgePublisher;
  controller: ControllerSettings;
  /** Only reconcile workflows of this namespace ('' = all). */
  managedNamespace?: string;
  logger: Logger;
  now: () => Date;
  events?: EventPolicy;
  parallelism?: number;
  /**
   * Pod creates per reconcile (default 200). A wide fan-out is created over several reconciles, each
   * well inside the function's timeout at the entry's QPS; the engine re-plans the rest, because a
   * Pending node without a pod is created again on the next decide. Also caps pod deletes per reconcile
   * of a workflow being deleted (the finalizer).
   */
  maxPodCreates?: number;
  /** The invocation's time: no more pod creates past its share for them (apply.ts `holdCreates`). */
  holdCreates?: (made: number) => boolean;
  maxAttempts?: number;
  /** Pods for Argo's executor, pods-only, or by discovery per place (default `auto`). */
  executorMode?: ExecutorMode;
  /** Whether the Workflow CRD has a status subresource (memoised probe); absent = discover per call. */
  statusSubresource?: () => Promise<boolean>;
  hooks?: ReconcileHooks;
  /** Size limit, node status offload store (status-size.ts); absent = 1 MiB and no offload. */
  statusStorage?: StatusStorage;
  /** Where custom metric samples go once their status is written (custom-metrics.ts); absent = nowhere. */
  customMetrics?: CustomMetricsSink;
}

export type ReconcileOutcome =
  | 'reconciled'
  | 'unchanged'
  | 'not-found'
  | 'completed'
  | 'finalized'
  | 'deleting'
  | 'not-ours'
  /** Deleted: its ttlStrategy expired. */
  | 'expired';

export interface ReconcileResult {
  outcome: ReconcileOutcome;
  writes: number;
  attempts: number;
  /** Pods found already there on create (a crashed earlier attempt made them) and adopted. */
  adopted?: number;
  requeueAfterMs?: number;
  /** uid → resourceVersion of the workflow as stored and the pods the decision was made on (seen-versions.ts). */
  seen?: Map<string, string>;
}

/** Memoises CRD discovery per process (one GET on the first reconcile). */
export function statusSubresourceProbe(registry: ClusterRegistry): () => Promise<boolean> {
  let cached: Promise<boolean> | undefined;
  return () => {
    cached ??= discoverStatusSubresource(registry.mainClient()).catch((e: unknown) => {
      cached = undefined;
      throw e;
    });
    return cached;
  };
}

/** One probe per registry, so wirings that leave `statusSubresource` unset still discover once. */
const probes = new WeakMap<ClusterRegistry, () => Promise<boolean>>();
function sharedProbe(registry: ClusterRegistry): () => Promise<boolean> {
  let probe = probes.get(registry);
  if (!probe) probes.set(registry, (probe = statusSubresourceProbe(registry)));
  return probe;
}

/** Reconciles the named workflow. Throws transient errors (the message is retried). */
export async function reconcileWorkflow(
  deps: ReconcileDeps,
  ref: { namespace: string; workflow: string },
): Promise<ReconcileResult> {
  const maxAttempts = deps.maxAttempts ?? 3;
  const probe = deps.statusSubresource ?? sharedProbe(deps.registry);
  let writes = 0;
  for (let attempt = 1; attempt <= maxAttempts; attempt++) {
    const { read, own } = await readOf(deps, ref, attempt < maxAttempts);
    if (read === 'not-found') return { outcome: 'not-found', writes, attempts: attempt };
    let wf = read === 'replaced' ? undefined : isLost(read) ? read.raw : read;
    const skip = wf && skipReason(deps, wf);
    const gc = wf && (await gcFirst(deps, wf, skip, probe));
    if (!wf || gc === 'conflict') continue;
    writes += gc?.writes ?? 0;
    if (gc && !gc.released)
      return { outcome: skip === 'deleting' ? 'deleting' : 'completed', writes, attempts: attempt };
    if (gc) wf = gc.workflow;
    if (skip === 'deleting') {
      // Not ours to finalize (no remote pods were ever made, or already done): Kubernetes does the rest.
      if (!needsFinalization(wf)) return { outcome: 'deleting', writes, attempts: attempt };
      try {
        const plan = await finalizeWorkflow(
          { ...deps, instanceId: deps.controller.instanceId ?? '', maxPodDeletes: deps.maxPodCreates },
          wf,
        );
        if (plan.removeFinalizer)
          return { outcome: 'finalized', writes: writes + 1 + plan.deletes.length, attempts: attempt };
        // The workflow is not written while it is finalized: the pods left make each step's id unique.
        await nudgeSelf(deps, wf, plan.requeueAfterMs ?? 0, {
          change: `${plan.deferred} pod deletes deferred`,
          version: `${wf.metadata.resourceVersion ?? ''}-${plan.remaining}`,
        });
        return { outcome: 'deleting', writes: writes + plan.deletes.length, attempts: attempt };
      } catch (e) {
        if (isConflict(e)) continue;
        throw e;
      }
    }
    if (skip === 'completed' && isOurs(deps, wf) && (await expireFinished(deps, wf)))
      return { outcome: 'expired', writes: writes + 1, attempts: attempt };
    if (skip) return { outcome: skip, writes, attempts: attempt };
    const how = { sub: await probe(), attempt, lost: isLost(read) ? read.message : undefined, own };
    const done = await onceOrAgain(deps, wf, how, (n) => (writes += n));
    // Loading the YAML reader is not a failed attempt: it happens once per process.
    if (done === 'yaml reader loaded') attempt--;
    else if (done !== 'conflict') return done;
  }
  throw new StatusConflictError({ namespace: ref.namespace, workflow: ref.workflow, attempts: maxAttempts });
}

/** One reconcile, or why to read the workflow again: a write conflict, or the YAML reader just loaded. */
async function onceOrAgain(
  ...args: Parameters<typeof reconcileOnce>
): Promise<ReconcileResult | 'conflict' | 'yaml reader loaded'> {
  try {
    return await reconcileOnce(...args);
  } catch (e) {
    if (e instanceof YamlReaderMissing) {
      await loadYamlReader();
      return 'yaml reader loaded';
    }
    if (!isConflict(e)) throw e;
    args[0].logger.info('conflict writing workflow; re-reading', { attempt: args[2].attempt });
    return 'conflict';
  }
}

/**
 * Loads the engine's YAML reader (the `yaml` parser) the first time a decide meets a YAML document
 * (engine/yaml-reader.ts): not at cold start, where most workflows never need it. The attempt is then
 * read and decided again from the start, as after a conflict.
 */
async function loadYamlReader(): Promise<void> {
  await import('../engine/yaml-go.ts');
  if (!yamlReaderInstalled()) throw new Error('engine/yaml-go.ts did not install the YAML reader');
}

/**
 * The workflow with its nodes read back (read-workflow.ts), and the list of its own place's pods started
 * at the same time: one round trip for both (observe.ts).
 */
async function readOf(deps: ReconcileDeps, ref: { namespace: string; workflow: string }, mayRetry: boolean) {
  const own = prefetchOwnPods(deps.registry, ref, deps.controller.instanceId ?? '');
  const read = await readWorkflow(deps.registry.mainClient(), ref, deps.statusStorage?.nodeStatus, mayRetry);
  return { read, own };
}

/**
 * A completed or deleted workflow of ours holding the artifact-gc finalizer gets a round of artifact GC
 * first (its pods are not deleted by the finalizer below while GC still runs); 'conflict' = re-read.
 */
async function gcFirst(
  deps: ReconcileDeps,
  wf: Workflow,
  skip: ReturnType<typeof skipReason> | undefined,
  probe: () => Promise<boolean>,
): Promise<GcRoundResult | 'conflict' | undefined> {
  if (!skip || !holdsGcFinalizer(wf) || !isOurs(deps, wf)) return undefined;
  try {
    return await collectArtifacts(deps, wf, probe);
  } catch (e) {
    if (isConflict(e)) return 'conflict';
    throw e;
  }
}

/** A round of artifact GC (completed or deleted workflow); comes back while GC pods run. */
async function collectArtifacts(
  deps: ReconcileDeps,
  wf: Workflow,
  probe: () => Promise<boolean>,
): Promise<GcRoundResult> {
  const round = await artifactGcRound({ ...deps, controller: deps.controller }, wf, await probe());
  if (round.requeueAfterMs !== undefined) await nudgeSelf(deps, wf, round.requeueAfterMs);
  return round;
}

function skipReason(deps: ReconcileDeps, wf: Workflow): ReconcileOutcome | 'deleting' | undefined {
  if (wf.metadata.deletionTimestamp) return 'deleting';
  if (wf.metadata.labels?.[LABEL_COMPLETED] === 'true') return 'completed';
  return isOurs(deps, wf) ? undefined : 'not-ours';
}

/** This controller's namespace and instance ID. */
function isOurs(deps: ReconcileDeps, wf: Workflow): boolean {
  if (deps.managedNamespace && wf.metadata.namespace !== deps.managedNamespace) return false;
  return (wf.metadata.labels?.[LABEL_INSTANCE_ID] ?? '') === (deps.controller.instanceId ?? '');
}

async function reconcileOnce(
  deps: ReconcileDeps,
  wf: Workflow,
  how: { sub: boolean; attempt: number; lost?: string; own?: OwnPodsList },
  countWrites: (n: number) => number,
): Promise<ReconcileResult> {
  const { sub: hasStatusSubresource, attempt } = how;
  const log = deps.logger.child({ namespace: wf.metadata.namespace, workflow: wf.metadata.name });
  const instanceId = deps.controller.instanceId ?? '';
  const { snapshot, taskResults } = await observeWorkflow(deps, wf, instanceId, how.own);
  if (how.lost) {
    log.error('offloaded nodes lost; ending the workflow with phase Error', { reason: how.lost });
    snapshot.offloadedNodesLost = { message: how.lost };
  }
  const readFinishedPods = (s: Snapshot) => observeFinishedPods(deps, s, instanceId);
  const applyDeps = { ...deps, afterAction: deps.hooks?.afterAction, readFinishedPods };
  const settled = await decideAndApply(applyDeps, wf, snapshot, deps.now());
  const current = settled.workflow;
  countWrites(settled.metaWrites);
  if (settled.decision.reasons.length > 0)
    log.debug('decided', { reasons: settled.decision.reasons, actions: settled.decision.actions.length });
  await deps.hooks?.beforeStatusWrite?.(current, attempt);
  const seen = { ...snapshot, pods: settled.pods, ...(settled.locks ? { locks: settled.locks } : {}) };
  const written = await writeOrEnd(deps, log, current, seen, settled.decision, hasStatusSubresource);
  // The decision stored: the one applied above, or the engine's ending when the status did not fit.
  const { decision } = written;
  const deferred = written.ended ? 0 : settled.deferred;
  emitMetrics(deps, log, written.ended ? (decision.metrics ?? []) : settled.metrics);
  const emitted = written.ended ? decision.actions.filter((a) => a.kind === 'EmitEvent') : settled.events;
  // Argo's phase-transition events, then the engine's own (a node starting to wait for a cluster).
  const eventActions = [...(decision.phaseEvents ?? []), ...emitted];
  const cleaned = isDone(decision.status.phase) ? await cleanUpDone(deps, wf, decision.status, taskResults) : 0;
  const labelled = written.ended ? 0 : await labelAfterWrite(deps, log, wf, written.workflow, settled.afterWrite);
  const applied = settled.created + settled.deleted + written.deleted + settled.labelled + labelled;
  const totalWrites = countWrites(written.writes + applied + cleaned);
  await deps.hooks?.afterStatusWrite?.(written.workflow, attempt);
  // Events after the status write: they describe what is now stored, and a conflict retry above
  // does not record them twice (their names are deterministic anyway).
  // The events and the follow-up nudge are independent: one round trip for both.
  const [ev] = await Promise.all([
    eventActions.length > 0 ? applyActions({ ...deps }, written.workflow, eventActions) : undefined,
    comeBack(deps, log, wf, written.workflow, { decision, deferred, created: settled.created }),
  ]);
  const changed = totalWrites > 0 || (ev?.events ?? 0) > 0;
  return {
    outcome: changed ? 'reconciled' : 'unchanged',
    writes: totalWrites + (ev?.events ?? 0),
    attempts: attempt,
    adopted: settled.adopted,
    requeueAfterMs: decision.requeueAfterMs,
    seen: versionsOf([written.workflow, ...settled.pods.map((p) => p.pod)]),
  };
}

/**
 * Labels completed the pods whose node's outcome the status just stored records (Argo's persistUpdates
 * labels pods only after the workflow update succeeded). One that fails stays listed; the reconcile
 * comes back at once, and that decide labels it again — before its status write, so that a failure is
 * noted on the node with an event (engine/pod-effects.ts).
 */
async function labelAfterWrite(
  deps: ReconcileDeps,
  log: Logger,
  wf: Workflow,
  written: Workflow,
  labels: Action[],
): Promise<number> {
  if (labels.length === 0) return 0;
  const result = await applyActions({ ...deps }, written, labels);
  const failed = result.outcomes.filter((o) => o.outcome.kind !== 'done' && o.outcome.kind !== 'already-there');
  if (failed.length === 0) return result.labelled;
  log.warn('pods not labelled completed after the status write; coming back for them', {
    pods: failed.map((f) => (f.action as { name: string }).name),
    outcome: failed[0]?.outcome,
  });
  const version = `${written.metadata.resourceVersion ?? ''}-labels`;
  await nudgeSelf(deps, wf, 0, { change: `${failed.length} completed labels failed`, version });
  return result.labelled;
}

/** The follow-up nudge of a reconcile: at once for creates the cap deferred, else the decision's wake-up. */
async function comeBack(
  deps: ReconcileDeps,
  log: Logger,
  wf: Workflow,
  written: Workflow,
  r: { decision: Decision; deferred: number; created: number },
): Promise<void> {
  const version = written.metadata.resourceVersion ?? '';
  if (r.deferred > 0) {
    log.info('pod creates deferred to the next reconcile', { created: r.created, deferred: r.deferred });
    await nudgeSelf(deps, wf, 0, { change: `${r.deferred} pod creates deferred`, version });
  } else if (isDone(r.decision.status.phase) && holdsGcFinalizer(written)) {
    // Artifact GC runs in a reconcile of the completed workflow (gcFirst), and the watcher's nudge
    // for the version just written is skipped as already seen: come back for it at once.
    await nudgeSelf(deps, wf, 0, { change: 'completed: artifact GC', version });
  } else if (r.decision.requeueAfterMs !== undefined && r.decision.requeueAfterMs >= 0) {
    await nudgeSelf(deps, wf, r.decision.requeueAfterMs);
  }
}

/**
 * A finished workflow's task results and task sets go (Argo deletes the results and labels the task set
 * completed; ownerReferences cannot reach other clusters). Deleting a task set also stops its agent.
 */
async function cleanUpDone(
  deps: ReconcileDeps,
  wf: Workflow,
  status: Workflow['status'] & object,
  taskResults: ObservedTaskResult[],
): Promise<number> {
  const name = wf.metadata.name ?? '';
  let cleaned = 0;
  if (taskResults.length > 0) {
    const used = new Map(
      taskResults.map((r) => [`${r.cluster}/${r.namespace}`, { cluster: r.cluster, namespace: r.namespace }]),
    );
    cleaned = await deleteTaskResults(deps.registry, name, deps.controller.instanceId ?? '', [...used.values()]);
  }
  const places = taskSetPlaces({ ...wf, status }, deps.registry.mainCluster);
  // Not retried: the workflow is completed now. Its deletion (finalizer, ownerReference) removes what is left.
  const sets = await deleteTaskSets(deps.registry, name, places).catch((error: unknown) => {
    deps.logger.warn('could not delete task sets of a finished workflow', { workflow: name, error });
    return 0;
  });
  return cleaned + sets;
}

/**
 * Comes back to this workflow: at once for a step of a bounded fan-out (creates or deletes deferred by
 * the cap: same FIFO group, after this message; the stored resourceVersion makes the de-duplication id
 * unique to this step), else after `afterMs` as a timer.
 */
async function nudgeSelf(
  deps: ReconcileDeps,
  wf: Workflow,
  afterMs: number,
  step?: { change: string; version: string },
): Promise<void> {
  const namespace = wf.metadata.namespace ?? '';
  const name = wf.metadata.name ?? '';
  if (afterMs > 0 || !step) {
    await deps.publisher.publishAfter({ v: 1, namespace, workflow: name, source: 'timer' }, afterMs);
    return;
  }
  await deps.publisher.publish([
    {
      v: 1,
      namespace,
      workflow: name,
      source: 'timer',
      change: step.change,
      object: { cluster: deps.registry.mainCluster, namespace, name, resourceVersion: step.version },
    },
  ]);
}

/**
 * The custom metric samples of transitions now stored: after the write, so a conflict retry or a
 * redelivered message does not count them twice (a function dying right here loses them, ADR 0018).
 */
function emitMetrics(deps: ReconcileDeps, log: Logger, samples: MetricSample[]): void {
  if (samples.length === 0) return;
  if (!deps.customMetrics) {
    log.debug('custom metrics not exported: no sink configured', { samples: samples.length });
    return;
  }
  for (const problem of deps.customMetrics.record(samples, deps.now()))
    log.warn('custom metric not recorded', { problem });
}

function isDone(phase: string | undefined): boolean {
  return phase === 'Succeeded' || phase === 'Failed' || phase === 'Error';
}
