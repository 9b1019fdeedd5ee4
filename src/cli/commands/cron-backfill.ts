/**
 * `argosy cron backfill CRONWF --start T [--end T]`, as `argo cron backfill` (an alpha feature of
 * Argo v4.1): every time the CronWorkflow's schedule names after `--start` and up to `--end`
 * (default now) is run by a monitor workflow whose resource template creates one Workflow per time
 * (engine/cron/backfill.ts), and argo's summary is printed. The times are Go's `Time.String()` of the
 * schedule's ticks in the zone `--start` was written in (argo ignores `spec.timezone` here), passed as
 * the `--argname` argument. Like argo, running it twice creates the runs twice (generated names).
 */
import { randomBytes } from 'node:crypto';
import { Command } from 'commander';
import { backfillManifest, backfillWorkflow, monitorWorkflows } from '../../engine/cron/backfill.ts';
import type { CronWorkflow } from '../../engine/cron/decide-cron.ts';
import { CronParseError, nextRun, parseSchedule } from '../../engine/cron/schedule.ts';
import type { Workflow } from '../../engine/types.ts';
import { contextOf, type CliContext } from '../lib/context.ts';
import { failure, usageError } from '../lib/errors.ts';
import { GoTimeParseError, parseGoTime } from '../../engine/expr/go-time-parse.ts';
import { goTimeString, GoTime, offsetAt } from '../../engine/expr/go-time-value.ts';
import { formatGoTime } from '../../engine/expr/go-time.ts';
import { withTarget } from '../lib/kube-target.ts';
import { path as cronPath } from '../lib/cron-view.ts';
import { isNotFound } from '../../adapters/kube/errors.ts';
import type { HttpKubeClient } from '../../adapters/kube/http-client.ts';
import { workflowsPath } from '../../adapters/kube/resources.ts';

const RFC1123 = 'Mon, 02 Jan 2006 15:04:05 MST';
const BOOL_WORDS: Record<string, boolean> = { true: true, t: true, '1': true, false: false, f: false, '0': false };

interface BackfillFlags {
  name?: string;
  start?: string;
  end?: string;
  parallel?: string | boolean;
  argname: string;
  format: string;
  maxworkflowcount: string;
}

/** The schedule's ticks in (start, end], as Go times in start's zone (argo's `cronTab.Next` loop). */
export function scheduleTimes(schedule: string, start: GoTime, endMs: number): string[] {
  const s = parseSchedule(schedule);
  // A fixed zone (what Go's time.Parse gives), so one shift turns wall-clock ticks into instants.
  const shift = offsetAt(start.loc, start.ms) * 60_000;
  const out: string[] = [];
  for (let t = nextRun(s, start.ms + shift); t !== undefined && t - shift <= endMs; t = nextRun(s, t))
    out.push(goTimeString(new GoTime(t - shift, start.loc)));
  return out;
}

function parseTime(layout: string, value: string): GoTime {
  try {
    return parseGoTime(layout, value);
  } catch (e) {
    if (e instanceof GoTimeParseError) throw failure(e.message, `--format is a Go layout (default "${RFC1123}")`);
    throw e;
  }
}

/** Go's `strconv.Atoi` for `--maxworkflowcount`, with pflag's words. */
function maxCount(text: string): number {
  if (!/^[+-]?\d+$/.test(text))
    throw usageError(
      `invalid argument "${text}" for "--maxworkflowcount" flag: strconv.ParseInt: parsing "${text}": invalid syntax`,
    );
  const n = Number(text);
  if (n <= 0) throw usageError(`--maxworkflowcount must be positive (argo divides by it)`);
  return n;
}

/** `--parallel` as a Go bool flag: bare means true; `--parallel=false` and `--parallel true` read as Go does. */
function parallelOf(value: string | boolean | undefined, args: string[]): boolean {
  if (value === undefined || typeof value === 'boolean') return value === true;
  const known = BOOL_WORDS[value.toLowerCase()];
  if (known !== undefined) return known;
  args.unshift(value);
  return true;
}

