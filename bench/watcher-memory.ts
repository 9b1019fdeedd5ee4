/**
 * Watcher memory (issue 23): the watcher holds one signature and a small stub per object it watches
 * (src/watcher/informer.ts), a bounded send buffer (sender.ts) and the pod start holds
 * (start-hold.ts), so its memory grows with the running workflows and pods, not with history. This
 * bench puts `workflows` unfinished workflows in the main cluster and one running pod each, half in
 * `main` and half in `other`, on embedded API servers without kubelets, then starts a watcher on them
 * (a counting publisher, no queue) and measures the heap after GC and the RSS: before the watcher
 * (the API servers' objects and their watch history already there), once it has listed and watched
 * everything, and after every pod changed twice (start change, then ending). The API servers run in
 * the same process; their watch history is capped small (HISTORY) and filled by the creates before
 * the first reading, so the differences are the watcher's.
 *
 * The objects are created over HTTPS like any client's, with `PARALLEL` requests in flight on
 * kept-alive connections and no client-side rate limit: session 6's version took ~10 minutes for
 * 2,000 workflows because the `other` cluster's client kept the default 20 requests/s token bucket.
 * The watcher LISTs and WATCHes over HTTPS as in production. Pod changes are one status merge-patch
 * each (what a kubelet sends). Target: WATCHER_BOUND.
 * `npm run bench -- --only watcher` (10,000 workflows; 1,000 with --quick);
 * standalone `npx tsx bench/watcher-memory.ts [workflows]`.
 */
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { pathToFileURL } from 'node:url';
import { startLocalStack, type LocalStack } from '../src/local/stack.ts';
import { startWatcher } from '../src/watcher/watcher.ts';
import { silentLogger } from '../src/logger.ts';
import type { Nudge } from '../src/nudge.ts';
import { createKubeClient, type HttpKubeClient } from '../src/adapters/kube/http-client.ts';
import { round } from './baseline.ts';

/**
 * The bound the row is judged against: the watcher's heap after GC stays under a fixed part (its
 * informers, agents, buffers) plus 1 KiB per watched object — 23.5 MiB for 10,000 running workflows
 * and their 10,000 pods. Session 6 measured ~340 B per object at 2,000 workflows; the bound leaves
 * room for the heap readings' noise (the API servers share the process), not for per-event growth.
 */
export const WATCHER_BOUND = { fixedMiB: 4, bytesPerObject: 1024 };

/** The bound for `objects` watched objects (MiB). */
export function watcherBoundMiB(objects: number): number {
  return Math.round((WATCHER_BOUND.fixedMiB + (objects * WATCHER_BOUND.bytesPerObject) / 2 ** 20) * 10) / 10;
}

export interface WatcherMemoryFigures {
  workflows: number;
  /** Objects the watcher watches: the workflows plus one pod each. */
  watchedObjects: number;
  podsPerCluster: Record<string, number>;
  /** Heap used after GC (MiB) before the watcher, once synced, after the pod changes. */
  heapMiB: { before: number; synced: number; afterChanges: number };
  rssMiB: { before: number; synced: number; afterChanges: number };
  /** The watcher's heap: the larger of (synced − before) and (after changes − before). */
  watcherHeapMiB: number;
  bytesPerObject: number;
  nudgesPublished: number;
  /** Creating the objects over HTTPS, the watcher's LIST + WATCH until synced, the pod changes (ms). */
  seedMs: number;
  syncMs: number;
  changesMs: number;
}

const NS = 'argo';
const WF_PATH = `/apis/argoproj.io/v1alpha1/namespaces/${NS}/workflows`;
const PARALLEL = 64;
/** Watch history kept per API server: small, so the creates fill it before the first reading. */
const HISTORY = 1000;

/** The V8 collector, callable (exposed at run time: the bench runs without --expose-gc). */
export function gcNow(): () => void {
  setFlagsFromString('--expose-gc');
  return runInNewContext('gc') as () => void;
}

function usage(gc: () => void): { heap: number; rss: number } {
  gc();
  gc();
  const m = process.memoryUsage();
  return { heap: round(m.heapUsed / 2 ** 20, 1), rss: round(m.rss / 2 ** 20, 1) };
}

/** Runs `fn(0..n-1)` with at most `width` calls in flight. */
async function pool(n: number, width: number, fn: (i: number) => Promise<unknown>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(width, n) }, async () => {
      while (next < n) await fn(next++);
    }),
  );
}

function pod(i: number, remote: boolean) {
  const labels: Record<string, string> = {
    'workflows.argoproj.io/workflow': `mem-${i}`,
    'workflows.argoproj.io/completed': 'false',
  };
  if (remote) labels['workflows.argoproj.io/workflow-cluster-name'] = 'main';
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      name: `mem-${i}-main`,
      namespace: NS,
      labels,
      annotations: { 'workflows.argoproj.io/node-id': `mem-${i}` },
    },
    spec: { containers: [{ name: 'main', image: 'argoproj/argosay:v2' }] },
  };
}

