/**
 * The controller half of local mode: the SQS emulator with the work/DLQ/timer queues, pollers that
 * feed the SAME handler factories the Lambda functions use, the watcher in-process, and a periodic
 * resync — all driving whatever main cluster `mainClient` reaches. `startLocalStack` puts it in front
 * of embedded clusters; `argosy dev --kubeconfig` puts it in front of clusters the user already has.
 */
import { loadConfig, type Config } from '../config.ts';
import type { Logger } from '../logger.ts';
import type { NudgePublisher } from '../ports/event-source.ts';
import type { KubeClient } from '../ports/kube.ts';
import { buildClusterRegistry } from '../clusters/build.ts';
import type { EntryRegistry } from '../clusters/registry.ts';
import type { SecretStore } from '../clusters/stores/types.ts';
import { decide as engineDecide } from '../engine/index.ts';
import { createRuntimeDeps, type RuntimeDeps } from '../runtime/deps.ts';
import { PrometheusRegistry } from '../runtime/custom-metrics.ts';
import type { EventPolicy } from '../runtime/events.ts';
import type { PolicyCheck } from '../runtime/placement.ts';
import type { DecideFn, ReconcileHooks } from '../runtime/reconcile.ts';
import { makeReconcileHandler } from '../runtime/reconcile-handler.ts';
import { makeResyncHandler } from '../runtime/resync-handler.ts';
import { makeCronHandler, type CronResult } from '../runtime/cron-handler.ts';
import { makeTimerHandler } from '../runtime/timer-handler.ts';
import { startWatcher, type Watcher } from '../watcher/watcher.ts';
import { AwsCallLog, recordingSqs, recordingStore, type AwsIdentity } from './aws-calls.ts';
import { startPoller, type Poller } from './queue/poller.ts';
import { createSqsPublisher } from '../adapters/aws/sqs-publisher.ts';
import { configuredStore } from '../clusters/build.ts';
import type { ClusterRegistry } from '../ports/kube.ts';
import { startLocalQueues, type LocalQueues } from './queue/sqs-server.ts';
import { localStatusStorage } from './node-status.ts';
import type { NodeStatusStore } from '../ports/node-status.ts';

export interface LocalControllerOptions {
  mainCluster: string;
  /** Reaches the main cluster (Workflows, Secret `rest-config`) as the functions; owned by the caller. */
  mainClient: KubeClient;
  /** Reaches the main cluster as the watcher (its own RBAC identity); default `mainClient`. */
  watcherClient?: KubeClient;
  logger: Logger;
  /** Configuration on top of the queue URLs and cluster name this module sets. */
  config?: Partial<Record<keyof Config, unknown>>;
  /** Read the environment too (CLI), or only `config` (library and tests: reproducible). */
  readEnv?: boolean;
  maxReceiveCount?: number;
  visibilityTimeoutSeconds?: number;
  /** Periodic resync interval (ms); 0 = only on demand. Default 30 s. */
  resyncIntervalMs?: number;
  /** CronWorkflow evaluation interval (ms, the dev stack's timer); 0 = only `cronNow()`. Default 10 s. */
  cronIntervalMs?: number;
  /** The clock CronWorkflows are evaluated with (test seam: a fake clock). Default the real one. */
  clock?: () => Date;
  /** Run the watcher (default true). */
  watcher?: boolean;
  watcherHttp?: { host?: string; port?: number } | false;
  watcherMaxPending?: number;
  watcherHealthGraceMs?: number;
  watcherTargetsPollMs?: number;
  watcherBackoffMs?: { initial: number; max: number };
  /** Test seams: wrap what the watcher sends, and the secret store the registry reads. */
  watcherPublisher?: (publisher: NudgePublisher) => NudgePublisher;
  secretStore?: (store: SecretStore) => SecretStore;
  decide?: DecideFn;
  policy?: PolicyCheck;
  hooks?: ReconcileHooks;
  events?: EventPolicy;
}

export interface LocalController {
  config: Config;
  queues: LocalQueues;
  registry: EntryRegistry;
  runtime: RuntimeDeps;
  /** The queue → reconcile event source (pause/resume). */
  reconcilePoller: Poller;
  watcher?: Watcher;
  /** Every AWS action each deployed identity called (test/integration/deploy/aws-parity.test.ts). */
  awsCalls: AwsCallLog;
  /** The registry as the watcher's identity sees it (for a second watcher in tests and benches). */
  watcherRegistry: ClusterRegistry;
  /** Workflows' custom metrics, served on the watcher's /metrics (ADR 0018). */
  customMetrics: PrometheusRegistry;
  resyncNow(): Promise<{ nudged: number }>;
  /** Evaluates every CronWorkflow now (what the timer does every `cronIntervalMs`). */
  cronNow(): Promise<CronResult>;
  stop(): Promise<void>;
}

/**
 * In AWS each function and the watcher read the rest-config secret themselves; here they share one
 * registry, so its reads are recorded for each of them.
 */
