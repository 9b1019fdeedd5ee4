/**
 * Which workflows `list`, `delete`, `stop` and `terminate` act on, with argo's filter flags:
 * namespace or all, `-l` label and `--field-selector` field selectors (sent to the API server, which
 * knows `metadata.name` and `metadata.namespace` for workflows), `--prefix`, `--status`,
 * `--running`/`--completed`, `--since` (created after) and `--older` (finished before).
 */
import type { Command } from 'commander';
import { listAll, workflowsPath } from '../../adapters/kube/resources.ts';
import type { Workflow } from '../../engine/types.ts';
import { parseGoDuration } from '../../engine/retry/durations.ts';
import { parseTime } from '../render/time.ts';
import { usageError } from './errors.ts';
import { isCompleted } from './follow.ts';
import type { Target } from './kube-target.ts';

/** The filter flags (a command declares the ones argo gives it). */
export interface WorkflowQuery {
  allNamespaces?: boolean;
  selector?: string;
  fieldSelector?: string;
  prefix?: string;
  status?: string;
  running?: boolean;
  completed?: boolean;
  since?: string;
  older?: string;
  chunkSize?: string;
  /** delete's name for `chunkSize`. */
  queryChunkSize?: string;
  resubmitted?: boolean;
}

/** argo's LabelKeyPreviousWorkflowName: set on a workflow made by `resubmit`. */
export const LABEL_RESUBMITTED_FROM = 'workflows.argoproj.io/resubmitted-from-workflow';

/** The label selector sent to the API server: `-l`, plus `--resubmitted` as argo adds it (an Exists requirement). */
export function labelSelectorOf(q: WorkflowQuery): string {
  return [q.selector, q.resubmitted ? LABEL_RESUBMITTED_FROM : ''].filter(Boolean).join(',');
}

/** argo's ParseSince: a Go duration or whole days (`1d`), counted back from `now`. */
export function parseSince(text: string, now: Date, flag: string): Date {
  const days = /^(\d+)d$/.exec(text);
  try {
    const ms = days ? Number(days[1]) * 86_400_000 : parseGoDuration(text);
    return new Date(now.getTime() - ms);
  } catch {
    throw usageError(`${flag} ${text}: expected a duration such as 10m, 3h or 1d`);
  }
}

/** Declares the filter flags named in `which` on `cmd`. */
export function withQueryFlags(cmd: Command, which: (keyof WorkflowQuery)[]): Command {
  const flags: Record<keyof WorkflowQuery, [string, string]> = {
    allNamespaces: ['-A, --all-namespaces', 'workflows of every namespace'],
    selector: ['-l, --selector <query>', 'label selector, e.g. -l key1=value1,key2!=value2'],
    fieldSelector: ['--field-selector <query>', 'field selector sent to the API server, e.g. metadata.name=my-wf'],
    prefix: ['--prefix <prefix>', 'only workflows whose name starts with this'],
    status: ['--status <phases>', 'only these phases (comma separated: Running,Failed,...)'],
    running: ['--running', 'only workflows still running'],
    completed: ['--completed', 'only completed workflows'],
    since: ['--since <duration>', 'only workflows created less than this ago (10m, 3h, 1d)'],
    older: ['--older <duration>', 'only completed workflows finished more than this ago (10m, 3h, 1d)'],
    chunkSize: ['--chunk-size <n>', 'list in pages of this many (0 = all at once)'],
    queryChunkSize: ['--query-chunk-size <n>', 'list in pages of this many (0 = all at once)'],
    resubmitted: ['--resubmitted', 'only workflows made by resubmit'],
  };
  for (const key of which) cmd.option(...flags[key]);
  return cmd;
}

function matches(wf: Workflow, q: WorkflowQuery, now: Date): boolean {
  const phases = q.status?.split(',').filter(Boolean) ?? [];
  const finished = parseTime(wf.status?.finishedAt);
  const created = parseTime(wf.metadata.creationTimestamp);
  if (q.prefix && !(wf.metadata.name ?? '').startsWith(q.prefix)) return false;
  if (phases.length && !phases.includes(wf.status?.phase ?? '')) return false;
  if (q.running && isCompleted(wf)) return false;
  if (q.completed && !isCompleted(wf)) return false;
  if (q.since && !(created && created > parseSince(q.since, now, '--since'))) return false;
  if (q.older && !(isCompleted(wf) && finished && finished < parseSince(q.older, now, '--older'))) return false;
  return true;
}

/** Checks the flags before any request (exit 2 on bad input). */
export function checkQuery(q: WorkflowQuery, now: Date): void {
  if (q.running && q.completed) throw usageError('--completed and --running cannot be used together');
  if (q.since) parseSince(q.since, now, '--since');
  if (q.older) parseSince(q.older, now, '--older');
  for (const [flag, v] of [
    ['--chunk-size', q.chunkSize],
    ['--query-chunk-size', q.queryChunkSize],
  ] as const)
    if (v !== undefined && !/^\d+$/.test(v)) throw usageError(`${flag} ${v}: expected a number`);
}

/** The workflows the query selects, from the target's namespace (or all with -A). */
export async function queryWorkflows(target: Target, q: WorkflowQuery, now = new Date()): Promise<Workflow[]> {
  checkQuery(q, now);
  const path = q.allNamespaces ? '/apis/argoproj.io/v1alpha1/workflows' : workflowsPath(target.namespace);
  const size = q.chunkSize ?? q.queryChunkSize;
  const limit = size && size !== '0' ? Number(size) : undefined;
  const list = await listAll<Workflow>(target.client, path, labelSelectorOf(q), limit, q.fieldSelector);
  return list.items.filter((wf) => matches(wf, q, now));
}