async function getCron(client: HttpKubeClient, ns: string, name: string): Promise<CronWorkflow> {
  try {
    return await client.request<CronWorkflow>({ method: 'GET', path: cronPath(ns, name) });
  } catch (e) {
    if (!isNotFound(e)) throw e;
    throw failure(`cronworkflows.argoproj.io "${name}" not found`, 'list them: argosy cron list');
  }
}

function summary(
  name: string,
  cronName: string,
  start: string,
  end: string,
  total: number,
  ns: string,
  names: string[],
): string {
  const lines = [
    `Created ${name} Backfill task for Cronworkflow ${cronName} `,
    '==================================================',
    'Backfill Period :',
    `Start Time : ${start} `,
    `  End Time : ${end} `,
    `Total Backfill Schedule: ${total} `,
    '==================================================',
    'Backfill Workflows: ',
    '   NAMESPACE\t WORKFLOW: ',
    ...names.map((n, i) => `${i + 1}. ${ns} \t ${n} `),
  ];
  return `${lines.join('\n')}\n`;
}

async function backfill(ctx: CliContext, cronName: string, flags: BackfillFlags, parallel: boolean): Promise<void> {
  if (!flags.start)
    throw failure('start date should not be empty', 'pass --start, e.g. "Mon, 02 Jan 2006 15:04:05 UTC"');
  const max = maxCount(flags.maxworkflowcount);
  const start = parseTime(flags.format, flags.start);
  const nowMs = Date.now();
  const endMs = flags.end ? parseTime(flags.format, flags.end).ms : nowMs;
  // Go's time.Now().Format(time.RFC1123) on a UTC machine.
  const endText = flags.end ?? formatGoTime(RFC1123, new Date(nowMs));
  const name = flags.name || randomBytes(3).toString('hex').slice(0, 5);
  await withTarget(ctx, async (target) => {
    const ns = ctx.globals.namespace || target.namespace;
    const cron = await getCron(target.client, ns, cronName);
    let times: string[];
    try {
      times = scheduleTimes((cron.spec.schedules ?? []).join(','), start, endMs);
    } catch (e) {
      if (e instanceof CronParseError) throw failure(e.message, 'argo backfills a CronWorkflow with one schedule');
      throw e;
    }
    if (times.length === 0) return void ctx.io.out('There is no suitable scheduling time.');
    const now = new Date(nowMs).toISOString().replace(/\.\d{3}Z$/, 'Z');
    const manifest = backfillManifest(backfillWorkflow(cron, { name, argName: flags.argname, parallel, now }));
    const names: string[] = [];
    for (const wf of monitorWorkflows(cronName, manifest, times, max)) {
      const created = await target.client.request<Workflow>({ method: 'POST', path: workflowsPath(ns), body: wf });
      names.push(created.metadata.name ?? '');
    }
    ctx.io.out(summary(name, cronName, flags.start!, endText, times.length, ns, names));
  });
}

export function makeCronBackfillCommand(): Command {
  return new Command('backfill')
    .description("create a cron backfill (argo's alpha feature): one run per scheduled time of a past window")
    .argument('[cronwf]', 'the CronWorkflow')
    .allowExcessArguments()
    .option('--name <name>', 'Backfill name (default: 5 random characters)')
    .option('--start <date>', 'Start date')
    .option('--end <date>', 'End Date (default: now)')
    .option('--parallel [bool]', 'Enabled all backfile workflows run parallel')
    .option('--argname <name>', 'Schedule time argument name for workflow', 'cronScheduleTime')
    .option('--format <layout>', 'Date format for Schedule time value (a Go layout)', RFC1123)
    .option('--maxworkflowcount <n>', 'Maximum number of generated backfill workflows', '1000')
    .action(async (_cronwf: string | undefined, flags: BackfillFlags, cmd: Command) => {
      const rest = cmd.args.slice();
      const parallel = parallelOf(flags.parallel, rest);
      const cronName = rest[0];
      // argo prints the help and exits 0 when no CronWorkflow is named.
      if (!cronName) return void contextOf(cmd).io.out(cmd.helpInformation());
      await backfill(contextOf(cmd), cronName, flags, parallel);
    });
}