function recordedSecretStore(opts: LocalControllerOptions, config: Config, awsCalls: AwsCallLog): SecretStore {
  const readers: AwsIdentity[] =
    opts.watcher === false ? ['reconcile', 'resync', 'cron'] : ['reconcile', 'resync', 'cron', 'watcher'];
  const inner = configuredStore({ config }, opts.mainClient);
  return recordingStore(opts.secretStore ? opts.secretStore(inner) : inner, readers, awsCalls);
}

type Stops = (() => Promise<void> | void)[];

/** Starts queues, functions, watcher and resync against the main cluster `mainClient` reaches. */
export async function startLocalController(opts: LocalControllerOptions): Promise<LocalController> {
  const { logger } = opts;
  const stops: Stops = [];
  const stopAll = async () => {
    for (const s of stops.reverse()) await Promise.resolve(s()).catch(() => undefined);
  };
  try {
    const queues = await startLocalQueues({
      maxReceiveCount: opts.maxReceiveCount,
      visibilityTimeoutSeconds: opts.visibilityTimeoutSeconds,
    });
    stops.push(() => queues.stop());
    const config = controllerConfig(opts, queues);
    const awsCalls = new AwsCallLog();
    const started = await startRuntime(opts, config, queues, awsCalls, stops);
    const { registry, runtime, customMetrics } = started;
    const reconcilePoller = startFunctionPollers(opts, queues, runtime, awsCalls, stops);
    const watcherRegistry = opts.watcherClient ? asIdentity(registry, opts.watcherClient) : registry;
    const watcher =
      opts.watcher === false
        ? undefined
        : await startLocalWatcher(opts, { config, queues, awsCalls, ...started }, watcherRegistry, stops);
    const resync = makeResyncHandler(runtime.resync);
    onTimer(opts.resyncIntervalMs ?? 30_000, resync, logger, 'resync failed', stops);
    const cron = startCron(opts, runtime, config, logger, stops);
    return {
      config,
      queues,
      registry,
      runtime,
      reconcilePoller,
      watcher,
      awsCalls,
      watcherRegistry,
      customMetrics,
      resyncNow: () => resync(),
      cronNow: cron,
      stop: stopAll,
    };
  } catch (e) {
    await stopAll();
    throw e;
  }
}

/** The functions' configuration: the local queues and the main cluster's name over `opts.config`. */
function controllerConfig(opts: LocalControllerOptions, queues: LocalQueues): Config {
  return loadConfig(
    {
      clusterName: opts.mainCluster,
      queueUrl: queues.queueUrls.work,
      timerQueueUrl: queues.queueUrls.timer,
      deadLetterQueueUrl: queues.queueUrls.dlq,
      ...opts.config,
    },
    opts.readEnv ? process.env : {},
  );
}

/** The cluster registry and the functions' dependencies, as the Lambda wiring builds them. */
async function startRuntime(
  opts: LocalControllerOptions,
  config: Config,
  queues: LocalQueues,
  awsCalls: AwsCallLog,
  stops: Stops,
): Promise<{
  registry: EntryRegistry;
  runtime: RuntimeDeps;
  customMetrics: PrometheusRegistry;
  watcherStore?: NodeStatusStore;
}> {
  const { logger } = opts;
  // The functions run in this process: their custom metrics are served on the watcher's /metrics.
  const customMetrics = new PrometheusRegistry();
  const store = recordedSecretStore(opts, config, awsCalls);
  const status = await localStatusStorage(config, opts.config, queues.endpoint, awsCalls);
  stops.push(status.close);
  const registry = await buildClusterRegistry({ config, logger, mainClient: opts.mainClient, store });
  stops.push(() => registry.close());
  const runtime = await createRuntimeDeps({
    config,
    logger,
    registry,
    sqs: queues.client,
    sqsFor: (fn) => recordingSqs(queues.client, fn, awsCalls),
    decide: opts.decide ?? (engineDecide as DecideFn),
    policy: opts.policy,
    hooks: opts.hooks,
    events: opts.events,
    statusStorage: status.storage,
    customMetrics,
  });
  return { registry, runtime, customMetrics, watcherStore: status.watcherStore };
}

/** The work queue → reconcile and timer queue → timer pollers (the Lambda event sources' part). */
function startFunctionPollers(
  opts: LocalControllerOptions,
  queues: LocalQueues,
  runtime: RuntimeDeps,
  awsCalls: AwsCallLog,
  stops: Stops,
): Poller {
  const { logger } = opts;
  const reconcilePoller = startPoller({
    client: queues.client,
    queueUrl: queues.queueUrls.work,
    handler: makeReconcileHandler(runtime.reconcile),
    logger,
    onAwsCall: (action) => awsCalls.record('reconcile', action, queues.queueUrls.work),
  });
  stops.push(() => reconcilePoller.stop());
  const timerPoller = startPoller({
    client: queues.client,
    queueUrl: queues.queueUrls.timer,
    handler: makeTimerHandler(runtime.timer),
    logger,
    concurrency: 1,
    onAwsCall: (action) => awsCalls.record('timer', action, queues.queueUrls.timer),
  });
  stops.push(() => timerPoller.stop());
  return reconcilePoller;
}

