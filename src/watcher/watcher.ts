/**
 * The watcher: the only long-running piece, and it decides nothing. It watches Workflows in the main
 * cluster and workflow pods in the main cluster and in every configured cluster/namespace, drops
 * insignificant changes (filter.ts), and hands nudges to a coalescing sender (sender.ts). The set of
 * pod watches follows the rest-config entries: targets are re-read every `targetsPollMs`, new ones
 * start, removed ones stop, and a rotated entry (a new client) restarts its watch.
 */
import type { Logger } from '../logger.ts';
import type { Nudge } from '../nudge.ts';
import type { NudgePublisher } from '../ports/event-source.ts';
import type { ClusterRegistry, KubeClient } from '../ports/kube.ts';
import { podsPath, workflowsPath } from '../adapters/kube/resources.ts';
import {
  instanceRequirement,
  LABEL_COMPLETED,
  LABEL_WORKFLOW,
  LABEL_WORKFLOW_NAMESPACE,
  podWatchSelector,
} from '../engine/labels.ts';
import { metaOf, podSignature, significantChange, workflowSignature } from './filter.ts';
import { startInformer, type Informer } from './informer.ts';
import { newMetrics, startMetricsServer, type MetricsServer, type WatcherMetrics } from './metrics.ts';
import { startNudgeSender, type NudgeSender } from './sender.ts';
import { createHealthTracker, type HealthReport } from './health.ts';
import { servesTaskResults, taskResultsPath } from '../runtime/task-results.ts';
import { ANNOTATION_NODE_ID, LABEL_REPORT_OUTPUTS_COMPLETED, taskResultWatchSelector } from '../engine/labels.ts';
import { servesTaskSets, taskSetsPath } from '../runtime/task-sets.ts';
import type { NodeStatusStore } from '../ports/node-status.ts';
import { offloadedSuspends } from './offloaded.ts';
import { startHold, type StartHold } from './start-hold.ts';

/** A task set's signature: the results its agent reported (node ID and phase), sorted. */
export function taskSetSignature(o: Record<string, unknown>): string {
  const nodes = ((o.status as { nodes?: Record<string, { phase?: string }> } | undefined)?.nodes ?? {}) as Record<
    string,
    { phase?: string } | null
  >;
  return Object.entries(nodes)
    .map(([id, r]) => `${id}:${r?.phase ?? ''}`)
    .sort()
    .join(',');
}

/** Only a new result is worth a reconcile (the reconcile's own writes add tasks or remove results). */
function newResult(sig: string, prev: string | undefined): boolean {
  const before = new Set((prev ?? '').split(','));
  return sig.split(',').some((r) => r !== '' && !before.has(r));
}

/** A task result's signature: the outputs-reported label and the size of what it reports. */
export function taskResultSignature(o: Record<string, unknown>): string {
  const done = metaOf(o).labels?.[LABEL_REPORT_OUTPUTS_COMPLETED] ?? '';
  return `${done}|${JSON.stringify(o.outputs ?? {}).length}`;
}

export interface WatcherOptions {
  registry: ClusterRegistry;
  publisher: NudgePublisher;
  logger: Logger;
  instanceId?: string;
  managedNamespace?: string;
  /** How often rest-config targets are re-read (ms). */
  targetsPollMs?: number;
  /** Serve /healthz and /metrics on this address; `false` = no server. */
  http?: { host?: string; port?: number } | false;
  flushMs?: number;
  backoffMs?: { initial: number; max: number };
  /** Most workflows waiting in the send buffer (memory bound; overflow is left to the resync). */
  maxPending?: number;
  /** How long a pod watch may be down before /healthz fails (ms, default 60 s). */
  healthGraceMs?: number;
  /** More Prometheus text for /metrics: workflows' custom metrics when the functions share the process. */
  extraMetrics?: () => string;
  /** The node status store: resumes of workflows with offloaded nodes are seen at once (offloaded.ts). */
  nodeStatus?: NodeStatusStore;
  /** How long a pod's start changes wait for it to end (ms, start-hold.ts; 0 = not held). */
  podStartHoldMs?: number;
}

