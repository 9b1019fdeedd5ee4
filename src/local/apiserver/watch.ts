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
  const rk = resourceKey(def.group, def.resource);
  const apiVersion = apiVersionOf(def, version);
  const matches = (o: KubeObject | undefined): boolean =>
    !!o &&
    (q.namespace === undefined || !def.namespaced || (o.metadata.namespace ?? '') === q.namespace) &&
    q.labels(o.metadata.labels) &&
    q.fields(o);
  res.writeHead(200, {
    'Content-Type': 'application/json',
    'Transfer-Encoding': 'chunked',
    'Cache-Control': 'no-cache',
  });
  res.flushHeaders();
  let lastRv = state.store.currentRv();
  const transform = q.transform ?? ((o: KubeObject) => o);
  const send = (type: string, object: KubeObject) => {
    if (res.writableEnded || res.destroyed) return;
    const out = type === 'ERROR' || type === 'BOOKMARK' ? object : transform(object);
    res.write(JSON.stringify({ type, object: out }) + '\n');
  };
  const deliver = (e: StoreEvent) => {
    lastRv = e.rv;
    if (e.rk !== rk) return;
    const now = e.type === 'DELETED' ? false : matches(e.object);
    const before = e.type === 'ADDED' ? false : matches(e.prev);
    const object = e.object.apiVersion === apiVersion ? e.object : { ...e.object, apiVersion };
    if (e.type === 'DELETED') {
      if (before || matches(e.object)) send('DELETED', object);
    } else if (now && before) send('MODIFIED', object);
    else if (now) send('ADDED', object);
    else if (before) send('DELETED', object);
  };
  const rvParam = q.resourceVersion;
  const fromScratch = rvParam === undefined || rvParam === '' || rvParam === '0' || q.sendInitialEvents === true;
  if (fromScratch) {
    for (const o of state.store.list(rk, def.namespaced ? q.namespace : undefined)) {
      if (q.labels(o.metadata.labels) && q.fields(o))
        send('ADDED', o.apiVersion === apiVersion ? o : { ...o, apiVersion });
    }
    if (q.sendInitialEvents && q.allowBookmarks) sendBookmark(def, apiVersion, lastRv, send, true);
  } else {
    const from = Number(rvParam);
    const past = Number.isFinite(from) ? state.store.eventsSince(from) : 'expired';
    if (past === 'expired') {
      const msg = Number.isFinite(from)
        ? `too old resource version: ${from} (${state.store.compactedRv() + 1})`
        : `invalid resource version: ${rvParam}`;
      send('ERROR', failure(410, 'Expired', msg));
      res.end();
      return;
    }
    for (const e of past) deliver(e);
  }
  const unsubscribe = state.store.subscribe(deliver);
  const timers: NodeJS.Timeout[] = [];
  if (q.allowBookmarks) {
    timers.push(setInterval(() => sendBookmark(def, apiVersion, lastRv, send, false), opts.bookmarkIntervalMs));
  }
  const timeoutMs = q.timeoutSeconds !== undefined ? q.timeoutSeconds * 1000 : opts.maxTimeoutMs;
  let unregister = () => {};
  const close = () => {
    unsubscribe();
    for (const t of timers) clearTimeout(t);
    unregister();
    if (!res.writableEnded) res.end();
  };
  timers.push(setTimeout(close, timeoutMs));
  unregister = registerClose(close);
  res.on('close', close);
}

function sendBookmark(
  def: ResourceDef,
  apiVersion: string,
  rv: number,
  send: (type: string, o: KubeObject) => void,
  initialEnd: boolean,
): void {
  const metadata: KubeObject = { resourceVersion: String(rv) };
  if (initialEnd) metadata.annotations = { 'k8s.io/initial-events-end': 'true' };
  send('BOOKMARK', { kind: def.kind, apiVersion, metadata });
}
