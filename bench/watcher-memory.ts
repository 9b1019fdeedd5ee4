/**
 * Watcher memory (issue 23): the watcher holds one signature and a small stub per object it watches
 * (src/watcher/informer.ts), a bounded send buffer (sender.ts) and the pod start holds
 * (start-hold.ts), so its memory grows with the running workflows and pods, not with history. This
 * bench puts `workflows` unfinished workflows in the main cluster and one running pod each, half in
 * `main` and half in `other`, on embedded API servers without kubelets, then starts a watcher on them
 * (a counting publisher, no queue) and measures the heap after GC and the RSS: before the watcher
 * (the API servers' objects and watch history already there), once it has listed and watched
 * everything, and after every pod changed twice (start change, then ending). The API servers run in the
 * same process; their watch history is capped (historySize), so the differences are the watcher's.
 * `npm run bench -- --only watchermem`; standalone `npx tsx bench/watcher-memory.ts [workflows]`.
 */
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { pathToFileURL } from 'node:url';
import { startLocalStack } from '../src/local/stack.ts';
import { startWatcher } from '../src/watcher/watcher.ts';
import { silentLogger } from '../src/logger.ts';
import type { Nudge } from '../src/nudge.ts';
import type { KubeClient } from '../src/ports/kube.ts';
import { createKubeClient } from '../src/adapters/kube/http-client.ts';
import { round } from './baseline.ts';

export interface WatcherMemoryFigures {
  workflows: number;
  podsPerCluster: Record<string, number>;
  /** Heap used after GC (MiB) before the watcher, once synced, after the pod changes. */
  heapMiB: { before: number; synced: number; afterChanges: number };
  rssMiB: { before: number; synced: number; afterChanges: number };
  /** The watcher's heap (after changes − before), per watched object (bytes). */
  watcherHeapMiB: number;
  bytesPerObject: number;
  nudgesPublished: number;
  syncMs: number;
}

const NS = 'argo';
const WF_PATH = `/apis/argoproj.io/v1alpha1/namespaces/${NS}/workflows`;

function gcNow(): () => void {
  setFlagsFromString('--expose-gc');
  return runInNewContext('gc') as () => void;
}

function usage(gc: () => void): { heap: number; rss: number } {
  gc();
  gc();
  const m = process.memoryUsage();
  return { heap: round(m.heapUsed / 2 ** 20, 1), rss: round(m.rss / 2 ** 20, 1) };
}

/** Runs `n` requests `width` at a time. */
async function inBatches(n: number, width: number, fn: (i: number) => Promise<unknown>): Promise<void> {
  for (let i = 0; i < n; i += width)
    await Promise.all(Array.from({ length: Math.min(width, n - i) }, (_, k) => fn(i + k)));
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

/** Sets every pod's phase (a status write per pod: one watch event each). */
async function setPhase(clients: Map<string, KubeClient>, perCluster: Record<string, number[]>, phase: string) {
  for (const [cluster, ids] of Object.entries(perCluster)) {
    const client = clients.get(cluster)!;
    await inBatches(ids.length, 64, async (k) => {
      const path = `/api/v1/namespaces/${NS}/pods/mem-${ids[k]}-main/status`;
      const p = await client.request<Record<string, unknown>>({ method: 'GET', path });
      await client.request({ method: 'PUT', path, body: { ...p, status: { phase } } });
    });
  }
}

export async function runWatcherMemoryBench(workflows = 10_000): Promise<WatcherMemoryFigures> {
  const gc = gcNow();
  const stack = await startLocalStack({
    runtime: 'sim',
    resyncIntervalMs: 0,
    watcher: false,
    clusterOptions: { kubelet: false },
  });
  try {
    await stack.control.pause();
    const other = stack.clusters.get('other');
    const otherAdmin = createKubeClient({
      cluster: 'other',
      server: other.url,
      tls: { caPem: other.caPem },
      auth: { kind: 'bearer', token: other.adminToken },
    });
    const kube = new Map<string, KubeClient>([
      ['main', stack.mainClient],
      ['other', otherAdmin],
    ]);
    const perCluster: Record<string, number[]> = { main: [], other: [] };
    for (let i = 0; i < workflows; i++) perCluster[i % 2 === 0 ? 'main' : 'other']!.push(i);
    await inBatches(workflows, 64, (i) =>
      stack.mainClient.request({ method: 'POST', path: WF_PATH, body: workflow(i) }),
    );
    for (const [cluster, ids] of Object.entries(perCluster))
      await inBatches(ids.length, 64, (k) =>
        kube
          .get(cluster)!
          .request({ method: 'POST', path: `/api/v1/namespaces/${NS}/pods`, body: pod(ids[k]!, cluster !== 'main') }),
      );
    // Fill the API servers' watch history to its cap, so what grows later is the watcher.
    await setPhase(kube, perCluster, 'Pending');
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
      await setPhase(kube, perCluster, 'Running');
      await setPhase(kube, perCluster, 'Succeeded');
      await new Promise((r) => setTimeout(r, 1500));
      await watcher.flush();
      const after = usage(gc);
      const watcherHeap = round(after.heap - before.heap, 1);
      return {
        workflows,
        podsPerCluster: { main: perCluster.main!.length, other: perCluster.other!.length },
        heapMiB: { before: before.heap, synced: synced.heap, afterChanges: after.heap },
        rssMiB: { before: before.rss, synced: synced.rss, afterChanges: after.rss },
        watcherHeapMiB: watcherHeap,
        bytesPerObject: round((watcherHeap * 2 ** 20) / (2 * workflows), 0),
        nudgesPublished: nudges,
        syncMs,
      };
    } finally {
      await watcher.stop();
      otherAdmin.close();
    }
  } finally {
    await stack.stop();
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const n = Number(process.argv[2] ?? 10_000);
  console.log(JSON.stringify(await runWatcherMemoryBench(n), null, 2));
}