/**
 * The watcher in-process, publishing to the local queues as its own identity, serving the functions'
 * custom metrics on its /metrics; returns once it listed.
 */
async function startLocalWatcher(
  opts: LocalControllerOptions,
  parts: {
    config: Config;
    queues: LocalQueues;
    runtime: RuntimeDeps;
    awsCalls: AwsCallLog;
    customMetrics: PrometheusRegistry;
    watcherStore?: NodeStatusStore;
  },
  registry: ClusterRegistry,
  stops: Stops,
): Promise<Watcher> {
  const { config, queues, runtime, awsCalls, customMetrics } = parts;
  const sent = createSqsPublisher({
    client: recordingSqs(queues.client, 'watcher', awsCalls),
    workQueueUrl: config.queueUrl,
    timerQueueUrl: config.timerQueueUrl,
    onSent: (n) => (runtime.counters.nudgesPublished += n),
  });
  const w = await startWatcher({
    registry,
    publisher: opts.watcherPublisher ? opts.watcherPublisher(sent) : sent,
    logger: opts.logger.child({ component: 'watcher' }),
    instanceId: config.instanceId,
    managedNamespace: config.managedNamespace,
    targetsPollMs: opts.watcherTargetsPollMs,
    podStartHoldMs: config.watcherPodStartHoldMs,
    http: opts.watcherHttp ?? false,
    backoffMs: opts.watcherBackoffMs,
    maxPending: opts.watcherMaxPending,
    healthGraceMs: opts.watcherHealthGraceMs,
    extraMetrics: () => customMetrics.render(new Date()),
    nodeStatus: parts.watcherStore,
  });
  stops.push(() => w.stop());
  await untilReady(w, opts.logger);
  return w;
}

/** Runs `fn` every `everyMs` (0 = never) until stopped; failures are logged, the next tick retries. */
function onTimer(everyMs: number, fn: () => Promise<unknown>, logger: Logger, what: string, stops: Stops): void {
  if (everyMs <= 0) return;
  const t = setInterval(() => {
    fn().catch((error: unknown) => logger.warn(what, { error }));
  }, everyMs);
  t.unref();
  stops.push(() => clearInterval(t));
}

/**
 * The CronWorkflow evaluator on the dev stack's timer (in AWS a one-minute schedule runs it), as the
 * functions' identity. Evaluations never overlap: a tick while one runs is skipped.
 */
function startCron(
  opts: LocalControllerOptions,
  runtime: RuntimeDeps,
  config: Config,
  logger: Logger,
  stops: Stops,
): () => Promise<CronResult> {
  const evaluate = makeCronHandler({
    mainClient: runtime.resync.mainClient,
    logger: logger.child({ fn: 'cron' }),
    managedNamespace: config.managedNamespace || undefined,
    now: opts.clock ?? (() => new Date()),
    graceSeconds: config.cronGraceSeconds,
  });
  let running: Promise<CronResult> | undefined;
  const once = (): Promise<CronResult> => {
    running ??= evaluate().finally(() => (running = undefined));
    return running;
  };
  onTimer(opts.cronIntervalMs ?? 10_000, once, logger, 'cron evaluation failed', stops);
  return once;
}

/**
 * The registry as another identity sees it: the same entries (in production the watcher reads the same
 * secret and signs or presents the same kind of credentials), but the main cluster reached with
 * `mainClient`, the identity the watcher's RBAC is bound to.
 */
function asIdentity(registry: EntryRegistry, mainClient: KubeClient): ClusterRegistry {
  return {
    mainCluster: registry.mainCluster,
    mainClient: () => mainClient,
    async clientFor(cluster, namespace) {
      const client = await registry.clientFor(cluster, namespace);
      return client === registry.mainClient() ? mainClient : client;
    },
    targets: () => registry.targets(),
    describeTarget: (cluster, namespace) => registry.describeTarget(cluster, namespace),
    executorModeFor: (cluster, namespace) => registry.executorModeFor?.(cluster, namespace),
    clusterFacts: () => registry.clusterFacts(),
    refresh: (force) => registry.refresh(force),
  };
}

/**
 * A started stack is one whose watcher has listed the workflows: before that its /healthz says
 * "not ready" and an event could be missed by a caller that submits at once. Bounded, so a watcher
 * that cannot list (RBAC, an unreachable cluster) leaves the stack up with /healthz telling why.
 */
async function untilReady(w: Watcher, logger: Logger, boundMs = 10_000): Promise<void> {
  for (const start = Date.now(); !w.ready();) {
    if (Date.now() - start > boundMs) {
      logger.warn('watcher not ready yet; /healthz reports it', { waitedMs: boundMs });
      return;
    }
    await new Promise((r) => setTimeout(r, 20));
  }
}
