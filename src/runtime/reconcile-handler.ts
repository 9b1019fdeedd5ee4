/**
 * The reconcile function's logic (functions/reconcile/handler.ts only wires it): an SQS FIFO batch in,
 * a partial-batch response out. Records are coalesced per workflow (message group): one reconcile
 * serves every nudge of a group. Poison records (not a nudge) are reported failed, so they reach the
 * DLQ after maxReceiveCount, and so are the records behind them in their group (FIFO order). Terminal
 * problems are acknowledged (the engine already marked the workflow); transient ones are reported
 * failed and retried by SQS. No new group starts when the Lambda deadline is near.
 */
import type { Context, SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import { parseNudge, type Nudge } from '../nudge.ts';
import { PoisonMessageError, isTransientError } from './errors.ts';
import { processFifoBatch, type GroupOutcome, type RecordGroup } from './fifo-batch.ts';
import { reconcileWorkflow, type ReconcileDeps, type ReconcileResult } from './reconcile.ts';
import { budgetedRegistry, DeadlineExceededError, raceSignal } from './time-budget.ts';
import { SeenVersions } from './seen-versions.ts';

export interface ReconcileHandlerDeps extends ReconcileDeps {
  /** Workflows reconciled at once within one batch. */
  groupConcurrency?: number;
  /**
   * Stop starting new groups when less than this remains (ms); a group still running this close to
   * the Lambda timeout is abandoned and reported failed (default 10 s, enough for the backoff calls).
   */
  safetyMarginMs?: number;
  /** Observes each invocation and reconcile (metrics, bench, tests). */
  onInvocation?: (records: number) => void;
  onReconciled?: (ref: { namespace: string; workflow: string }, result: ReconcileResult) => void;
  /** Observes each group skipped because its nudges were already seen (seen-versions.ts). */
  onSkipped?: (ref: { namespace: string; workflow: string }, nudges: number) => void;
  /** Skip nudges already seen (default true); false reconciles on every nudge. */
  skipSeen?: boolean;
  /** Called with the records reported failed (retry backoff via ChangeMessageVisibility). */
  onFailedRecords?: (records: SQSRecord[]) => Promise<void>;
}

/** Reads the workflow a group is about: from its first valid nudge, else from the group id `ns/name`. */
export function workflowOfGroup(groupId: string, nudges: Nudge[]): { namespace: string; workflow: string } | undefined {
  const first = nudges[0];
  if (first) return { namespace: first.namespace, workflow: first.workflow };
  const slash = groupId.indexOf('/');
  if (slash <= 0 || slash === groupId.length - 1) return undefined;
  return { namespace: groupId.slice(0, slash), workflow: groupId.slice(slash + 1) };
}

/**
 * Share of an invocation's time budget in which a reconcile may start pod creates. Past it the creates
 * left wait for the next reconcile and the rest of the budget stores the status, so a reconcile of a
 * wide workflow on a slow cluster commits what it did instead of running out of time and being retried
 * with the same work (the pod-create cap alone is a count, not a time).
 */
export const CREATE_SHARE = 0.5;
/** Creates a reconcile makes even past {@link CREATE_SHARE}, so a slow read and decide still progress. */
export const MIN_CREATES = 50;

/**
 * Builds the reconcile handler.
 * @example
 * export const handler = middy().handler(makeReconcileHandler(deps));
 */
export function makeReconcileHandler(
  deps: ReconcileHandlerDeps,
): (event: SQSEvent, context?: Pick<Context, 'getRemainingTimeInMillis'>) => Promise<SQSBatchResponse> {
  const seen = deps.skipSeen === false ? undefined : new SeenVersions();
  return async (event, context) => {
    deps.onInvocation?.(event.Records.length);
    const margin = deps.safetyMarginMs ?? 10_000;
    const shouldStop = () => !!context && context.getRemainingTimeInMillis() < margin;
    // One deadline for every group of this invocation: the Lambda timeout minus the margin.
    const budgetMs = context ? Math.max(0, context.getRemainingTimeInMillis() - margin) : undefined;
    const deadline = new AbortController();
    const holdAt = performance.now() + (budgetMs ?? 0) * CREATE_SHARE;
    const timer = budgetMs === undefined ? undefined : setTimeout(() => deadline.abort(), budgetMs);
    const result = await processFifoBatch(
      event.Records,
      (group) =>
        reconcileGroup(
          deps,
          seen,
          group,
          budgetMs === undefined ? undefined : { signal: deadline.signal, budgetMs, holdAt },
        ),
      { concurrency: deps.groupConcurrency ?? 4, shouldStop },
    ).finally(() => clearTimeout(timer));
    if (result.batchItemFailures.length > 0 && deps.onFailedRecords) {
      const failed = new Set(result.batchItemFailures.map((f) => f.itemIdentifier));
      await deps.onFailedRecords(event.Records.filter((r) => failed.has(r.messageId)));
    }
    return { batchItemFailures: result.batchItemFailures };
  };
}

async function reconcileGroup(
  deps: ReconcileHandlerDeps,
  seen: SeenVersions | undefined,
  group: RecordGroup,
  budget?: { signal: AbortSignal; budgetMs: number; holdAt: number },
): Promise<GroupOutcome> {
  const { nudges, poisonAt, poison } = parseGroup(group.records);
  if (poison)
    deps.logger.error('poison message: not a nudge; reporting it failed (DLQ after retries)', {
      error: poison,
      messageId: group.records[poisonAt]?.messageId,
    });
  // Even when the first record is poison, the group id still names the workflow: reconciling it keeps
  // that workflow moving while the poison record waits for the DLQ (level-triggered, so harmless).
  const ref = workflowOfGroup(group.groupId, nudges);
  if (!poison && alreadySeen(deps, seen, ref, nudges)) return { ok: true };
  if (ref) {
    const log = deps.logger.child({ namespace: ref.namespace, workflow: ref.workflow });
    try {
      const late = () => new DeadlineExceededError(ref, budget?.budgetMs ?? 0);
      const result = budget
        ? await raceSignal(
            reconcileWorkflow(
              {
                ...deps,
                logger: log,
                registry: budgetedRegistry(deps.registry, budget.signal, late),
                holdCreates: (made) => made >= MIN_CREATES && performance.now() > budget.holdAt,
              },
              ref,
            ),
            budget.signal,
            late,
          )
        : await reconcileWorkflow({ ...deps, logger: log }, ref);
      remember(seen, ref, result);
      deps.onReconciled?.(ref, result);
      log.debug('reconciled', { outcome: result.outcome, writes: result.writes, nudges: nudges.length });
    } catch (error) {
      seen?.forget(ref);
      if (isTransientError(error)) {
        log.warn('reconcile failed; the message will be retried', { error });
        return { ok: false, failedFrom: 0, error };
      }
      log.error('reconcile failed for good; acknowledging', { error });
    }
  }
  return poison ? { ok: false, failedFrom: poisonAt, error: poison } : { ok: true };
}

/** True when every nudge of the group reports what the last reconcile already saw (seen-versions.ts). */
function alreadySeen(
  deps: ReconcileHandlerDeps,
  seen: SeenVersions | undefined,
  ref: { namespace: string; workflow: string } | undefined,
  nudges: Nudge[],
): boolean {
  if (!ref || !seen?.covers(ref, nudges)) return false;
  deps.onSkipped?.(ref, nudges.length);
  deps.logger.debug('nudges already seen by the last reconcile; skipped', { ...ref, nudges: nudges.length });
  return true;
}

/** A completed workflow keeps what its last reconcile saw; other outcomes without observations forget it. */
function remember(seen: SeenVersions | undefined, ref: { namespace: string; workflow: string }, r: ReconcileResult) {
  if (r.seen) seen?.record(ref, r.seen);
  else if (r.outcome !== 'completed') seen?.forget(ref);
}

function parseGroup(records: SQSRecord[]): { nudges: Nudge[]; poisonAt: number; poison?: PoisonMessageError } {
  const nudges: Nudge[] = [];
  for (let i = 0; i < records.length; i++) {
    const r = records[i]!;
    try {
      nudges.push(parseNudge(r.body));
    } catch (e) {
      return { nudges, poisonAt: i, poison: new PoisonMessageError(r.messageId, e) };
    }
  }
  return { nudges, poisonAt: -1 };
}
