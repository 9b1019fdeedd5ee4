/**
 * Local mode's clusters: one embedded API server per cluster name, each on its own loopback
 * address (127.0.0.1, 127.0.0.2, ...) with its own CA and serving certificate, bearer tokens, the
 * Argo CRDs, a Node, and a kubelet that runs (or simulates) the pods. Writes a kubeconfig with one
 * context per cluster so `kubectl --context <name>` and client libraries reach them unchanged.
 *
 * @example
 * ```ts
 * const local = await startLocalClusters({ names: ['main', 'other'] });
 * // kubectl --kubeconfig <local.kubeconfigPath> --context other get pods -A
 * await local.stop();
 * ```
 */
import { readFileSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { parseAllDocuments, stringify } from 'yaml';
import { silentLogger, type Logger } from '../logger.ts';
import { writePrivateFile } from './apiserver/state-file.ts';
import type { KubeObject } from './apiserver/resources.ts';
import type { RbacRule, Identity } from './apiserver/rbac.ts';
import { ApiServer } from './apiserver/server.ts';
import type { ApiStats } from './apiserver/stats.ts';
import { createServingCert } from './apiserver/tls.ts';
import { defFromCrd } from './apiserver/crds.ts';
import { loadIdentity, loadObjects, persistOnChange, saveIdentity, saveObjects } from './apiserver/persistence.ts';
import { Kubelet, type KubeletOptions, type SimDefaults } from './kubelet/kubelet.ts';
import { createNode } from './kubelet/node.ts';
import { onProcessExit } from './kubelet/exit-hooks.ts';
import { assetDir } from './assets.ts';
import { createTempRoot, LEDGER_SUFFIX, sweepDeadTempRoots } from './temp-root.ts';

export type { RbacRule, Identity, ApiStats, SimDefaults };

export interface LocalClusterOptions {
  names: string[];
  /** Persist objects here (one JSON file per cluster) and load them on the next start. */
  dataDir?: string;
  /** `process` (default) runs containers as local processes; `sim` only simulates them. */
  runtime?: 'process' | 'sim';
  /** Default: a file in a fresh temp directory. */
  kubeconfigPath?: string;
  logger?: Logger;
  /** Install Argo's CRDs (infra/crds) in every cluster. Default true. */
  crds?: boolean;
  /** Extra namespaces to create at startup (besides default, kube-system, kube-public, kube-node-lease). */
  namespaces?: string[];
  /** Create namespaces on first use instead of answering 404 like a real server. Default false. */
  autoCreateNamespaces?: boolean;
  /** Watch history kept per cluster; older resourceVersions get 410 Gone. Default 10000. */
  historySize?: number;
  /** BOOKMARK interval for watches that allow them. Default 60 s (tests use less). */
  bookmarkIntervalMs?: number;
  /** Duration and exit code of simulated pods without annotations (sim runtime). */
  simDefaults?: SimDefaults;
  /** How long a pod waits on an image the host cannot stand in before it fails (kubelet default otherwise). */
  unpullableGiveUpMs?: number;
  /** Per-cluster overrides of `runtime` and `simDefaults`, by cluster name. */
  perCluster?: Record<string, { runtime?: 'process' | 'sim'; simDefaults?: SimDefaults }>;
  /** Run a kubelet per cluster (default true). */
  kubelet?: boolean;
  /** Where pods' workspaces go (process runtime). Default: under the temp directory. */
  workDir?: string;
}

export interface LocalCluster {
  name: string;
  /** `https://127.0.0.N:PORT` */
  url: string;
  caPem: string;
  adminToken: string;
  /** A bearer token allowed exactly what `rules` allow. */
  createIdentity(name: string, rules: RbacRule[]): Identity;
  revokeIdentity(name: string): void;
  /** Stops the HTTPS server; state stays in memory. */
  stop(): Promise<void>;
  /** Restarts on the same address and port with the same certificate and state. */
  start(): Promise<void>;
  stats(): ApiStats;
  resetStats(): void;
  /** The underlying server (in-process access for tests and the kubelet). */
  server: ApiServer;
  kubelet: Kubelet | undefined;
  /** Cancels the background snapshots of dataDir (stop() of the set calls it). */
  stopPersisting(): void;
}

export interface LocalClusters {
  clusters: Map<string, LocalCluster>;
  /** One context per cluster, named as the cluster, admin user. */
  kubeconfigPath: string;
  get(name: string): LocalCluster;
  stop(): Promise<void>;
}

/** Directory of Argo's CRD manifests shipped with the repository. */
export const CRD_DIR = assetDir(import.meta.url, '../../infra/crds', 'crds');

/** Reads every CRD in {@link CRD_DIR}. */
export function loadArgoCrds(dir = CRD_DIR): KubeObject[] {
  return readdirSync(dir)
    .filter((f) => f.endsWith('.yaml'))
    .sort()
    .flatMap((f) => parseAllDocuments(readFileSync(join(dir, f), 'utf8')).map((d) => d.toJS() as KubeObject))
    .filter((o) => o && o.kind === 'CustomResourceDefinition');
}

/** The kubelet settings a caller may tune: sim defaults (per cluster) and the unpullable-image give-up. */
function kubeletTuning(
  opts: LocalClusterOptions,
  name: string,
): Pick<KubeletOptions, 'simDefaults' | 'unpullableGiveUpMs'> {
  const simDefaults = opts.perCluster?.[name]?.simDefaults ?? opts.simDefaults;
  return {
    ...(simDefaults ? { simDefaults } : {}),
    ...(opts.unpullableGiveUpMs !== undefined ? { unpullableGiveUpMs: opts.unpullableGiveUpMs } : {}),
  };
}

/** Installs Argo's CRDs in a cluster (idempotent). */
export function installArgoCrds(cluster: LocalCluster | ApiServer): void {
  const server = cluster instanceof ApiServer ? cluster : cluster.server;
  const def = server.state.registry.byKey('apiextensions.k8s.io/customresourcedefinitions')!;
  for (const crd of loadArgoCrds()) {
    if (!server.state.find(def, '', crd.metadata.name)) server.state.create(def, '', crd);
  }
}

const BASE_NAMESPACES = ['default', 'kube-system', 'kube-public', 'kube-node-lease'];

/** The cluster's node: a kubelet running (or simulating) the pods bound to `<name>-node`. */
function startKubelet(
  server: ApiServer,
  opts: LocalClusterOptions,
  name: string,
  where: { workDir: string; tempRoot: string; host: string; caPem: string },
): Kubelet {
  const { workDir, tempRoot, host, caPem } = where;
  const kubelet = new Kubelet({
    state: server.state,
    logs: server.logs,
    nodeName: `${name}-node`,
    nodeIp: host,
    runtime: opts.perCluster?.[name]?.runtime ?? opts.runtime ?? 'process',
    logger: (opts.logger ?? silentLogger).child({ cluster: name, component: 'kubelet' }),
    workDir,
    apiUrl: server.url,
    caPem,
    tokenFor: (ns, sa) => server.auth.tokenOf(`system:serviceaccount:${ns}:${sa}`),
    // Beside the persisted pods when there are any (a restart marks them NodeRestart), else in the
    // temporary folder, which a later start sweeps once this process is gone.
    processLedger: join(opts.dataDir ?? tempRoot, `${name}${LEDGER_SUFFIX}`),
    ...kubeletTuning(opts, name),
  });
  kubelet.start();
  return kubelet;
}

async function startOne(
  name: string,
  index: number,
  opts: LocalClusterOptions,
  workRoot: string,
  tempRoot: string,
): Promise<LocalCluster> {
  // 127.0.0.1, 127.0.0.2, ... (all of 127/8 is loopback on Linux), past .254 into 127.0.1.x.
  const host = `127.0.${Math.floor(index / 254)}.${(index % 254) + 1}`;
  const logger = (opts.logger ?? silentLogger).child({ cluster: name });
  const saved = opts.dataDir ? loadIdentity(opts.dataDir, name, host, logger) : undefined;
  const cert = saved?.cert ?? (await createServingCert(name, host));
  const server = new ApiServer({
    host,
    cert,
    logger,
    ...(saved ? { port: saved.port, adminToken: saved.adminToken } : {}),
    ...(opts.historySize !== undefined ? { historySize: opts.historySize } : {}),
    ...(opts.autoCreateNamespaces !== undefined ? { autoCreateNamespaces: opts.autoCreateNamespaces } : {}),
    ...(opts.bookmarkIntervalMs !== undefined ? { bookmarkIntervalMs: opts.bookmarkIntervalMs } : {}),
  });
  for (const id of saved?.identities ?? []) server.auth.restoreIdentity(id.name, id.token, id.rules);
  prepareState(server, opts, name, logger);
  const dataDir = opts.dataDir;
  const stopPersisting = dataDir ? persistOnChange(server, dataDir, name) : () => {};
  await server.start();
  const saveId = () => dataDir && saveIdentity(dataDir, name, server, host, cert);
  saveId();
  createNode(server.state, `${name}-node`, host);
  const kubelet =
    opts.kubelet === false
      ? undefined
      : startKubelet(server, opts, name, { workDir: join(workRoot, name), tempRoot, host, caPem: cert.caPem });
  return clusterHandle(name, server, cert.caPem, { saveId, stopPersisting, kubelet });
}

/** The objects a cluster starts with: the persisted ones (with their CRDs' types), the namespaces, Argo's CRDs. */
function prepareState(server: ApiServer, opts: LocalClusterOptions, name: string, logger: Logger): void {
  const state = server.state;
  const snapshot = opts.dataDir ? loadObjects(opts.dataDir, name, logger) : undefined;
  if (snapshot) {
    state.store.load(snapshot);
    for (const crd of state.store.list('apiextensions.k8s.io/customresourcedefinitions')) {
      state.registry.add(defFromCrd(crd));
    }
  }
  const nsDef = state.registry.byKey('/namespaces')!;
  for (const ns of [...BASE_NAMESPACES, ...(opts.namespaces ?? [])]) {
    if (!state.find(nsDef, '', ns)) state.create(nsDef, '', { metadata: { name: ns } });
  }
  if (opts.crds !== false) installArgoCrds(server);
}

/** What callers hold of a started cluster; identity changes are saved with `saveId` (when persisting). */
function clusterHandle(
  name: string,
  server: ApiServer,
  caPem: string,
  parts: { saveId: () => void; stopPersisting: () => void; kubelet: Kubelet | undefined },
): LocalCluster {
  const { saveId, stopPersisting, kubelet } = parts;
  return {
    name,
    get url() {
      return server.url;
    },
    caPem,
    adminToken: server.auth.adminToken,
    createIdentity: (n, rules) => {
      const id = server.auth.createIdentity(n, rules);
      saveId();
      return id;
    },
    revokeIdentity: (n) => {
      server.auth.revokeIdentity(n);
      saveId();
    },
    stop: () => server.stop(),
    start: () => server.start(),
    stopPersisting,
    stats: () => server.stats.snapshot(),
    resetStats: () => server.stats.reset(),
    server,
    kubelet,
  };
}

/** Renders a kubeconfig with one context (and admin user) per cluster. */
export function renderKubeconfig(clusters: LocalCluster[]): string {
  return stringify({
    apiVersion: 'v1',
    kind: 'Config',
    'current-context': clusters[0]?.name ?? '',
    clusters: clusters.map((c) => ({
      name: c.name,
      cluster: { server: c.url, 'certificate-authority-data': Buffer.from(c.caPem).toString('base64') },
    })),
    users: clusters.map((c) => ({ name: `${c.name}-admin`, user: { token: c.adminToken } })),
    contexts: clusters.map((c) => ({ name: c.name, context: { cluster: c.name, user: `${c.name}-admin` } })),
    preferences: {},
  });
}

/** Starts one embedded cluster per name. Stop them with {@link LocalClusters.stop}. */
export async function startLocalClusters(opts: LocalClusterOptions): Promise<LocalClusters> {
  if (new Set(opts.names).size !== opts.names.length || opts.names.length === 0) {
    throw new Error(`cluster names must be unique and non-empty: ${opts.names.join(', ')}`);
  }
  // Names become node names (`<name>-node`), kubeconfig contexts and file names.
  const bad = opts.names.filter((n) => !/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/.test(n) || n.length > 58);
  if (bad.length) throw new Error(`cluster names must be DNS-1123 labels of at most 58 characters: ${bad.join(', ')}`);
  sweepDeadTempRoots(opts.logger ?? silentLogger);
  const tempRoot = createTempRoot();
  const workRoot = opts.workDir ?? join(tempRoot, 'pods');
  const list: LocalCluster[] = [];
  try {
    for (const [i, name] of opts.names.entries()) list.push(await startOne(name, i, opts, workRoot, tempRoot));
  } catch (e) {
    await Promise.all(list.map(async (c) => (await c.kubelet?.stop(), c.stop())));
    rmSync(tempRoot, { recursive: true, force: true });
    throw e;
  }
  const kubeconfigPath = opts.kubeconfigPath ?? join(tempRoot, 'kubeconfig');
  // Admin credentials: 0600, its folder 0700 when we create it (a folder the user named is left alone).
  writePrivateFile(kubeconfigPath, renderKubeconfig(list), { keepLastGood: false, privateDir: false });
  const clusters = new Map(list.map((c) => [c.name, c]));
  let stopped = false;
  // If the process exits without stop(), at least remove the temp directory (kubeconfig, pod dirs).
  const removeTemp = () => rmSync(tempRoot, { recursive: true, force: true });
  const cancelExitHook = onProcessExit(removeTemp);
  return {
    clusters,
    kubeconfigPath,
    get(name: string): LocalCluster {
      const c = clusters.get(name);
      if (!c) throw new Error(`no local cluster named "${name}" (have: ${[...clusters.keys()].join(', ')})`);
      return c;
    },
    async stop(): Promise<void> {
      if (stopped) return;
      stopped = true;
      await Promise.all(list.map((c) => c.kubelet?.stop()));
      await Promise.all(list.map((c) => c.stop()));
      for (const c of list) c.stopPersisting();
      if (opts.dataDir) for (const c of list) saveObjects(opts.dataDir, c.name, c.server);
      cancelExitHook();
      removeTemp();
    },
  };
}
