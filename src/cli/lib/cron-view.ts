/**
 * CronWorkflows as the `cron` commands read and show them: the API path, the CronWorkflows of files,
 * the next scheduled time, and argo's get view (getCronWorkflowGet: the `%-30s` block) or `-o` output.
 */
import { parseWorkflows } from '../../engine/parse.ts';
import { schedulesOf, type CronWorkflow } from '../../engine/cron/decide-cron.ts';
import { nextRun } from '../../engine/cron/schedule.ts';
import { parseTime, timestamp } from '../render/time.ts';
import type { CliContext } from './context.ts';
import { usageError } from './errors.ts';
import { formatObject } from './output.ts';
import { readInputFile } from './workflow-file.ts';

export const path = (ns: string, name?: string) =>
  `/apis/argoproj.io/v1alpha1/namespaces/${encodeURIComponent(ns)}/cronworkflows${name ? `/${encodeURIComponent(name)}` : ''}`;

export function readCrons(files: string[]): { file: string; crons: CronWorkflow[] }[] {
  return files.map((file) => {
    const { workflows, errors } = parseWorkflows(readInputFile(file), file, { kinds: ['CronWorkflow'] });
    const err = errors[0];
    if (err) throw usageError(`${file}:${err.line}:${err.column}: ${err.message}`);
    return { file, crons: workflows as unknown as CronWorkflow[] };
  });
}

export function nextTime(c: CronWorkflow): Date | undefined {
  try {
    const times = schedulesOf(c)
      .map((s) => nextRun(s, Date.now()))
      .filter((t): t is number => t !== undefined);
    return times.length ? new Date(Math.min(...times)) : undefined;
  } catch {
    return undefined;
  }
}

/** argo's getCronWorkflowGet block. */
function getView(c: CronWorkflow): string {
  const line = (k: string, v: unknown) => `${k.padEnd(30)} ${String(v)}\n`;
  const now = new Date();
  const when = (t: string | null | undefined) =>
    parseTime(t ?? undefined) ? timestamp(parseTime(t ?? undefined)!, now) : '';
  let out = line('Name:', c.metadata.name) + line('Namespace:', c.metadata.namespace);
  out += line('Created:', when(c.metadata.creationTimestamp));
  out += line('Schedules:', (c.spec.schedules ?? []).join(','));
  out += line('Suspended:', c.spec.suspend === true);
  if (c.spec.timezone) out += line('Timezone:', c.spec.timezone);
  if (c.spec.startingDeadlineSeconds !== undefined)
    out += line('StartingDeadlineSeconds:', c.spec.startingDeadlineSeconds);
  if (c.spec.concurrencyPolicy) out += line('ConcurrencyPolicy:', c.spec.concurrencyPolicy);
  if (c.status?.lastScheduledTime) out += line('LastScheduledTime:', when(c.status.lastScheduledTime));
  const next = nextTime(c);
  if (next) out += line('NextScheduledTime:', timestamp(next, now));
  if (c.status?.active?.length) out += line('Active Workflows:', c.status.active.map((a) => a.name).join(', '));
  for (const cond of c.status?.conditions ?? []) out += line(`✖ ${cond.type}`, cond.message ?? '');
  return out;
}

export function print(ctx: CliContext, c: CronWorkflow, output: string): void {
  if (output === 'name') ctx.io.out(`${c.metadata.name}\n`);
  else if (output === 'json' || output === 'yaml') ctx.io.out(formatObject(c, output));
  else ctx.io.out(getView(c));
}
