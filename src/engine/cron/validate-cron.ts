/**
 * A CronWorkflow's problems, as Argo's `validate.CronWorkflow` (workflow/validate/validate.go) words
 * them: the name leaves room for the run's `-<unix seconds>` suffix (52 characters), at least one
 * schedule, each schedule parses as robfig's `ParseStandard` (five fields, descriptors, `@every`), the
 * timezone is an IANA zone, a known concurrencyPolicy, a startingDeadlineSeconds that is not negative,
 * and the workflowSpec validates as a workflow. Argo stops at the first problem; lint lists them all.
 */
import type { Workflow } from '../types.ts';
import { validateWorkflow } from '../validate.ts';
// A workflow's resource manifests are read when it is validated: the cron function reads YAML anyway.
import '../yaml-go.ts';
import type { CronWorkflow } from './decide-cron.ts';
import { isZone, parseSchedule } from './schedule.ts';

/** Argo's limit: 63 (a label value) minus the `-1615836720` suffix of the runs' names. */
export const MAX_CRON_NAME = 52;

const POLICIES = new Set(['', 'Allow', 'Forbid', 'Replace']);

function specProblems(c: CronWorkflow): string[] {
  const out: string[] = [];
  const schedules = c.spec.schedules ?? [];
  if (schedules.length === 0) out.push('cron workflow must have at least one schedule');
  for (const s of schedules) {
    try {
      parseSchedule(s);
    } catch (e) {
      out.push(`cron schedule ${s} is malformed: ${(e as Error).message}`);
    }
  }
  const tz = c.spec.timezone;
  if (tz && !isZone(tz)) out.push(`invalid timezone "${tz}": unknown time zone ${tz}`);
  const policy = c.spec.concurrencyPolicy ?? '';
  if (!POLICIES.has(policy)) out.push(`'${policy}' is not a valid concurrencyPolicy`);
  const deadline = c.spec.startingDeadlineSeconds;
  if (deadline !== undefined && deadline !== null && !(Number.isInteger(deadline) && deadline >= 0))
    out.push('startingDeadlineSeconds must be positive');
  return out;
}

/** Every problem of `c`, in Argo's words (ours, with the field's path, for fields Argosy refuses). */
export function cronProblems(c: CronWorkflow): string[] {
  const out: string[] = [];
  const name = c.metadata?.name ?? '';
  if (!name) out.push('metadata.name: Required value');
  if (name.length > MAX_CRON_NAME)
    out.push(
      `cron workflow name "${name}" must not be more than ${MAX_CRON_NAME} characters long (currently ${name.length})`,
    );
  out.push(...specProblems(c));
  const wf = { metadata: { name: 'x' }, spec: c.spec.workflowSpec ?? {} } as Workflow;
  for (const e of validateWorkflow(wf))
    out.push(
      e.kind ? `spec.workflowSpec${e.path.slice('spec'.length)}: ${e.message}` : `cannot validate Workflow: ${e.argo}`,
    );
  return out;
}
