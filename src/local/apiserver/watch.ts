/**
 * WATCH over HTTP: newline-delimited JSON events. Starts from a resourceVersion (replaying the
 * bounded history; too old ⇒ an ERROR event carrying a 410 Expired Status, as kube-apiserver sends),
 * or with synthetic ADDED events for the current state when none is given. Selector transitions
 * become ADDED/DELETED like the real watch cache; bookmarks and timeoutSeconds are honoured.
 */
import type { ServerResponse } from 'node:http';
import type { ClusterState } from './objects.ts';
import { type KubeObject, type ResourceDef, apiVersionOf, resourceKey } from './resources.ts';
import type { FieldSelector, Selector } from './selectors.ts';
import type { StoreEvent } from './store.ts';
import { failure } from './status.ts';

export interface WatchQuery {
  namespace?: string;
  labels: Selector;
  fields: FieldSelector;
  resourceVersion?: string;
  timeoutSeconds?: number;
  allowBookmarks: boolean;
  sendInitialEvents?: boolean;
  /** Converts each event object (e.g. into a one-row Table for kubectl's printers). */
  transform?: (o: KubeObject) => KubeObject;
}

export interface WatchOptions {
  /** How often to send BOOKMARK events when the client allows them. */
  bookmarkIntervalMs: number;
  /** Upper bound of a watch's life when the client gives no timeoutSeconds (real: 30–60 min). */
  maxTimeoutMs: number;
}

/** Streams a watch to `res` until the client leaves, the timeout fires or `stop` is called. */
export function serveWatch(
  state: ClusterState,
  def: ResourceDef,
  version: string,
  q: WatchQuery,
  res: ServerResponse,
  opts: WatchOptions,
  registerClose: (close: () => void) => () => void,
): void {
  res.writeHead(200, {
    'Content-Type': 'application/json',
    'Transfer-Encoding': 'chunked',
    'Cache-Control': 'no-cache',
  });
  res.flushHeaders();
  const stream = new WatchStream(state, def, apiVersionOf(def, version), q, res);
  if (!stream.start()) return;
  stream.keepOpen(opts, registerClose);
}

/** One client's watch: what it has been sent up to (`lastRv`) and how store events become watch events. */
class WatchStream {
  private readonly rk: string;
  private readonly transform: (o: KubeObject) => KubeObject;
  private lastRv: number;

  constructor(
    private readonly state: ClusterState,
    private readonly def: ResourceDef,
    private readonly apiVersion: string,
    private readonly q: WatchQuery,
    private readonly res: ServerResponse,
  ) {
    this.rk = resourceKey(def.group, def.resource);
    this.transform = q.transform ?? ((o: KubeObject) => o);
    this.lastRv = state.store.currentRv();
  }

  /** The initial events (current state, or the history since the client's resourceVersion); false when that version is gone (410 sent, stream ended). */
  start(): boolean {
    const rvParam = this.q.resourceVersion;
    const fromScratch = rvParam === undefined || rvParam === '' || rvParam === '0' || this.q.sendInitialEvents === true;
    if (fromScratch) {
      this.sendCurrent();
      return true;
    }
    const from = Number(rvParam);
    const past = Number.isFinite(from) ? this.state.store.eventsSince(from) : 'expired';
    if (past === 'expired') {
      const msg = Number.isFinite(from)
        ? `too old resource version: ${from} (${this.state.store.compactedRv() + 1})`
        : `invalid resource version: ${rvParam}`;
      this.send('ERROR', failure(410, 'Expired', msg));
      this.res.end();
      return false;
    }
    for (const e of past) this.deliver(e);
    return true;
  }

  /** Follows the store until the client leaves, the timeout fires or the server closes the watch. */
  keepOpen(opts: WatchOptions, registerClose: (close: () => void) => () => void): void {
    const unsubscribe = this.state.store.subscribe((e) => this.deliver(e));
    const timers: NodeJS.Timeout[] = [];
    if (this.q.allowBookmarks) timers.push(setInterval(() => this.bookmark(false), opts.bookmarkIntervalMs));
    const timeoutMs = this.q.timeoutSeconds !== undefined ? this.q.timeoutSeconds * 1000 : opts.maxTimeoutMs;
    let unregister = () => {};
    const close = () => {
      unsubscribe();
      for (const t of timers) clearTimeout(t);
      unregister();
      if (!this.res.writableEnded) this.res.end();
    };
    timers.push(setTimeout(close, timeoutMs));
    unregister = registerClose(close);
    this.res.on('close', close);
  }

  private sendCurrent(): void {
    const { def, q } = this;
    for (const o of this.state.store.list(this.rk, def.namespaced ? q.namespace : undefined)) {
      if (q.labels(o.metadata.labels) && q.fields(o)) this.send('ADDED', this.served(o));
    }
    if (q.sendInitialEvents && q.allowBookmarks) this.bookmark(true);
  }

  /** A store event as this watch sees it: selector transitions become ADDED/DELETED, as in the real watch cache. */
  private deliver(e: StoreEvent): void {
    this.lastRv = e.rv;
    if (e.rk !== this.rk) return;
    const now = e.type === 'DELETED' ? false : this.matches(e.object);
    const before = e.type === 'ADDED' ? false : this.matches(e.prev);
    const object = this.served(e.object);
    if (e.type === 'DELETED') {
      if (before || this.matches(e.object)) this.send('DELETED', object);
    } else if (now && before) this.send('MODIFIED', object);
    else if (now) this.send('ADDED', object);
    else if (before) this.send('DELETED', object);
  }

  private matches(o: KubeObject | undefined): boolean {
    const { def, q } = this;
    return (
      !!o &&
      (q.namespace === undefined || !def.namespaced || (o.metadata.namespace ?? '') === q.namespace) &&
      q.labels(o.metadata.labels) &&
      q.fields(o)
    );
  }

  /** The object in the version the client asked for. */
  private served(o: KubeObject): KubeObject {
    return o.apiVersion === this.apiVersion ? o : { ...o, apiVersion: this.apiVersion };
  }

  private send(type: string, object: KubeObject): void {
    if (this.res.writableEnded || this.res.destroyed) return;
    const out = type === 'ERROR' || type === 'BOOKMARK' ? object : this.transform(object);
    this.res.write(JSON.stringify({ type, object: out }) + '\n');
  }

  private bookmark(initialEnd: boolean): void {
    const metadata: KubeObject = { resourceVersion: String(this.lastRv) };
    if (initialEnd) metadata.annotations = { 'k8s.io/initial-events-end': 'true' };
    this.send('BOOKMARK', { kind: this.def.kind, apiVersion: this.apiVersion, metadata });
  }
}
