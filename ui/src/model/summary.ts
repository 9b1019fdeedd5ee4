/**
 * One row of the workflow list, computed by the UI server from the Workflow object so the browser
 * never downloads 10,000 node statuses to draw a list line. Pure and DOM-free.
 */
import type { Workflow } from '../../../src/engine/types.ts';
import { placeKey, placesUsed } from './place.ts';

/** What the list shows for a workflow. */
export interface WorkflowSummary {
  namespace: string;
  name: string;
  uid: string;
  phase: string;
  message: string;
  /** `done/total` pods, as Argo's `status.progress`. */
  progress: string;
  createdAt: string;
  startedAt: string;
  finishedAt: string;
  labels: Record<string, string>;
  /** Places (`cluster/namespace`) the workflow's pods ran in. */
  places: string[];
  nodeCount: number;
  suspended: boolean;
  shutdown: string;
}

function progressOf(wf: Workflow): string {
  if (wf.status?.progress) return wf.status.progress;
  const pods = Object.values(wf.status?.nodes ?? {}).filter((n) => n.type === 'Pod');
  const done = pods.filter((n) => ['Succeeded', 'Failed', 'Error', 'Skipped', 'Omitted'].includes(n.phase ?? ''));
  return pods.length ? `${done.length}/${pods.length}` : '';
}

function isSuspended(wf: Workflow): boolean {
  if (wf.spec?.suspend) return true;
  return Object.values(wf.status?.nodes ?? {}).some((n) => n.type === 'Suspend' && n.phase === 'Running');
}

/** Summarises an (inflated) workflow for the list. */
export function summarise(wf: Workflow, mainCluster: string): WorkflowSummary {
  const m = wf.metadata;
  return {
    namespace: m.namespace ?? '',
    name: m.name ?? '',
    uid: m.uid ?? '',
    phase: wf.status?.phase || 'Pending',
    message: wf.status?.message ?? '',
    progress: progressOf(wf),
    createdAt: m.creationTimestamp ?? '',
    startedAt: wf.status?.startedAt ?? '',
    finishedAt: wf.status?.finishedAt ?? '',
    labels: m.labels ?? {},
    places: placesUsed(wf, mainCluster).map(placeKey),
    nodeCount: Object.keys(wf.status?.nodes ?? {}).length,
    suspended: isSuspended(wf),
    shutdown: String(wf.spec?.shutdown ?? ''),
  };
}
