/**
 * A minimal informer: list, then watch from the list's resourceVersion; on 410 Gone re-list; on a
 * dropped connection reconnect with backoff from the last resourceVersion seen. Keeps one signature
 * per object (not the object), so memory stays small, and reports only significant changes. A re-list
 * compares against those signatures and reports objects that vanished while disconnected.
 */
import type { Logger } from '../logger.ts';
import type { KubeClient, WatchEventType } from '../ports/kube.ts';
import { isGone } from '../adapters/kube/errors.ts';
import { listAll } from '../adapters/kube/resources.ts';
import { metaOf } from './filter.ts';

type Obj = Record<string, unknown>;

export interface InformerOptions {
  client: KubeClient;
  /** Collection path, e.g. `/api/v1/pods` or `/api/v1/namespaces/argo/pods`. */
  path: string;
  labelSelector: string;
  /** Reduces an object to what matters; an event whose signature did not change is dropped. */
  signature: (o: Obj) => string;
  /** Called for every event with the previous signature (undefined = unseen). */
  onEvent: (type: 'ADDED' | 'MODIFIED' | 'DELETED', o: Obj, signature: string, previous: string | undefined) => void;
  logger: Logger;
  onRestart?: (reason: string) => void;
  onRelist?: () => void;
  backoffMs?: { initial: number; max: number };
  /** Server-side watch timeout (seconds); the watch is re-opened after it. */
  timeoutSeconds?: number;
}

export interface Informer {
  stop(): Promise<void>;
  /** True once the first list succeeded and the watch is open. */
  readonly synced: boolean;
}

/** Starts the list/watch loop in the background. */
export function startInformer(options: InformerOptions): Informer {
  const controller = new AbortController();
  // Per object: its signature and a stub (name, namespace, labels) to report it if it vanishes.
  const signatures = new Map<string, string>();
  const stubs = new Map<string, Obj>();
  const remember = (key: string, o: Obj, sig: string) => {
    signatures.set(key, sig);
    const m = metaOf(o);
    stubs.set(key, { metadata: { name: m.name, namespace: m.namespace, uid: m.uid, labels: m.labels } });
  };
  const forget = (key: string) => {
    signatures.delete(key);
    stubs.delete(key);
  };
  let synced = false;
  let resourceVersion = '';
  const backoff = options.backoffMs ?? { initial: 200, max: 10_000 };
  const keyOf = (o: Obj) => {
    const m = metaOf(o);
    return m.uid ?? `${m.namespace}/${m.name}`;
  };

  const relist = async () => {
    // Paged (limit/continue): every page comes from the same snapshot, whose resourceVersion the watch resumes from.
    const list = await listAll<Obj>(options.client, options.path, options.labelSelector);
    options.onRelist?.();
    const seen = new Set<string>();
    for (const item of list.items) {
      const key = keyOf(item);
      seen.add(key);
      const sig = options.signature(item);
      const prev = signatures.get(key);
      remember(key, item, sig);
      options.onEvent(prev === undefined ? 'ADDED' : 'MODIFIED', item, sig, prev);
    }
    for (const key of [...signatures.keys()]) {
      if (!seen.has(key)) {
        // The object vanished while we were not watching: report it with what we kept of it.
        const stub = stubs.get(key) ?? { metadata: { uid: key } };
        const prev = signatures.get(key);
        forget(key);
        options.onEvent('DELETED', stub, '', prev);
      }
    }
    resourceVersion = list.metadata?.resourceVersion ?? '';
  };

  const handle = (type: WatchEventType, o: Obj) => {
    if (type === 'BOOKMARK') {
      resourceVersion = metaOf(o).resourceVersion ?? resourceVersion;
      return;
    }
    if (type === 'ERROR') return;
    resourceVersion = metaOf(o).resourceVersion ?? resourceVersion;
    const key = keyOf(o);
    const prev = signatures.get(key);
    const sig = options.signature(o);
    if (type === 'DELETED') forget(key);
    else remember(key, o, sig);
    options.onEvent(type, o, sig, prev);
  };

  const run = async () => {
    let delay = backoff.initial;
    let needList = true;
    while (!controller.signal.aborted) {
      try {
        if (needList) {
          await relist();
          needList = false;
        }
        synced = true;
        await options.client.watch(
          options.path,
          {
            labelSelector: options.labelSelector || undefined,
            resourceVersion,
            allowWatchBookmarks: true,
            timeoutSeconds: options.timeoutSeconds ?? 300,
          },
          handle,
          controller.signal,
        );
        delay = backoff.initial; // a watch that ended normally: re-open at once
      } catch (e) {
        if (controller.signal.aborted) break;
        synced = false;
        options.onRestart?.(isGone(e) ? 'gone' : 'error');
        if (isGone(e)) {
          // The server answered: our resourceVersion is just too old. Re-list at once.
          needList = true;
          options.logger.info('watch expired (410); re-listing', { path: options.path });
          continue;
        }
        options.logger.warn('watch interrupted; reconnecting', { path: options.path, error: e, delayMs: delay });
        await sleep(delay, controller.signal);
        delay = Math.min(backoff.max, delay * 2);
      }
    }
  };
  const done = run();
  return {
    get synced() {
      return synced;
    },
    async stop() {
      controller.abort();
      await done.catch(() => undefined);
    },
  };
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const t = setTimeout(resolve, ms);
    signal.addEventListener(
      'abort',
      () => {
        clearTimeout(t);
        resolve();
      },
      { once: true },
    );
  });
}
