/**
 * The workflows a changing command (delete, stop, terminate, suspend) acts on: the names given
 * (`@latest` allowed) plus, with filter flags, every workflow the filters select — as argo's
 * commands combine arguments and `-l`/`--completed`/... .
 */
import type { Workflow } from '../../engine/types.ts';
import { usageError } from './errors.ts';
import { resolveName } from '../commands/get.ts';
import type { Target } from './kube-target.ts';
import { queryWorkflows, type WorkflowQuery } from './workflow-query.ts';

/** A workflow to act on: its name and namespace. */
export interface Selected {
  name: string;
  namespace: string;
}

const FILTERS: (keyof WorkflowQuery)[] = [
  'selector',
  'fieldSelector',
  'resubmitted',
  'prefix',
  'status',
  'completed',
  'older',
  'since',
  'allNamespaces',
];

/** True when a filter flag was given (then the names may be left out). */
export function hasFilter(q: WorkflowQuery & { all?: boolean }): boolean {
  return Boolean(q.all) || FILTERS.some((k) => q[k] !== undefined && q[k] !== false);
}

/** The named workflows, then the ones the filters select (each once). */
export async function selectWorkflows(
  target: Target,
  names: string[],
  q: WorkflowQuery & { all?: boolean },
): Promise<Selected[]> {
  if (names.length === 0 && !hasFilter(q)) throw usageError('requires either a workflow or other argument');
  const out: Selected[] = [];
  for (const name of names) out.push({ name: await resolveName(target, name), namespace: target.namespace });
  if (hasFilter(q)) {
    const found: Workflow[] = await queryWorkflows(target, q);
    for (const wf of found) out.push({ name: wf.metadata.name!, namespace: wf.metadata.namespace ?? target.namespace });
  }
  return out.filter((s, i) => out.findIndex((o) => o.name === s.name && o.namespace === s.namespace) === i);
}
