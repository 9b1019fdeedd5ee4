/**
 * Live updates as server-sent events, fed by Kubernetes watches (list, then watch from the list's
 * resourceVersion; a 410 Gone or an ended watch re-lists, as an informer does):
 * - `/api/watch/workflows?namespace=` sends `snapshot` (every summary), then `upsert`/`remove`;
 * - `/api/watch/workflows/:namespace/:name` sends the whole (inflated) workflow on each change,
 *   at most every 300 ms, so a 10,000-node workflow under heavy change does not flood the page.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { isGone, isNotFound } from '../../src/adapters/kube/errors.ts';
import { workflowsPath } from '../../src/adapters/kube/resources.ts';
import type { Workflow } from '../../src/engine/types.ts';
import { redact } from '../../src/logger.ts';
import type { KubeClient, WatchEventType } from '../../src/ports/kube.ts';
import { inflateWorkflow } from '../../src/adapters/kube/compressed-nodes.ts';
import { hydrateWorkflow } from '../../src/adapters/kube/offloaded-nodes.ts';
import { summarise } from '../src/model/summary.ts';
import { namespaceParam, type UiBackend } from './backend.ts';
import { startEvents, type Route } from './http.ts';

interface WatchHandlers {
  onList(items: Workflow[]): void;
  onEvent(type: WatchEventType, wf: Workflow): void;
  onError(e: unknown): void;
}

/** List then watch until `signal` aborts, re-listing after 410 Gone or errors (1 s apart). */
export async function listThenWatch(
  kube: KubeClient,
  path: string,
  query: Record<string, string>,
  h: WatchHandlers,
  signal: AbortSignal,
): Promise<void> {
  while (!signal.aborted) {
    try {
      const list = await kube.request<{ items?: Workflow[]; metadata?: { resourceVersion?: string } }>({
        method: 'GET',
        path,
        query,
      });
      let rv = list.metadata?.resourceVersion ?? '';
      h.onList(list.items ?? []);
      while (!signal.aborted) {
        await kube.watch(
          path,
          { ...query, resourceVersion: rv, allowWatchBookmarks: true },
          (type, obj) => {
            const wf = obj as unknown as Workflow;
            rv = wf.metadata?.resourceVersion ?? rv;
            if (type === 'ADDED' || type === 'MODIFIED' || type === 'DELETED') h.onEvent(type, wf);
          },
          signal,
        );
      }
    } catch (e) {
      if (signal.aborted) return;
      if (!isGone(e)) h.onError(e);
      await sleep(1000, undefined, { signal }).catch(() => undefined);
    }
  }
}

const errorText = (e: unknown) => String(redact((e as Error).message ?? String(e)));

/** Calls `fn` at most every `ms`, always with the latest value. */
function throttle<T>(ms: number, fn: (v: T) => void): { push(v: T): void; cancel(): void } {
  let timer: NodeJS.Timeout | undefined;
  let last = 0;
  let pending: { v: T } | undefined;
  const fire = () => {
    timer = undefined;
    last = Date.now();
    if (pending) fn(pending.v);
    pending = undefined;
  };
  return {
    push(v) {
      pending = { v };
      if (!timer) timer = setTimeout(fire, Math.max(0, last + ms - Date.now()));
    },
    cancel: () => clearTimeout(timer),
  };
}

export function streamRoutes(b: UiBackend): Route[] {
  const kube = b.target.client;
  return [
    {
      method: 'GET',
      pattern: '/api/watch/workflows',
      handler: async ({ url, res, signal }) => {
        const ns = namespaceParam(b, url);
        const send = startEvents(res);
        const sum = (wf: Workflow) => summarise(inflateWorkflow(wf), b.target.mainCluster);
        await listThenWatch(
          kube,
          ns ? workflowsPath(ns) : '/apis/argoproj.io/v1alpha1/workflows',
          {},
          {
            onList: (items) => send('snapshot', items.map(sum)),
            onEvent: (type, wf) => send(type === 'DELETED' ? 'remove' : 'upsert', sum(wf)),
            onError: (e) => send('failure', { message: errorText(e) }),
          },
          signal,
        );
      },
    },
    {
      method: 'GET',
      pattern: '/api/watch/workflows/:namespace/:name',
      handler: async ({ params, res, signal }) => {
        const send = startEvents(res);
        // Offloaded nodes are read from the node status store; a failure is shown, never an empty tree.
        const out = throttle<Workflow>(300, (wf) => {
          hydrateWorkflow(wf, b.target.nodeStatus).then(
            (full) => send('workflow', full),
            (e: unknown) => send('failure', { message: errorText(e) }),
          );
        });
        signal.addEventListener('abort', () => out.cancel());
        await listThenWatch(
          kube,
          workflowsPath(params.namespace!),
          { fieldSelector: `metadata.name=${params.name}` },
          {
            onList: (items) => (items[0] ? out.push(items[0]) : send('remove', { name: params.name })),
            onEvent: (type, wf) => (type === 'DELETED' ? send('remove', { name: params.name }) : out.push(wf)),
            onError: (e) => send(isNotFound(e) ? 'remove' : 'failure', { message: errorText(e) }),
          },
          signal,
        );
      },
    },
  ];
}
