/**
 * Following a workflow until it completes: a GET every tick (cheap, and immune to missed watch
 * events), rendering through a {@link WatchPrinter}. Shared by `run`, `submit --watch/--wait` and
 * `wait`.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import type { KubeClient } from '../../ports/kube.ts';
import type { Workflow } from '../../engine/types.ts';
import { getWorkflow } from '../../adapters/kube/resources.ts';
import { readHydrated } from '../../adapters/kube/offloaded-nodes.ts';
import type { NodeStatusStore } from '../../ports/node-status.ts';
import { isNotFound } from '../../adapters/kube/errors.ts';
import { failure } from './errors.ts';
import type { WatchPrinter } from '../render/watch.ts';

/** Completed = finishedAt set, or a final phase (argo waits for `finishedAt`). */
export function isCompleted(wf: Workflow): boolean {
  const p = wf.status?.phase;
  return Boolean(wf.status?.finishedAt) || p === 'Succeeded' || p === 'Failed' || p === 'Error';
}

export interface FollowOptions {
  printer?: WatchPrinter;
  intervalMs?: number;
  signal?: AbortSignal;
  now?: () => Date;
  /** Called once if the workflow still has no phase after `stallMs` (nobody reconciles it). */
  onStall?: (wf: Workflow) => void;
  stallMs?: number;
  /** Where offloaded node status is read (workflows too large for the object). */
  nodeStatus?: NodeStatusStore;
}

/** The hint printed when a submitted workflow is never picked up. */
export function stallHint(name: string): string {
  return `argosy: ${name} has not been picked up yet: is the controller running? (argosy doctor; argosy controller status)\n`;
}

/** `onStall` for a live view: the hint goes under the view on a terminal (a redraw keeps it), else to `err`. */
export function noticeStall(printer: WatchPrinter | undefined, err: (text: string) => void): (wf: Workflow) => void {
  return (wf) => {
    const hint = stallHint(wf.metadata.name ?? '');
    if (!printer?.notice(hint)) err(hint);
  };
}

/** Polls until the workflow completes; returns its final state. */
export async function followWorkflow(
  kube: KubeClient,
  namespace: string,
  name: string,
  opts: FollowOptions = {},
): Promise<Workflow> {
  const now = opts.now ?? (() => new Date());
  const interval = opts.intervalMs ?? 500;
  const stallAt = now().getTime() + (opts.stallMs ?? 30_000);
  let stalled = false;
  for (;;) {
    let wf: Workflow;
    try {
      wf = await readHydrated(() => getWorkflow<Workflow>(kube, namespace, name), opts.nodeStatus);
    } catch (e) {
      if (isNotFound(e)) throw failure(`workflow "${name}" not found in namespace "${namespace}" (deleted?)`);
      throw e;
    }
    if (isCompleted(wf)) {
      opts.printer?.finish(wf, now());
      return wf;
    }
    opts.printer?.update(wf, now());
    if (!stalled && !wf.status?.phase && now().getTime() > stallAt) {
      stalled = true;
      opts.onStall?.(wf);
    }
    try {
      await sleep(interval, undefined, { signal: opts.signal });
    } catch {
      return wf;
    }
  }
}

/** Exit code for a finished workflow: 0 Succeeded, 1 anything else. */
export function exitCodeOf(wf: Workflow): number {
  return wf.status?.phase === 'Succeeded' ? 0 : 1;
}

/** argo wait's line: `<name> <phase> at <finishedAt>` (Go `time.Time` format, UTC). */
export function waitLine(wf: Workflow): string {
  const f = wf.status?.finishedAt ? new Date(wf.status.finishedAt) : undefined;
  const when = f
    ? f
        .toISOString()
        .replace('T', ' ')
        .replace(/\.\d+Z$/, ' +0000 UTC')
    : '<unknown>';
  return `${wf.metadata.name} ${wf.status?.phase ?? ''} at ${when}`;
}
