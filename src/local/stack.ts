/**
 * Local mode in one call: embedded API servers for every cluster, the setup a platform team does for
 * another cluster (docs/architecture.md, "Local mode") (namespaces, the `workflow` ServiceAccount, an identity for Argosy in
 * each other cluster and its entry in Secret `rest-config`), the SQS emulator with the work/DLQ/timer
 * queues, the watcher in-process, and pollers that feed the SAME handler factories the Lambda
 * functions use. Everything speaks the real protocols (HTTPS to the API servers, SQS API to fauxqs).
 *
 * @example
 * const stack = await startLocalStack();
 * const wf = await stack.submit(yamlObject);
 * await stack.waitFor('argo', wf.metadata.name!, (w) => w.status?.phase === 'Succeeded', 60_000);
 * await stack.stop();
 */
import { DEFAULT_CONTROLLER_NAMESPACE, type Config } from '../config.ts';
import { silentLogger, type Logger } from '../logger.ts';
import type { EventSourceControl, NudgePublisher } from '../ports/event-source.ts';
import type { ClusterRegistry, KubeClient } from '../ports/kube.ts';
import type { Workflow } from '../engine/types.ts';
import { createKubeClient, type HttpKubeClient } from '../adapters/kube/http-client.ts';
import { workflowPath, workflowsPath } from '../adapters/kube/resources.ts';
import type { SecretStore } from '../clusters/stores/types.ts';
import type { EventPolicy } from '../runtime/events.ts';
import type { PolicyCheck } from '../runtime/placement.ts';
import type { DecideFn, ReconcileHooks } from '../runtime/reconcile.ts';
import type { RuntimeDeps } from '../runtime/deps.ts';
import type { Watcher } from '../watcher/watcher.ts';
import { startLocalClusters, type LocalClusterOptions, type LocalClusters } from './clusters.ts';
import { startLocalController, type LocalController, type LocalControllerOptions } from './controller.ts';
import { configureClusters, withArtifactRepository } from './cluster-setup.ts';
import type { AwsCallLog } from './aws-calls.ts';
import type { CronResult } from '../runtime/cron-handler.ts';
import { FUNCTIONS_SUBJECT, installedRules, mainOverlay, WATCHER_SUBJECT } from './identities.ts';
import type { LocalQueues } from './queue/sqs-server.ts';

export interface LocalStackOptions {
  /** Cluster names; the first is the main cluster. Default `['main', 'other']`. */
  clusters?: string[];
  /** Labels written into the clusters' rest-config entries (`placement.clusterSelector`), by cluster. */
  clusterLabels?: Record<string, Record<string, string>>;
  /** Kubelet runtime: run commands as processes, or simulate them. Default `process`. */
  runtime?: 'process' | 'sim';
  dataDir?: string;
  logger?: Logger;
  /** Periodic resync interval (ms); 0 = only `resyncNow()`. Default 30 s. */
  resyncIntervalMs?: number;
  /** CronWorkflow evaluation interval (ms); 0 = only `cronNow()`. Default 10 s. */
  cronIntervalMs?: number;
  /** The clock CronWorkflows are evaluated with (test seam). */
  clock?: () => Date;
  /** Receives before a nudge is dead-lettered (default 5) and the local visibility timeout (s, default 5). */
  maxReceiveCount?: number;
  visibilityTimeoutSeconds?: number;
  /** Run the watcher (default true). Tests that drop nudges on purpose may turn it off. */
  watcher?: boolean;
  /** Serve the watcher's /healthz and /metrics (default: no, a library user may not want a port). */
  watcherHttp?: { host?: string; port?: number } | false;
  /** More options for the embedded clusters (sim defaults, bookmark interval, ...). */
  clusterOptions?: Partial<Omit<LocalClusterOptions, 'names' | 'runtime' | 'dataDir'>>;
  /** Test seams. `watcherPublisher` wraps what the watcher sends (to drop or duplicate nudges). */
  watcherPublisher?: (publisher: NudgePublisher) => NudgePublisher;
  /** Test seam: wraps the secret store the registry reads (to make it fail for a while). */
  secretStore?: (store: SecretStore) => SecretStore;
  /** The watcher's send-buffer bound (workflows); default the watcher's own. */
  watcherMaxPending?: number;
  /** How long a pod watch may fail before the watcher's /healthz does (ms). */
  watcherHealthGraceMs?: number;
  decide?: DecideFn;
  policy?: PolicyCheck;
  hooks?: ReconcileHooks;
  events?: EventPolicy;
  /** Extra configuration (instance id, managed namespace, ...). */
  config?: Partial<Record<keyof Config, unknown>>;
  /** The functions also read `ARGOSY_*` settings from the environment (`argosy dev`), under `config`. */
  readEnv?: boolean;
}