export interface Watcher {
  metrics: WatcherMetrics;
  /** URL of the metrics server, when enabled. */
  url?: string;
  /** Keys (`cluster/namespace`) of the pod watches running now. */
  podWatches(): string[];
  /** Re-reads targets now (tests; otherwise on the poll interval). */
  syncTargets(): Promise<void>;
  /** True once the workflow watch is established. */
  ready(): boolean;
  /** What /healthz reports: every watch, pod watches in every cluster included. */
  health(): HealthReport;
  flush(): Promise<void>;
  stop(): Promise<void>;
}

/** The workflow a pod belongs to: its labels, else its own namespace. */
export function workflowOfPod(pod: Record<string, unknown>): { namespace: string; workflow: string } | undefined {
  const m = metaOf(pod);
  const workflow = m.labels?.[LABEL_WORKFLOW];
  const namespace = m.labels?.[LABEL_WORKFLOW_NAMESPACE] ?? m.namespace;
  return workflow && namespace ? { namespace, workflow } : undefined;
}

type PodWatches = Map<string, { client: KubeClient; informer: Informer; results?: Informer; taskSets?: Informer }>;

/** What the pod, task-result and task-set watches share with the watcher. */
interface WatchContext {
  common: Omit<Parameters<typeof startInformer>[0], 'client' | 'path' | 'labelSelector' | 'signature' | 'onEvent'>;
  instanceId: string;
  logger: Logger;
  pods: PodWatches;
  nudge: (n: Nudge | undefined, reason: string | undefined) => void;
  /** Pod start changes wait a moment (start-hold.ts). */
  hold: StartHold;
  /** The main cluster's name. */
  main: string;
  /** Task results carry only the workflow label; the workflow's namespace comes from their pod (same node ID). */
  nodeOwners: Map<string, { namespace: string; workflow: string }>;
}

/**
 * Watches a place's task sets once the place is known to serve them: HTTP nodes' results come from
 * the place's agent, in its task set (docs/adr/0015-http-templates.md).
 */
function startTaskSetWatch(w: WatchContext, key: string, cluster: string, client: KubeClient, namespace: string) {
  servesTaskSets(client, namespace)
    .then((served) => {
      const entry = w.pods.get(key);
      if (!served || !entry || entry.client !== client || entry.taskSets) return;
      entry.taskSets = startInformer({
        ...w.common,
        client,
        path: taskSetsPath(namespace),
        labelSelector: taskResultWatchSelector(w.instanceId),
        signature: taskSetSignature,
        onEvent: (type, ts, sig, prev) => {
          const ref = workflowOfPod(ts);
          const reason = type !== 'DELETED' && newResult(sig, prev) ? 'task set result' : undefined;
          w.nudge(ref ? { v: 1, ...ref, source: 'pod', object: objectRef(cluster, ts) } : undefined, reason);
        },
      });
    })
    .catch((error: unknown) => w.logger.warn('could not discover workflowtasksets', { key, error }));
}

/** The workflow watch in the main cluster. */
function startWorkflowWatch(
  common: WatchContext['common'],
  options: WatcherOptions,
  nudge: WatchContext['nudge'],
): Informer {
  const main = options.registry.mainCluster;
  const ref = (wf: Record<string, unknown>): Nudge | undefined => {
    const m = metaOf(wf);
    return m.name && m.namespace
      ? { v: 1, namespace: m.namespace, workflow: m.name, source: 'workflow', object: objectRef(main, wf) }
      : undefined;
  };
  const offloaded = options.nodeStatus
    ? offloadedSuspends(
        options.nodeStatus,
        (wf) => nudge(ref(wf as unknown as Record<string, unknown>), 'suspend resolved (offloaded nodes)'),
        options.logger,
      )
    : undefined;
  return startInformer({
    ...common,
    client: options.registry.mainClient(),
    path: workflowsPath(options.managedNamespace ?? ''),
    labelSelector: instanceRequirement(options.instanceId ?? ''),
    signature: workflowSignature,
    onEvent: (type, wf, sig, prev) => {
      nudge(ref(wf), significantChange('workflow', type, sig, prev));
      offloaded?.seen(type, wf);
    },
  });
}

