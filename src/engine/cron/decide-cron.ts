/**
 * CronWorkflows, decided purely (Argo's workflow/cron/operator.go): given a CronWorkflow, the workflows
 * it created and `now`, which workflow to create (named `<cron>-<unix seconds of the scheduled time>`,
 * so a retried evaluation can never create a second run for one scheduled time: the API server refuses
 * the name), which to terminate (`concurrencyPolicy: Replace`) or delete (history limits), and the new
 * status. Evaluations come periodically (a timer), so a scheduled time is "on time" while it is at most
 * `graceSeconds` old; older ones are missed runs, started only within `startingDeadlineSeconds`.
 */
import type { Workflow, WorkflowSpec } from '../types.ts';
import { stopReached, whenAllows } from './cron-when.ts';
import { lastRunBetween, nextRun, parseSchedule, type CronSchedule } from './schedule.ts';

/** Argo's labels and annotation on workflows a CronWorkflow creates. */
export const LABEL_CRON_WORKFLOW = 'workflows.argoproj.io/cron-workflow';
export const LABEL_CRON_COMPLETED = 'workflows.argoproj.io/cron-workflow-completed';
export const ANNOTATION_SCHEDULED_TIME = 'workflows.argoproj.io/scheduled-time';

/** An object reference in `status.active`. */
export interface ActiveRef {
  apiVersion?: string;
  kind?: string;
  name: string;
  namespace?: string;
  uid?: string;
}

export interface CronStatus {
  active?: ActiveRef[] | null;
  lastScheduledTime?: string | null;
  conditions?: { type: string; status: string; message?: string }[] | null;
  succeeded?: number;
  failed?: number;
  phase?: 'Active' | 'Stopped' | '';
}

export interface CronWorkflow {
  apiVersion?: string;
  kind?: string;
  metadata: {
    name?: string;
    namespace?: string;
    uid?: string;
    creationTimestamp?: string;
    labels?: Record<string, string>;
    annotations?: Record<string, string>;
  };
  spec: {
    schedules?: string[];
    timezone?: string;
    concurrencyPolicy?: 'Allow' | 'Forbid' | 'Replace' | '';
    startingDeadlineSeconds?: number;
    successfulJobsHistoryLimit?: number;
    failedJobsHistoryLimit?: number;
    suspend?: boolean;
    when?: string;
    stopStrategy?: { expression: string };
    workflowSpec: WorkflowSpec;
    workflowMetadata?: { labels?: Record<string, string>; annotations?: Record<string, string>; finalizers?: string[] };
  };
  status?: CronStatus;
}

/** What to do for one CronWorkflow now. */
export interface CronDecision {
  create?: Workflow;
  /** Active workflows to terminate first (`Replace`). */
  terminate: string[];
  /** Finished workflows beyond the history limits. */
  delete: string[];
  status: CronStatus;
  /** Labels to set on the CronWorkflow (completed). */
  labels: Record<string, string>;
  /** The next scheduled instant (epoch ms), to be woken for. */
  nextAtMs?: number;
  reasons: string[];
}

const DONE = new Set(['Succeeded', 'Failed', 'Error']);

/** The schedules with Argo's `CRON_TZ=` prefix for `spec.timezone`. */
export function schedulesOf(cron: CronWorkflow): CronSchedule[] {
  const tz = cron.spec.timezone;
  return (cron.spec.schedules ?? []).map((s) =>
    parseSchedule(tz && !/^(CRON_)?TZ=/.test(s) ? `CRON_TZ=${tz} ${s}` : s),
  );
}

/** Argo's child name: `<cron>-<unix seconds>`. */
export function childName(cronName: string, scheduledMs: number): string {
  return `${cronName}-${Math.floor(scheduledMs / 1000)}`;
}

