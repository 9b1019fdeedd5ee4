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

/**
 * What the informer keeps per object (its signature and a stub: name, namespace, uid, labels, to report
 * it if it vanishes) and the resourceVersion the watch resumes from.
 */
class Memory {
  private readonly signatures = new Map<string, string>();
  private readonly stubs = new Map<string, Obj>();
  resourceVersion = '';

  constructor(private readonly options: InformerOptions) {}

  /** Lists everything again and reports each object, and those that vanished while not watching. */
  async relist(): Promise<void> {
    const { options } = this;
    // Paged (limit/continue): every page comes from the same snapshot, whose resourceVersion the watch resumes from.
    const list = await listAll<Obj>(options.client, options.path, options.labelSelector);
    options.onRelist?.();
    const seen = new Set<string>();
    for (const item of list.items) {
      const key = keyOf(item);
      seen.add(key);
      const sig = options.signature(item);
      const prev = this.signatures.get(key);
      this.remember(key, item, sig);
      options.onEvent(prev === undefined ? 'ADDED' : 'MODIFIED', item, sig, prev);
    }
    for (const key of [...this.signatures.keys()]) {
      if (!seen.has(key)) {
        // The object vanished while we were not watching: report it with what we kept of it.
        const stub = this.stubs.get(key) ?? { metadata: { uid: key } };
        const prev = this.signatures.get(key);
        this.forget(key);
        options.onEvent('DELETED', stub, '', prev);
      }
    }
    this.resourceVersion = list.metadata?.resourceVersion ?? '';
  }

  /** One watch event: remembered (or forgotten) and reported with the previous signature. */
  readonly handle = (type: WatchEventType, o: Obj): void => {
    if (type === 'BOOKMARK') {
      this.resourceVersion = metaOf(o).resourceVersion ?? this.resourceVersion;
      return;
    }
    if (type === 'ERROR') return;
    this.resourceVersion = metaOf(o).resourceVersion ?? this.resourceVersion;
    const key = keyOf(o);
    const prev = this.signatures.get(key);
    const sig = this.options.signature(o);
    if (type === 'DELETED') this.forget(key);
    else this.remember(key, o, sig);
    this.options.onEvent(type, o, sig, prev);
  };

  private remember(key: string, o: Obj, sig: string): void {
    this.signatures.set(key, sig);
    const m = metaOf(o);
    this.stubs.set(key, { metadata: { name: m.name, namespace: m.namespace, uid: m.uid, labels: m.labels } });
  }

  private forget(key: string): void {
    this.signatures.delete(key);
    this.stubs.delete(key);
  }
}

function keyOf(o: Obj): string {
  const m = metaOf(o);
  return m.uid ?? `${m.namespace}/${m.name}`;
}

/** Starts the list/watch loop in the background. */
export function startInformer(options: InformerOptions): Informer {
  const controller = new AbortController();
  const state = { synced: false };
  const done = runInformer(options, new Memory(options), state, controller.signal);
  return {
    get synced() {
      return state.synced;
    },
    async stop() {
      controller.abort();
      await done.catch(() => undefined);
    },
  };
}

/** List once, then watch until stopped: re-list at once on 410 Gone, reconnect with backoff on errors. */
async function runInformer(
  options: InformerOptions,
  memory: Memory,
  state: { synced: boolean },
  signal: AbortSignal,
): Promise<void> {
  const backoff = options.backoffMs ?? { initial: 200, max: 10_000 };
  let delay = backoff.initial;
  let needList = true;
  while (!signal.aborted) {
    try {
      if (needList) {
        await memory.relist();
        needList = false;
      }
      state.synced = true;
      await watchOnce(options, memory, signal);
      delay = backoff.initial; // a watch that ended normally: re-open at once
    } catch (e) {
      if (signal.aborted) break;
      state.synced = false;
      options.onRestart?.(isGone(e) ? 'gone' : 'error');
      if (isGone(e)) {
        // The server answered: our resourceVersion is just too old. Re-list at once.
        needList = true;
        options.logger.info('watch expired (410); re-listing', { path: options.path });
        continue;
      }
      options.logger.warn('watch interrupted; reconnecting', { path: options.path, error: e, delayMs: delay });
      await sleep(delay, signal);
      delay = Math.min(backoff.max, delay * 2);
    }
  }
}

function watchOnce(options: InformerOptions, memory: Memory, signal: AbortSignal): Promise<void> {
  return options.client.watch(
    options.path,
    {
      labelSelector: options.labelSelector || undefined,
      resourceVersion: memory.resourceVersion,
      allowWatchBookmarks: true,
      timeoutSeconds: options.timeoutSeconds ?? 300,
    },
    memory.handle,
    signal,
  );
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