export interface LocalStack {
  clusters: LocalClusters;
  kubeconfigPath: string;
  mainCluster: string;
  /** The functions' resolved configuration. */
  config: Config;
  sqsEndpoint: string;
  queueUrls: { work: string; dlq: string; timer: string };
  /** Pause/resume the queue → reconcile event source. */
  control: EventSourceControl;
  registry: ClusterRegistry;
  /** The main cluster's admin client. */
  mainClient: KubeClient;
  /** The main cluster as the functions reach it (group argosy-controller's RBAC from infra/k8s). */
  functionsClient: KubeClient;
  /** Every AWS action each deployed identity called (IAM parity test). */
  awsCalls: AwsCallLog;
  /** The registry as the watcher's identity sees it (its RBAC in the main cluster). */
  watcherRegistry: ClusterRegistry;
  /** The handler dependencies (counters, publisher) for tests and benches. */
  runtime: RuntimeDeps;
  watcher?: Watcher;
  queues: LocalQueues;
  submit(workflow: unknown, namespace?: string): Promise<Workflow>;
  waitFor(namespace: string, name: string, predicate: (wf: Workflow) => boolean, timeoutMs: number): Promise<Workflow>;
  resyncNow(): Promise<{ nudged: number }>;
  /** Evaluates every CronWorkflow now. */
  cronNow(): Promise<CronResult>;
  stop(): Promise<void>;
}

/**
 * Local mode's placement policy: the default (same namespace name in any configured cluster) plus
 * workflows of namespace `argo` may use namespace `batch` (the fan-out example's right branch).
 */
export const LOCAL_PLACEMENT_POLICY = JSON.stringify({
  apiVersion: 'argosy.io/v1alpha1',
  kind: 'PlacementPolicy',
  metadata: { name: 'local' },
  spec: {
    rules: [
      { name: 'same-namespace', effect: 'Allow', namespaces: ['$workflowNamespace'] },
      { name: 'argo-may-use-batch', effect: 'Allow', workflowNamespaces: ['argo'], namespaces: ['batch'] },
    ],
  },
});

/** Starts the whole local stack. */
export async function startLocalStack(opts: LocalStackOptions = {}): Promise<LocalStack> {
  const logger = opts.logger ?? silentLogger;
  const names = opts.clusters ?? ['main', 'other'];
  const mainName = names[0] ?? 'main';
  const stops: (() => Promise<void> | void)[] = [];
  const stopAll = async () => {
    for (const s of stops.reverse()) await Promise.resolve(s()).catch(() => undefined);
  };
  try {
    const clusters = await startLocalClusters({
      logger,
      ...opts.clusterOptions,
      names,
      runtime: opts.runtime ?? 'process',
      dataDir: opts.dataDir,
    });
    stops.push(() => clusters.stop());
    const clientAs = (token: string): HttpKubeClient => {
      const c = mainClusterClient(clusters, mainName, token);
      stops.push(() => c.close());
      return c;
    };
    const m = clusters.get(mainName);
    const mainClient = clientAs(m.adminToken);
    const storeNamespace = String(opts.config?.controllerNamespace ?? DEFAULT_CONTROLLER_NAMESPACE);
    await configureClusters(clusters, names, mainClient, storeNamespace, opts.clusterLabels);
    // The functions and the watcher reach the main cluster with the RBAC infra/k8s installs for them.
    const overlay = mainOverlay(opts.config?.managedNamespace as string | undefined);
    const identity = (subject: typeof FUNCTIONS_SUBJECT) =>
      clientAs(m.createIdentity(subject.user, installedRules(overlay, subject)).token);
    const functionsClient = identity(FUNCTIONS_SUBJECT);
    const watcherClient = identity(WATCHER_SUBJECT);
    const controller = await startLocalController(
      controllerOptions(opts, mainName, functionsClient, watcherClient, logger),
    );
    stops.push(() => controller.stop());
    await withArtifactRepository(controller, clusters, mainClient);
    return stackHandle(controller, clusters, mainName, mainClient, functionsClient, stopAll);
  } catch (e) {
    await stopAll();
    throw e;
  }
}

/** A client of the main cluster's API server with `token` (the admin's, or an installed identity's). */
function mainClusterClient(clusters: LocalClusters, mainName: string, token: string): HttpKubeClient {
  const m = clusters.get(mainName);
  return createKubeClient({
    cluster: mainName,
    server: m.url,
    tls: { caPem: m.caPem },
    auth: { kind: 'bearer', token },
    qps: 1000,
    burst: 1000,
  });
}

