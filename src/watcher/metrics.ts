/**
 * The watcher's counters and its tiny HTTP server: `/healthz` and Prometheus `/metrics`, bound to
 * 127.0.0.1 by default (a sidecar or port-forward can reach it; nothing else can).
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface WatcherMetrics {
  eventsSeen: number;
  eventsDropped: number;
  nudgesQueued: number;
  nudgesSent: number;
  nudgesCoalesced: number;
  nudgesOverflowed: number;
  sendErrors: number;
  watchRestarts: number;
  relists: number;
  /** Seconds between an event being seen and its nudge being sent (last observed). */
  lagSeconds: number;
  watches: number;
  /** Workflows waiting in the send buffer now, and the most ever (bounded by maxPending). */
  pending: number;
  pendingHighWater: number;
}

export function newMetrics(): WatcherMetrics {
  return {
    eventsSeen: 0,
    eventsDropped: 0,
    nudgesQueued: 0,
    nudgesSent: 0,
    nudgesCoalesced: 0,
    nudgesOverflowed: 0,
    sendErrors: 0,
    watchRestarts: 0,
    relists: 0,
    lagSeconds: 0,
    watches: 0,
    pending: 0,
    pendingHighWater: 0,
  };
}

const HELP: Record<keyof WatcherMetrics, [string, 'counter' | 'gauge']> = {
  eventsSeen: ['argosy_watcher_events_seen_total', 'counter'],
  eventsDropped: ['argosy_watcher_events_dropped_total', 'counter'],
  nudgesQueued: ['argosy_watcher_nudges_queued_total', 'counter'],
  nudgesSent: ['argosy_watcher_nudges_sent_total', 'counter'],
  nudgesCoalesced: ['argosy_watcher_nudges_coalesced_total', 'counter'],
  nudgesOverflowed: ['argosy_watcher_nudges_overflowed_total', 'counter'],
  sendErrors: ['argosy_watcher_send_errors_total', 'counter'],
  watchRestarts: ['argosy_watcher_watch_restarts_total', 'counter'],
  relists: ['argosy_watcher_relists_total', 'counter'],
  lagSeconds: ['argosy_watcher_nudge_lag_seconds', 'gauge'],
  watches: ['argosy_watcher_watches', 'gauge'],
  pending: ['argosy_watcher_pending_nudges', 'gauge'],
  pendingHighWater: ['argosy_watcher_pending_nudges_high_water', 'gauge'],
};

/** Prometheus text exposition of the metrics. */
export function renderMetrics(m: WatcherMetrics): string {
  const lines: string[] = [];
  for (const [key, [name, type]] of Object.entries(HELP)) {
    lines.push(`# TYPE ${name} ${type}`, `${name} ${m[key as keyof WatcherMetrics]}`);
  }
  return lines.join('\n') + '\n';
}

export interface MetricsServer {
  url: string;
  close(): Promise<void>;
}

/**
 * Serves /healthz (200 while every watch is healthy, else 503 naming what fails), /livez (200 while
 * the workflow watch is established: the Deployment's liveness probe) and /metrics.
 */
export async function startMetricsServer(
  metrics: WatcherMetrics,
  health: () => { ok: boolean; failing: string[] },
  live: () => boolean,
  options: { host?: string; port?: number; extra?: () => string } = {},
): Promise<MetricsServer> {
  const server: Server = createServer((req, res) => {
    if (req.url === '/healthz') {
      const h = health();
      res
        .writeHead(h.ok ? 200 : 503, { 'content-type': 'text/plain' })
        .end(h.ok ? 'ok\n' : `${h.failing.join('\n')}\n`);
    } else if (req.url === '/livez') {
      const ok = live();
      res
        .writeHead(ok ? 200 : 503, { 'content-type': 'text/plain' })
        .end(ok ? 'ok\n' : 'workflow watch not established\n');
    } else if (req.url === '/metrics') {
      const text = renderMetrics(metrics) + (options.extra?.() ?? '');
      res.writeHead(200, { 'content-type': 'text/plain; version=0.0.4' }).end(text);
    } else {
      res.writeHead(404).end();
    }
  });
  await new Promise<void>((resolve) => server.listen(options.port ?? 0, options.host ?? '127.0.0.1', resolve));
  const addr = server.address() as AddressInfo;
  return {
    url: `http://${addr.address}:${addr.port}`,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