function workflow(i: number) {
  return {
    apiVersion: 'argoproj.io/v1alpha1',
    kind: 'Workflow',
    metadata: { name: `mem-${i}`, namespace: NS },
    spec: { entrypoint: 'main', templates: [{ name: 'main', container: { image: 'argoproj/argosay:v2' } }] },
    status: { phase: 'Running', startedAt: new Date().toISOString() },
  };
}

/** An admin client without a client-side rate limit (keep-alive agent, up to 64 sockets). */
function adminClient(stack: LocalStack, name: string): HttpKubeClient {
  const c = stack.clusters.get(name);
  return createKubeClient({
    cluster: name,
    server: c.url,
    tls: { caPem: c.caPem },
    auth: { kind: 'bearer', token: c.adminToken },
    qps: Infinity,
  });
}

type Clients = Map<string, HttpKubeClient>;

/** Sets every pod's phase: one status merge-patch per pod, one watch event each. */
async function setPhase(kube: Clients, perCluster: Record<string, number[]>, phase: string): Promise<void> {
  await Promise.all(
    Object.entries(perCluster).map(([cluster, ids]) =>
      pool(ids.length, PARALLEL / 2, (k) =>
        kube.get(cluster)!.request({
          method: 'PATCH',
          path: `/api/v1/namespaces/${NS}/pods/mem-${ids[k]}-main/status`,
          contentType: 'application/merge-patch+json',
          body: { status: { phase } },
        }),
      ),
    ),
  );
}

/** The workflows in main, then one pod each in its cluster (both clusters at once). */
async function seed(kube: Clients, workflows: number, perCluster: Record<string, number[]>): Promise<void> {
  const main = kube.get('main')!;
  await pool(workflows, PARALLEL, (i) => main.request({ method: 'POST', path: WF_PATH, body: workflow(i) }));
  await Promise.all(
    Object.entries(perCluster).map(([cluster, ids]) =>
      pool(ids.length, PARALLEL / 2, (k) =>
        kube.get(cluster)!.request({
          method: 'POST',
          path: `/api/v1/namespaces/${NS}/pods`,
          body: pod(ids[k]!, cluster !== 'main'),
        }),
      ),
    ),
  );
}

export async function runWatcherMemoryBench(workflows = 10_000): Promise<WatcherMemoryFigures> {
  const gc = gcNow();
  const stack = await startLocalStack({
    runtime: 'sim',
    resyncIntervalMs: 0,
    watcher: false,
    clusterOptions: { kubelet: false, historySize: HISTORY },
  });
  const kube: Clients = new Map(['main', 'other'].map((n) => [n, adminClient(stack, n)]));
  try {
    await stack.control.pause();
    const perCluster: Record<string, number[]> = { main: [], other: [] };
    for (let i = 0; i < workflows; i++) perCluster[i % 2 === 0 ? 'main' : 'other']!.push(i);
    const t0 = performance.now();
    await seed(kube, workflows, perCluster);
    const seedMs = round(performance.now() - t0, 0);
    return await measure(gc, stack, kube, { workflows, perCluster, seedMs });
  } finally {
    for (const c of kube.values()) c.close();
    await stack.stop();
  }
}

/** Starts the watcher on the seeded clusters and takes the three readings. */
async function measure(
  gc: () => void,
  stack: LocalStack,
  kube: Clients,
  run: { workflows: number; perCluster: Record<string, number[]>; seedMs: number },
): Promise<WatcherMemoryFigures> {
  const before = usage(gc);
  let nudges = 0;
  const t0 = performance.now();
  const watcher = await startWatcher({
    registry: stack.watcherRegistry,
    publisher: {
      publish: async (n: Nudge[]) => void (nudges += n.length),
      publishAfter: async () => undefined,
    },
    logger: silentLogger,
    http: false,
    targetsPollMs: 60_000,
    podStartHoldMs: 1000,
  });
  try {
    while (!(watcher.ready() && watcher.health().ok)) await new Promise((r) => setTimeout(r, 50));
    await watcher.flush();
    const syncMs = round(performance.now() - t0, 0);
    const synced = usage(gc);
    const t1 = performance.now();
    await setPhase(kube, run.perCluster, 'Running');
    await setPhase(kube, run.perCluster, 'Succeeded');
    const changesMs = round(performance.now() - t1, 0);
    await new Promise((r) => setTimeout(r, 1500));
    await watcher.flush();
    const after = usage(gc);
    const watcherHeap = round(Math.max(synced.heap, after.heap) - before.heap, 1);
    const watched = 2 * run.workflows;
    return {
      workflows: run.workflows,
      watchedObjects: watched,
      podsPerCluster: { main: run.perCluster.main!.length, other: run.perCluster.other!.length },
      heapMiB: { before: before.heap, synced: synced.heap, afterChanges: after.heap },
      rssMiB: { before: before.rss, synced: synced.rss, afterChanges: after.rss },
      watcherHeapMiB: watcherHeap,
      bytesPerObject: round((watcherHeap * 2 ** 20) / watched, 0),
      nudgesPublished: nudges,
      seedMs: run.seedMs,
      syncMs,
      changesMs,
    };
  } finally {
    await watcher.stop();
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const n = Number(process.argv[2] ?? 10_000);
  console.log(JSON.stringify(await runWatcherMemoryBench(n), null, 2));
  process.exit(0);
}