/** The local controller's options: the stack's identities, local settings, and what the caller passed. */
function controllerOptions(
  opts: LocalStackOptions,
  mainName: string,
  functionsClient: KubeClient,
  watcherClient: KubeClient,
  logger: Logger,
): LocalControllerOptions {
  return {
    mainCluster: mainName,
    mainClient: functionsClient,
    watcherClient,
    logger,
    config: {
      secretCacheMs: 1000,
      placementPolicy: LOCAL_PLACEMENT_POLICY,
      // The sim runtime simulates the user's container only, not Argo's executor (no task results):
      // its pods are pods-only (docs/adr/0009-argo-executor-pods.md); the process runtime runs both.
      ...(opts.runtime === 'sim' ? { executorMode: 'pods' } : {}),
      ...opts.config,
    },
    ...timing(opts),
    ...(opts.readEnv ? { readEnv: true } : {}),
    watcher: opts.watcher,
    watcherHttp: opts.watcherHttp,
    watcherMaxPending: opts.watcherMaxPending,
    watcherHealthGraceMs: opts.watcherHealthGraceMs,
    watcherTargetsPollMs: 2000,
    watcherBackoffMs: { initial: 200, max: 2000 },
    watcherPublisher: opts.watcherPublisher,
    secretStore: opts.secretStore,
    decide: opts.decide,
    policy: opts.policy,
    hooks: opts.hooks,
    events: opts.events,
  };
}

/** What a caller holds: the parts, and submit/wait/resync/cron/stop. */
function stackHandle(
  controller: LocalController,
  clusters: LocalClusters,
  mainName: string,
  mainClient: KubeClient,
  functionsClient: KubeClient,
  stopAll: () => Promise<void>,
): LocalStack {
  const { queues, registry, runtime, watcher } = controller;
  return {
    clusters,
    kubeconfigPath: clusters.kubeconfigPath,
    mainCluster: mainName,
    config: controller.config,
    sqsEndpoint: queues.endpoint,
    queueUrls: queues.queueUrls,
    control: controller.reconcilePoller,
    registry,
    mainClient,
    functionsClient,
    awsCalls: controller.awsCalls,
    watcherRegistry: controller.watcherRegistry,
    runtime,
    watcher,
    queues,
    submit: (wf, namespace = 'argo') => submitWorkflow(mainClient, wf, namespace),
    waitFor: (ns, name, predicate, timeoutMs) => waitForWorkflow(mainClient, ns, name, predicate, timeoutMs),
    resyncNow: () => controller.resyncNow(),
    cronNow: () => controller.cronNow(),
    stop: stopAll,
  };
}

/** The queue and timer settings passed through to the controller as given. */
function timing(opts: LocalStackOptions) {
  const { maxReceiveCount, visibilityTimeoutSeconds, resyncIntervalMs, cronIntervalMs, clock } = opts;
  return { maxReceiveCount, visibilityTimeoutSeconds, resyncIntervalMs, cronIntervalMs, clock };
}

/** Creates a workflow (names from generateName are made by the API server). */
export function submitWorkflow(client: KubeClient, workflow: unknown, namespace: string): Promise<Workflow> {
  const wf = workflow as Workflow;
  return client.request<Workflow>({
    method: 'POST',
    path: workflowsPath(namespace),
    body: { apiVersion: 'argoproj.io/v1alpha1', kind: 'Workflow', ...wf, metadata: { ...wf.metadata, namespace } },
  });
}

/** Polls a workflow until `predicate` holds; throws with the last phase seen on timeout. */
export async function waitForWorkflow(
  client: KubeClient,
  namespace: string,
  name: string,
  predicate: (wf: Workflow) => boolean,
  timeoutMs: number,
): Promise<Workflow> {
  const end = Date.now() + timeoutMs;
  let last: Workflow | undefined;
  for (;;) {
    try {
      last = await client.request<Workflow>({ method: 'GET', path: workflowPath(namespace, name) });
      if (predicate(last)) return last;
    } catch {
      // not there yet, or a transient error: keep polling until the deadline
    }
    if (Date.now() > end) {
      throw new Error(
        `timed out after ${timeoutMs} ms waiting for workflow ${namespace}/${name} (phase ${last?.status?.phase ?? 'unknown'}: ${last?.status?.message ?? ''})`,
      );
    }
    await new Promise((r) => setTimeout(r, 100));
  }
}
