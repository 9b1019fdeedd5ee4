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
  const head = ['NAME', 'STATUS', 'AGE', 'DURATION', 'PRIORITY', 'MESSAGE'];
  const rows: string[][] = [opts.allNamespaces ? ['NAMESPACE', ...head] : head];
  for (const wf of sortWorkflows(list)) {
    const created = parseTime(wf.metadata.creationTimestamp);
    const started = parseTime(wf.status?.startedAt);
    const age = created ? shortDuration(created, opts.now, opts.now) : '';
    const duration = started ? shortDuration(started, parseTime(wf.status?.finishedAt), opts.now) : '0s';
    const priority = typeof wf.spec.priority === 'number' ? String(wf.spec.priority) : '0';
    const cells = [wf.metadata.name ?? '', workflowStatusText(wf), age, duration, priority, wf.status?.message ?? ''];
    rows.push(opts.allNamespaces ? [wf.metadata.namespace ?? '', ...cells] : cells);
  }
  return alignTable(rows, 3);
}