/** Argo's `ConvertCronWorkflowToWorkflowWithProperties`. */
export function workflowFor(cron: CronWorkflow, scheduledMs: number): Workflow {
  const labels: Record<string, string> = {};
  for (const k of [
    'workflows.argoproj.io/creator',
    'workflows.argoproj.io/creator-email',
    'workflows.argoproj.io/creator-preferred-username',
    'workflows.argoproj.io/controller-instanceid',
  ])
    if (cron.metadata.labels?.[k] !== undefined) labels[k] = cron.metadata.labels[k] as string;
  labels[LABEL_CRON_WORKFLOW] = cron.metadata.name ?? '';
  const md = cron.spec.workflowMetadata;
  Object.assign(labels, md?.labels ?? {});
  const metadata: Workflow['metadata'] = {
    name: childName(cron.metadata.name ?? '', scheduledMs),
    namespace: cron.metadata.namespace,
    labels,
    annotations: {
      [ANNOTATION_SCHEDULED_TIME]: new Date(scheduledMs).toISOString().replace(/\.\d{3}Z$/, 'Z'),
      ...(md?.annotations ?? {}),
    },
    ownerReferences: [
      {
        apiVersion: 'argoproj.io/v1alpha1',
        kind: 'CronWorkflow',
        name: cron.metadata.name ?? '',
        uid: cron.metadata.uid ?? '',
        controller: true,
        blockOwnerDeletion: true,
      },
    ],
  };
  if (md?.finalizers?.length) metadata.finalizers = [...md.finalizers];
  return {
    apiVersion: 'argoproj.io/v1alpha1',
    kind: 'Workflow',
    metadata,
    spec: structuredClone(cron.spec.workflowSpec),
  };
}

/** The newest scheduled instant due now, and whether it is on time; undefined when none is due. */
function dueRun(
  cron: CronWorkflow,
  schedules: CronSchedule[],
  nowMs: number,
  graceSeconds: number,
): { at: number; onTime: boolean } | undefined {
  const last =
    Date.parse(cron.status?.lastScheduledTime ?? '') ||
    Date.parse(cron.metadata.creationTimestamp ?? '') ||
    nowMs - graceSeconds * 1000;
  const lookback = Math.max(graceSeconds, cron.spec.startingDeadlineSeconds ?? 0) * 1000;
  let best: number | undefined;
  for (const s of schedules) {
    const t = lastRunBetween(s, Math.max(last, nowMs - lookback - 60_000), nowMs);
    if (t !== undefined && (best === undefined || t > best)) best = t;
  }
  if (best === undefined) return undefined;
  return { at: best, onTime: nowMs - best <= graceSeconds * 1000 };
}

export { nextRun };

/** Argo's reconcileActiveWfs: finished or vanished workflows leave `active`, counted once. */
function reconcileActive(status: CronStatus, workflows: Workflow[], reasons: string[]): void {
  const byName = new Map(workflows.map((w) => [w.metadata.name ?? '', w]));
  const still: ActiveRef[] = [];
  for (const ref of status.active ?? []) {
    const wf = byName.get(ref.name);
    const phase = wf?.status?.phase ?? '';
    if (wf && !DONE.has(phase)) {
      still.push(ref);
      continue;
    }
    if (phase === 'Succeeded') status.succeeded = (status.succeeded ?? 0) + 1;
    else if (phase) status.failed = (status.failed ?? 0) + 1;
    reasons.push(`${ref.name} left active (${phase || 'deleted'})`);
  }
  status.active = still;
}

/** Argo's enforceHistoryLimit: the oldest finished workflows beyond the limits (defaults 3 and 1). */
function overHistory(cron: CronWorkflow, workflows: Workflow[]): string[] {
  const finished = (w: Workflow) => Date.parse(String(w.status?.finishedAt ?? '')) || 0;
  const pick = (phases: string[], limit: number) =>
    workflows
      .filter((w) => phases.includes(w.status?.phase ?? ''))
      .sort((a, b) => finished(b) - finished(a))
      .slice(Math.max(0, limit))
      .map((w) => w.metadata.name ?? '');
  return [
    ...pick(['Succeeded'], cron.spec.successfulJobsHistoryLimit ?? 3),
    ...pick(['Failed', 'Error'], cron.spec.failedJobsHistoryLimit ?? 1),
  ];
}

function setCondition(status: CronStatus, type: string, message: string | undefined): void {
  const others = (status.conditions ?? []).filter((c) => c.type !== type);
  status.conditions = message === undefined ? others : [...others, { type, status: 'True', message }];
}

/** The earliest next run of any schedule after `nowMs`. */
function nextOf(schedules: CronSchedule[], nowMs: number): number | undefined {
  const all = schedules.map((s) => nextRun(s, nowMs)).filter((t): t is number => t !== undefined);
  return all.length ? Math.min(...all) : undefined;
}