/** Watches a place's task results once the place is known to serve them (Argo's executor writes them). */
function startResultWatch(w: WatchContext, key: string, cluster: string, namespace: string, client: KubeClient) {
  servesTaskResults(client, namespace)
    .then((served) => {
      const entry = w.pods.get(key);
      if (!served || !entry || entry.client !== client || entry.results) return;
      entry.results = startInformer({
        ...w.common,
        client,
        path: taskResultsPath(namespace),
        labelSelector: taskResultWatchSelector(w.instanceId),
        signature: taskResultSignature,
        onEvent: (type, r, sig, prev) => {
          const m = metaOf(r);
          const owner = w.nodeOwners.get(`${cluster}/${m.namespace}/${m.name}`);
          const workflow = m.labels?.[LABEL_WORKFLOW];
          const ref = owner ?? (workflow && m.namespace ? { namespace: m.namespace, workflow } : undefined);
          const reason = type === 'DELETED' ? undefined : sig === prev ? undefined : 'task result changed';
          w.nudge(ref ? { v: 1, ...ref, source: 'pod', object: objectRef(cluster, r) } : undefined, reason);
        },
      });
    })
    .catch((error: unknown) => w.logger.warn('could not discover workflowtaskresults', { key, error }));
}

/** Watches a place's pods, and its task results and task sets next to them. */
function startPodWatch(w: WatchContext, key: string, cluster: string, namespace: string, client: KubeClient) {
  const informer = startInformer({
    ...w.common,
    client,
    path: podsPath(namespace),
    labelSelector: podWatchSelector(cluster, w.main, w.instanceId),
    signature: podSignature,
    onEvent: (type, pod, sig, prev) => {
      const ref = workflowOfPod(pod);
      const m = metaOf(pod);
      const nodeId = m.annotations?.[ANNOTATION_NODE_ID];
      if (ref && nodeId) {
        const k = `${cluster}/${m.namespace}/${nodeId}`;
        if (type === 'DELETED') w.nodeOwners.delete(k);
        else w.nodeOwners.set(k, ref);
      }
      // A pod we labelled completed leaves the selector: the API server reports that as DELETED.
      const labelledDone = type === 'DELETED' && metaOf(pod).labels?.[LABEL_COMPLETED] === 'true';
      const reason = labelledDone ? undefined : significantChange('pod', type, sig, prev);
      const n: Nudge | undefined = ref ? { v: 1, ...ref, source: 'pod', object: objectRef(cluster, pod) } : undefined;
      w.hold.pod(type, pod, n, reason);
    },
  });
  w.pods.set(key, { client, informer });
  startResultWatch(w, key, cluster, namespace, client);
  startTaskSetWatch(w, key, cluster, client, namespace);
}

/** Starts, restarts and stops pod watches so they follow the rest-config entries. */
async function syncPodWatches(
  w: WatchContext,
  registry: WatcherOptions['registry'],
  managedNamespace: string,
  metrics: WatcherMetrics,
): Promise<void> {
  const { logger, pods } = w;
  const wanted = await desiredPodWatches(registry, managedNamespace, (key, error) =>
    logger.warn('skipping rest-config target', { key, error }),
  );
  for (const [key, want] of wanted) {
    const existing = pods.get(key);
    if (existing && existing.client === want.client) continue;
    if (existing) {
      logger.info('rest-config entry changed; restarting pod watch', { key });
      await Promise.all([existing.informer.stop(), existing.results?.stop(), existing.taskSets?.stop()]);
    } else logger.info('starting pod watch', { key });
    startPodWatch(w, key, want.cluster, want.namespace, want.client);
  }
  for (const [key, existing] of pods) {
    if (wanted.has(key)) continue;
    logger.info('rest-config entry removed; stopping pod watch', { key });
    await Promise.all([existing.informer.stop(), existing.results?.stop(), existing.taskSets?.stop()]);
    pods.delete(key);
  }
  metrics.watches = pods.size + 1;
}

/** Starts the watcher. */
/** Where /metrics is served, and what it adds to the watcher's own metrics. */
function serverOptions(options: WatcherOptions) {
  return { ...(options.http || {}), extra: options.extraMetrics };
}

