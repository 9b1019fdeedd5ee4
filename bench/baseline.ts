/**
 * Pure statistics for the benchmarks (median, percentiles, summaries) and the two machine baselines
 * every timing is printed next to: a fixed CPU loop and a loopback HTTPS round trip. These machines
 * are shared and noisy, so a figure means little without what the same machine did in the same run.
 */
import { createServer, request, Agent } from 'node:https';
import type { AddressInfo } from 'node:net';
import { createServingCert } from '../src/local/apiserver/tls.ts';

/** Median, percentiles, min and max of a sample (ms unless stated). */
export interface Summary {
  n: number;
  median: number;
  p99: number;
  min: number;
  max: number;
}

/**
 * Nearest-rank percentile (`q` in 0..100) of an unsorted sample; undefined for an empty one.
 * Nearest-rank rather than interpolation: every figure printed is a value that was really measured.
 */
export function percentile(xs: readonly number[], q: number): number | undefined {
  if (xs.length === 0) return undefined;
  const s = [...xs].sort((a, b) => a - b);
  const rank = Math.ceil((Math.min(100, Math.max(0, q)) / 100) * s.length);
  return s[Math.max(0, rank - 1)];
}

/** The median (nearest-rank p50). */
export function median(xs: readonly number[]): number {
  return percentile(xs, 50) ?? Number.NaN;
}

/** Rounds to `digits` decimals (figures in tables and JSON). */
export function round(x: number, digits = 1): number {
  const f = 10 ** digits;
  return Math.round(x * f) / f;
}

/** Summarises a sample; NaN figures for an empty one. */
export function summarize(xs: readonly number[], digits = 1): Summary {
  if (xs.length === 0) return { n: 0, median: NaN, p99: NaN, min: NaN, max: NaN };
  return {
    n: xs.length,
    median: round(median(xs), digits),
    p99: round(percentile(xs, 99) as number, digits),
    min: round(Math.min(...xs), digits),
    max: round(Math.max(...xs), digits),
  };
}

/** A fixed amount of CPU work (integer mixing); returns a value so it is not optimised away. */
export function cpuLoop(iterations = 5_000_000): number {
  let h = 2166136261;
  for (let i = 0; i < iterations; i++) h = Math.imul(h ^ i, 16777619) >>> 0;
  return h;
}

/** Times the fixed CPU loop `runs` times (ms). */
export function cpuBaseline(runs = 11): Summary {
  cpuLoop(); // warm up the JIT
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t = performance.now();
    cpuLoop();
    times.push(performance.now() - t);
  }
  return summarize(times, 2);
}

/**
 * Times `runs` HTTPS round trips to a loopback server on a kept-alive connection (ms): the floor
 * under every API server and queue call the pipeline makes.
 */
export async function httpsBaseline(runs = 200): Promise<Summary> {
  const cert = await createServingCert('bench', '127.0.0.1');
  const server = createServer({ key: cert.key, cert: cert.cert }, (_req, res) => {
    res.writeHead(200, { 'Content-Type': 'application/json' });
    res.end('{"ok":true}');
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as AddressInfo).port;
  const agent = new Agent({ keepAlive: true, maxSockets: 1, ca: cert.caPem });
  const once = () =>
    new Promise<void>((resolve, reject) => {
      const req = request({ host: '127.0.0.1', port, path: '/', agent }, (res) => {
        res.resume();
        res.on('end', resolve);
      });
      req.on('error', reject);
      req.end();
    });
  try {
    for (let i = 0; i < 20; i++) await once();
    const times: number[] = [];
    for (let i = 0; i < runs; i++) {
      const t = performance.now();
      await once();
      times.push(performance.now() - t);
    }
    return summarize(times, 3);
  } finally {
    agent.destroy();
    server.closeAllConnections();
    await new Promise<void>((r) => server.close(() => r()));
  }
}

/** Both baselines, measured now. */
export async function measureBaselines(): Promise<{ cpuLoopMs: Summary; httpsRoundTripMs: Summary }> {
  return { cpuLoopMs: cpuBaseline(), httpsRoundTripMs: await httpsBaseline() };
}
