// API server bench: create / update / watch throughput of one embedded API server, over HTTPS with
// @kubernetes/client-node (the client the functions use), plus a full pod lifecycle through the sim
// kubelet. Run: `npx tsx bench/apiserver.ts [objects] [concurrency]`.
import { Agent, request } from 'node:https';
import { pathToFileURL } from 'node:url';
import { CoreV1Api, KubeConfig, Watch, type V1Pod } from '@kubernetes/client-node';
import { startLocalClusters, type LocalCluster } from '../src/local/clusters.ts';

/** Figures of one bench run (ops per second unless stated). */
export interface ApiServerBenchFigures {
  objects: number;
  concurrency: number;
  createPerSec: number;
  getPerSec: number;
  updatePerSec: number;
  /** Events delivered to one watch while objects were created. */
  watchEventsPerSec: number;
  /** Milliseconds to list all objects in one request. */
  listMs: number;
  deletePerSec: number;
  /** Pods created and run to Succeeded by the sim kubelet, per second. */
  podLifecyclesPerSec: number;
  /** Creates per second from a plain HTTPS client with keep-alive (client-node opens a connection per request). */
  keepAliveCreatePerSec: number;
  /** Requests the server counted during the run. */
  serverRequests: number;
}

async function timed(n: number, concurrency: number, op: (i: number) => Promise<unknown>): Promise<number> {
  let next = 0;
  const start = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < n) await op(next++);
    }),
  );
  return n / ((performance.now() - start) / 1000);
}

const round = (x: number) => Math.round(x);

function pod(name: string): V1Pod {
  return {
    metadata: { name, labels: { bench: 'pods' }, annotations: { 'sim.argosy.io/duration': '1ms' } },
    spec: { restartPolicy: 'Never', containers: [{ name: 'main', image: 'argoproj/argosay:v2' }] },
  };
}

/** Creates `n` configmaps with a keep-alive HTTPS agent: the server's own capacity. */
async function keepAliveCreates(c: LocalCluster, n: number, concurrency: number): Promise<number> {
  const agent = new Agent({ keepAlive: true, maxSockets: concurrency, ca: c.caPem });
  const post = (i: number) =>
    new Promise<void>((resolve, reject) => {
      const headers = { Authorization: `Bearer ${c.adminToken}`, 'Content-Type': 'application/json' };
      const req = request(
        new URL('/api/v1/namespaces/default/configmaps', c.url),
        { method: 'POST', agent, headers },
        (res) => {
          res.resume();
          res.on('end', () => (res.statusCode === 201 ? resolve() : reject(new Error(`HTTP ${res.statusCode}`))));
        },
      );
      req.on('error', reject);
      req.end(JSON.stringify({ metadata: { name: `ka-${i}` }, data: { i: String(i) } }));
    });
  try {
    return await timed(n, concurrency, post);
  } finally {
    agent.destroy();
  }
}

/** Runs the bench against a fresh single-cluster setup and returns its figures. */
export async function runApiServerBench(objects = 1000, concurrency = 16): Promise<ApiServerBenchFigures> {
  const lc = await startLocalClusters({ names: ['bench'], runtime: 'sim', crds: false, historySize: objects * 4 });
  try {
    const kc = new KubeConfig();
    kc.loadFromFile(lc.kubeconfigPath);
    kc.setCurrentContext('bench');
    const core = kc.makeApiClient(CoreV1Api);
    const namespace = 'default';
    const name = (i: number) => `cm-${i}`;

    let events = 0;
    let allSeen: () => void = () => {};
    const seen = new Promise<void>((r) => (allSeen = r));
    const list0 = await core.listNamespacedConfigMap({ namespace });
    const ctl = await new Watch(kc).watch(
      `/api/v1/namespaces/${namespace}/configmaps`,
      { resourceVersion: list0.metadata?.resourceVersion },
      () => {
        if (++events === objects) allSeen();
      },
      () => {},
    );
    const watchStart = performance.now();
    const createPerSec = await timed(objects, concurrency, (i) =>
      core.createNamespacedConfigMap({ namespace, body: { metadata: { name: name(i) }, data: { i: String(i) } } }),
    );
    await seen;
    const watchEventsPerSec = objects / ((performance.now() - watchStart) / 1000);
    ctl.abort();

    const getPerSec = await timed(objects, concurrency, (i) =>
      core.readNamespacedConfigMap({ name: name(i), namespace }),
    );
    const updatePerSec = await timed(objects, concurrency, async (i) => {
      const cm = await core.readNamespacedConfigMap({ name: name(i), namespace });
      return core.replaceNamespacedConfigMap({ name: name(i), namespace, body: { ...cm, data: { i: `${i}+` } } });
    });
    const listStart = performance.now();
    const list = await core.listNamespacedConfigMap({ namespace });
    const listMs = performance.now() - listStart;
    if (list.items.length < objects) throw new Error(`listed ${list.items.length} of ${objects}`);
    const deletePerSec = await timed(objects, concurrency, (i) =>
      core.deleteNamespacedConfigMap({ name: name(i), namespace }),
    );

    const pods = Math.min(objects, 1000);
    const podStart = performance.now();
    await timed(pods, concurrency, (i) => core.createNamespacedPod({ namespace, body: pod(`pod-${i}`) }));
    for (;;) {
      const done = await core.listNamespacedPod({ namespace, fieldSelector: 'status.phase=Succeeded' });
      if (done.items.length === pods) break;
      await new Promise((r) => setTimeout(r, 20));
    }
    const podLifecyclesPerSec = pods / ((performance.now() - podStart) / 1000);
    const keepAliveCreatePerSec = await keepAliveCreates(lc.get('bench'), objects, concurrency);
    return {
      objects,
      concurrency,
      createPerSec: round(createPerSec),
      getPerSec: round(getPerSec),
      updatePerSec: round(updatePerSec),
      watchEventsPerSec: round(watchEventsPerSec),
      listMs: round(listMs),
      deletePerSec: round(deletePerSec),
      podLifecyclesPerSec: round(podLifecyclesPerSec),
      keepAliveCreatePerSec: round(keepAliveCreatePerSec),
      serverRequests: lc.get('bench').stats().total,
    };
  } finally {
    await lc.stop();
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const [objects, concurrency] = process.argv.slice(2).map(Number);
  const figures = await runApiServerBench(objects || undefined, concurrency || undefined);
  console.log(JSON.stringify(figures, null, 2));
}