export async function startWatcher(options: WatcherOptions): Promise<Watcher> {
  const { registry, logger } = options;
  const main = registry.mainCluster;
  const instanceId = options.instanceId ?? '';
  // A CRD that prunes templates' clusterName/namespace would run every step in the main cluster.
  const metrics = newMetrics();
  const { sender, nudge } = startSending(options, metrics);
  const common = {
    logger,
    backoffMs: options.backoffMs,
    onRestart: () => metrics.watchRestarts++,
    onRelist: () => metrics.relists++,
  };
  const wfInformer = startWorkflowWatch(common, options, nudge);
  const pods: PodWatches = new Map();
  const hold = startHold(nudge, options.podStartHoldMs ?? 0);
  const w: WatchContext = { common, instanceId, logger, pods, nudge, hold, main, nodeOwners: new Map() };
  const syncTargets = () => syncPodWatches(w, registry, options.managedNamespace ?? '', metrics);

  await syncTargets().catch((error: unknown) => logger.error('could not read rest-config targets', { error }));
  const poll = setInterval(() => {
    syncTargets().catch((error: unknown) => logger.warn('could not re-read rest-config targets', { error }));
  }, options.targetsPollMs ?? 30_000);
  poll.unref();

  const tracker = createHealthTracker(options.healthGraceMs ?? 60_000);
  const health = () => tracker(wfInformer, new Map([...pods].map(([k, p]) => [k, p.informer])));
  let server: MetricsServer | undefined;
  if (options.http !== false) {
    server = await startMetricsServer(metrics, health, () => wfInformer.synced, serverOptions(options));
  }

  return {
    metrics,
    url: server?.url,
    podWatches: () => [...pods.keys()].sort(),
    syncTargets,
    ready: () => wfInformer.synced,
    health,
    flush: () => sender.flush(),
    async stop() {
      clearInterval(poll);
      await Promise.all([
        wfInformer.stop(),
        ...[...pods.values()].flatMap((p) => [p.informer.stop(), p.results?.stop(), p.taskSets?.stop()]),
      ]);
      hold.flush();
      await sender.flush().catch(() => undefined);
      await sender.stop();
      await server?.close();
    },
  };
}

/** The sender, and the function every watch reports to: counts each event, sends the significant ones. */
function startSending(options: WatcherOptions, metrics: WatcherMetrics) {
  const sender: NudgeSender = startNudgeSender({
    publisher: options.publisher,
    metrics,
    logger: options.logger,
    flushMs: options.flushMs,
    maxPending: options.maxPending,
  });
  const nudge = (n: Nudge | undefined, reason: string | undefined) => {
    metrics.eventsSeen++;
    if (!n || !reason) {
      metrics.eventsDropped++;
      return;
    }
    sender.add({ ...n, change: reason });
  };
  return { sender, nudge };
}

function objectRef(cluster: string, o: Record<string, unknown>): NonNullable<Nudge['object']> {
  const m = metaOf(o);
  return { cluster, namespace: m.namespace ?? '', name: m.name ?? '', uid: m.uid, resourceVersion: m.resourceVersion };
}

interface WantedWatch {
  cluster: string;
  namespace: string;
  client: KubeClient;
}

/**
 * Pod watches wanted now: the main cluster (managed namespace or all), plus every rest-config target.
 * A `cluster.` (all namespaces) target makes that cluster's per-namespace targets redundant.
 */
async function desiredPodWatches(
  registry: ClusterRegistry,
  managedNamespace: string,
  onBadTarget: (key: string, error: unknown) => void,
): Promise<Map<string, WantedWatch>> {
  await registry.refresh();
  const targets = await registry.targets();
  const wanted = new Map<string, WantedWatch>();
  const main = registry.mainCluster;
  wanted.set(`${main}/${managedNamespace}`, {
    cluster: main,
    namespace: managedNamespace,
    client: registry.mainClient(),
  });
  const allNs = new Set(targets.filter((t) => t.namespace === '').map((t) => t.cluster));
  if (managedNamespace === '') allNs.add(main);
  for (const t of targets) {
    if (t.namespace !== '' && allNs.has(t.cluster)) continue;
    const key = `${t.cluster}/${t.namespace}`;
    if (wanted.has(key)) continue;
    try {
      wanted.set(key, {
        cluster: t.cluster,
        namespace: t.namespace,
        client: await registry.clientFor(t.cluster, t.namespace),
      });
    } catch (error) {
      // An invalid entry must not stop the watches of the valid ones.
      onBadTarget(key, error);
    }
  }
  return wanted;
}
