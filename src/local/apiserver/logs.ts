/**
 * Container logs: the kubelet appends output per (namespace, pod uid, container); the API server
 * serves `pods/log` with `follow`, `tailLines`, `limitBytes`, `sinceSeconds`, `timestamps`,
 * `previous` and `container`, with kube-apiserver's errors for waiting containers and ambiguous
 * container names.
 */
import type { ServerResponse } from 'node:http';
import type { KubeObject } from './resources.ts';
import { badRequest } from './status.ts';

interface Line {
  time: string;
  text: string;
}

interface ContainerLog {
  lines: Line[];
  partial: string;
  bytes: number;
  ended: boolean;
  listeners: Set<() => void>;
}

/** Keeps at most this much log per container (older lines drop off, like log rotation). */
const MAX_LOG_BYTES = 8 * 1024 * 1024;

export interface LogQuery {
  container?: string;
  follow: boolean;
  tailLines?: number;
  limitBytes?: number;
  sinceSeconds?: number;
  timestamps: boolean;
  previous?: boolean;
}

export class LogStore {
  private readonly logs = new Map<string, ContainerLog>();

  private key(podUid: string, container: string): string {
    return `${podUid}/${container}`;
  }

  private entry(podUid: string, container: string): ContainerLog {
    const k = this.key(podUid, container);
    let e = this.logs.get(k);
    if (!e) this.logs.set(k, (e = { lines: [], partial: '', bytes: 0, ended: false, listeners: new Set() }));
    return e;
  }

  /** Appends output (any chunking; lines are split on `\n`). */
  append(podUid: string, container: string, chunk: string): void {
    const e = this.entry(podUid, container);
    const text = e.partial + chunk;
    const parts = text.split('\n');
    e.partial = parts.pop()!;
    const time = new Date().toISOString().replace('Z', '000000Z');
    for (const p of parts) {
      e.lines.push({ time, text: p + '\n' });
      e.bytes += p.length + 1;
    }
    while (e.bytes > MAX_LOG_BYTES && e.lines.length > 1) e.bytes -= e.lines.shift()!.text.length;
    for (const l of e.listeners) l();
  }

  /** Marks a container's output complete (flushes a final partial line). */
  end(podUid: string, container: string): void {
    const e = this.entry(podUid, container);
    if (e.partial) {
      e.lines.push({ time: new Date().toISOString(), text: e.partial });
      e.partial = '';
    }
    e.ended = true;
    for (const l of e.listeners) l();
  }

  /** The whole log as text (termination messages with FallbackToLogsOnError, tests). */
  text(podUid: string, container: string): string {
    const e = this.logs.get(this.key(podUid, container));
    return e ? e.lines.map((l) => l.text).join('') + e.partial : '';
  }

  /** A container restarts: its log becomes the `previous=true` log and a fresh one begins. */
  rotate(podUid: string, container: string): void {
    const k = this.key(podUid, container);
    const cur = this.logs.get(k);
    if (!cur) return;
    this.logs.set(`${k}#previous`, cur);
    this.logs.delete(k);
  }

  forget(podUid: string): void {
    for (const k of [...this.logs.keys()]) if (k.startsWith(`${podUid}/`)) this.logs.delete(k);
  }

  /** Serves `GET .../pods/<name>/log` for `pod`. */
  serve(pod: KubeObject, q: LogQuery, res: ServerResponse, isStopped: () => boolean): void {
    const container = pickContainer(pod, q.container);
    if (q.previous) {
      const prev = this.logs.get(`${this.key(pod.metadata.uid, container)}#previous`);
      if (!prev) {
        throw badRequest(`previous terminated container "${container}" in pod "${pod.metadata.name}" not found`);
      }
      res.writeHead(200, { 'Content-Type': 'text/plain' });
      res.end(prev.lines.map((l) => (q.timestamps ? `${l.time} ${l.text}` : l.text)).join(''));
      return;
    }
    const e = this.entry(pod.metadata.uid, container);
    const status = [...(pod.status?.containerStatuses ?? []), ...(pod.status?.initContainerStatuses ?? [])].find(
      (s: KubeObject) => s.name === container,
    );
    if (e.lines.length === 0 && !e.ended && (!status || status.state?.waiting)) {
      const reason = status?.state?.waiting?.reason ?? 'ContainerCreating';
      throw badRequest(`container "${container}" in pod "${pod.metadata.name}" is waiting to start: ${reason}`);
    }
    res.writeHead(200, { 'Content-Type': 'text/plain', 'Transfer-Encoding': 'chunked' });
    let lines = e.lines;
    if (q.sinceSeconds !== undefined) {
      const since = new Date(Date.now() - q.sinceSeconds * 1000).toISOString();
      lines = lines.filter((l) => l.time >= since);
    }
    if (q.tailLines !== undefined) lines = q.tailLines === 0 ? [] : lines.slice(-q.tailLines);
    let budget = q.limitBytes ?? Infinity;
    const write = (l: Line): boolean => {
      let text = q.timestamps ? `${l.time} ${l.text}` : l.text;
      if (text.length > budget) text = text.slice(0, budget);
      budget -= text.length;
      res.write(text);
      return budget > 0;
    };
    let sent = e.lines.length;
    for (const l of lines) if (!write(l)) return void res.end();
    if (!q.follow || e.ended || budget <= 0) return void res.end();
    const onMore = () => {
      while (sent < e.lines.length) if (!write(e.lines[sent++]!)) return finish();
      if (e.ended || isStopped()) finish();
    };
    const finish = () => {
      e.listeners.delete(onMore);
      if (!res.writableEnded) res.end();
    };
    e.listeners.add(onMore);
    res.on('close', finish);
  }
}

function pickContainer(pod: KubeObject, requested: string | undefined): string {
  const names: string[] = [...(pod.spec?.initContainers ?? []), ...(pod.spec?.containers ?? [])].map(
    (c: KubeObject) => c.name,
  );
  if (requested) {
    if (!names.includes(requested)) {
      throw badRequest(`container ${requested} is not valid for pod ${pod.metadata.name}`);
    }
    return requested;
  }
  const main: string[] = (pod.spec?.containers ?? []).map((c: KubeObject) => c.name);
  if (main.length === 1) return main[0]!;
  throw badRequest(
    `a container name must be specified for pod ${pod.metadata.name}, choose one of: [${main.join(' ')}]`,
  );
}
