/**
 * `argo list` output: NAME STATUS AGE DURATION PRIORITY MESSAGE (NAMESPACE first with `-A`),
 * tabwriter padding 3, running workflows first, then the most recently finished/created.
 */
import type { Workflow } from '../../engine/types.ts';
import { alignTable } from './table.ts';
import { parseTime, shortDuration } from './time.ts';
import { workflowStatusText } from './workflow.ts';

export interface ListOptions {
  now: Date;
  allNamespaces?: boolean;
  /** `-o wide`: adds P/R/C (pending/running/completed pods) and PARAMETERS. */
  wide?: boolean;
  noHeaders?: boolean;
}

/** argo countPendingRunningCompletedNodes: pod nodes only; completed = fulfilled. */
function podCounts(wf: Workflow): string {
  // Offloaded nodes that could not be read (no node status store configured): unknown, not zero.
  if (wf.status?.offloadNodeStatusVersion && !wf.status.nodes) return '?/?/?';
  const counts = [0, 0, 0];
  for (const n of Object.values(wf.status?.nodes ?? {})) {
    if (n.type !== 'Pod') continue;
    const done = ['Succeeded', 'Failed', 'Error', 'Skipped', 'Omitted'].includes(n.phase ?? '');
    counts[done ? 2 : n.phase === 'Running' ? 1 : 0]!++;
  }
  return counts.join('/');
}

/** argo parameterString: `name=value` joined by commas, values over 50 characters cut in the middle. */
function parameterText(wf: Workflow): string {
  const cut = (v: string): string => (v.length > 50 ? `${v.slice(0, 32)}...${v.slice(-15)}` : v);
  return (wf.spec.arguments?.parameters ?? [])
    .filter((p) => p.value !== undefined)
    .map((p) => `${p.name}=${cut(String(p.value))}`)
    .join(',');
}

const time = (v: string | undefined): number => parseTime(v)?.getTime() ?? 0;

/** argo's order: unfinished first, then newest finished, then newest created. */
export function sortWorkflows(list: Workflow[]): Workflow[] {
  return [...list].sort((a, b) => {
    const af = time(a.status?.finishedAt);
    const bf = time(b.status?.finishedAt);
    if ((af === 0) !== (bf === 0)) return af === 0 ? -1 : 1;
    if (af !== bf) return bf - af;
    return time(b.metadata.creationTimestamp) - time(a.metadata.creationTimestamp);
  });
}

/** The table lines (header first); an empty list gives just the header, as argo does. */
export function renderList(list: Workflow[], opts: ListOptions): string[] {
  const head = [
    'NAME',
    'STATUS',
    'AGE',
    'DURATION',
    'PRIORITY',
    'MESSAGE',
    ...(opts.wide ? ['P/R/C', 'PARAMETERS'] : []),
  ];
  const rows: string[][] = opts.noHeaders ? [] : [opts.allNamespaces ? ['NAMESPACE', ...head] : head];
  for (const wf of sortWorkflows(list)) {
    const created = parseTime(wf.metadata.creationTimestamp);
    const started = parseTime(wf.status?.startedAt);
    const age = created ? shortDuration(created, opts.now, opts.now) : '';
    const duration = started ? shortDuration(started, parseTime(wf.status?.finishedAt), opts.now) : '0s';
    const priority = typeof wf.spec.priority === 'number' ? String(wf.spec.priority) : '0';
    const cells = [wf.metadata.name ?? '', workflowStatusText(wf), age, duration, priority, wf.status?.message ?? ''];
    if (opts.wide) cells.push(podCounts(wf), parameterText(wf));
    rows.push(opts.allNamespaces ? [wf.metadata.namespace ?? '', ...cells] : cells);
  }
  return alignTable(rows, 3);
}

/** argo printCostOptimizationNudges: more than 100 completed or incomplete workflows listed. */
export function costNudge(list: Workflow[]): string {
  const completed = list.filter((wf) => ['Succeeded', 'Failed', 'Error'].includes(wf.status?.phase ?? '')).length;
  const incomplete = list.length - completed;
  if (completed <= 100 && incomplete <= 100) return '';
  const parts = [incomplete > 100 ? `${incomplete} incomplete` : '', completed > 100 ? `${completed} completed` : ''];
  return (
    `\nYou have at least ${parts.filter(Boolean).join(' and ')} workflows. ` +
    'Reducing the total number of workflows will reduce your costs.\n' +
    'Learn more at https://argo-workflows.readthedocs.io/en/latest/cost-optimisation/\n'
  );
}

/**
 * argo PrintWorkflows for the text outputs: `No workflows found` when empty, names only for `name`,
 * else the table (sorted) followed by the cost nudge. JSON and YAML are the command's.
 */
export function printWorkflowList(list: Workflow[], opts: ListOptions & { names?: boolean }): string {
  if (list.length === 0) return 'No workflows found\n';
  if (opts.names) return list.map((wf) => `${wf.metadata.name ?? ''}\n`).join('');
  return renderList(list, opts).join('\n') + '\n' + costNudge(list);
}