/** Whether a due run may start (Argo's enforceRuntimePolicy); the reason when not. */
function policyBlocks(cron: CronWorkflow, status: CronStatus, nowMs: number): string | undefined {
  if (cron.spec.suspend) return 'suspended';
  if (status.phase === 'Stopped') return 'stopped (stopStrategy reached)';
  if (!whenAllows(cron, nowMs)) return `when '${cron.spec.when}' evaluated false`;
  const policy = cron.spec.concurrencyPolicy ?? '';
  if (!['', 'Allow', 'Forbid', 'Replace'].includes(policy)) throw new Error(`invalid ConcurrencyPolicy: ${policy}`);
  if (policy === 'Forbid' && (status.active?.length ?? 0) > 0)
    return "'ConcurrencyPolicy: Forbid' and has an active Workflow";
  return undefined;
}

/**
 * Decides one evaluation of a CronWorkflow at `nowMs` given the workflows it owns (label
 * `workflows.argoproj.io/cron-workflow`). Pure; the runtime creates, terminates, deletes and writes.
 */
export function decideCron(
  cron: CronWorkflow,
  workflows: Workflow[],
  nowMs: number,
  graceSeconds: number,
): CronDecision {
  const status: CronStatus = structuredClone(cron.status ?? {});
  const d: CronDecision = { terminate: [], delete: [], status, labels: {}, reasons: [] };
  status.phase ||= 'Active';
  reconcileActive(status, workflows, d.reasons);
  d.delete = overHistory(cron, workflows);
  let schedules: CronSchedule[];
  try {
    schedules = schedulesOf(cron);
    if (schedules.length === 0) throw new Error('cron workflow must have at least one schedule');
    const stop = stopReached({ ...cron, status }, nowMs);
    if (stop && status.phase !== 'Stopped') {
      status.phase = 'Stopped';
      d.labels[LABEL_CRON_COMPLETED] = 'true';
    }
    setCondition(status, 'SpecError', undefined);
  } catch (e) {
    setCondition(status, 'SpecError', `${cron.metadata.name}: ${(e as Error).message}`);
    return d;
  }
  d.nextAtMs = nextOf(schedules, nowMs);
  const due = dueRun(cron, schedules, nowMs, graceSeconds);
  if (!due) return d;
  const deadline = cron.spec.startingDeadlineSeconds;
  if (!due.onTime && !(deadline !== undefined && nowMs < due.at + deadline * 1000)) {
    d.reasons.push(`missed ${new Date(due.at).toISOString()} (startingDeadlineSeconds ${deadline ?? 'unset'})`);
    return d;
  }
  let blocked: string | undefined;
  try {
    blocked = policyBlocks(cron, status, nowMs);
  } catch (e) {
    setCondition(status, 'SubmissionError', `run policy error: ${(e as Error).message}`);
    return d;
  }
  if (blocked) {
    d.reasons.push(`not run at ${new Date(due.at).toISOString()}: ${blocked}`);
    return d;
  }
  if (cron.spec.concurrencyPolicy === 'Replace') d.terminate = (status.active ?? []).map((a) => a.name);
  d.create = workflowFor(cron, due.at);
  d.reasons.push(`run ${d.create.metadata.name} for ${new Date(due.at).toISOString()}`);
  return d;
}

/** The status once `created` exists (Argo: appended to active, lastScheduledTime set, SubmissionError cleared). */
export function statusWithRun(d: CronDecision, created: Workflow): CronStatus {
  const status = structuredClone(d.status);
  const name = created.metadata.name ?? '';
  if (!(status.active ?? []).some((a) => a.name === name))
    status.active = [
      ...(status.active ?? []),
      {
        apiVersion: 'argoproj.io/v1alpha1',
        kind: 'Workflow',
        name,
        namespace: created.metadata.namespace ?? '',
        uid: created.metadata.uid ?? '',
      },
    ];
  status.phase = status.phase === 'Stopped' ? 'Stopped' : 'Active';
  const scheduled = created.metadata.annotations?.[ANNOTATION_SCHEDULED_TIME];
  if (scheduled) status.lastScheduledTime = scheduled;
  setCondition(status, 'SubmissionError', undefined);
  return status;
}

/** The status after a failed submission (Argo: condition SubmissionError). */
export function statusWithSubmitError(d: CronDecision, message: string): CronStatus {
  const status = structuredClone(d.status);
  setCondition(status, 'SubmissionError', `Failed to submit Workflow: ${message}`);
  return status;
}
