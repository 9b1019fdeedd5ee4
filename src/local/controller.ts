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
import { createKubernetesStore } from '../clusters/stores/kubernetes.ts';
import type { SecretStore } from '../clusters/stores/types.ts';
import { decide as engineDecide } from '../engine/index.ts';
import { createRuntimeDeps, type RuntimeDeps } from '../runtime/deps.ts';
import type { EventPolicy } from '../runtime/events.ts';
import type { PolicyCheck } from '../runtime/placement.ts';
import type { DecideFn, ReconcileHooks } from '../runtime/reconcile.ts';
import { makeReconcileHandler } from '../runtime/reconcile-handler.ts';
import { makeResyncHandler } from '../runtime/resync-handler.ts';
import { makeTimerHandler } from '../runtime/timer-handler.ts';
import { startWatcher, type Watcher } from '../watcher/watcher.ts';
import { startPoller, type Poller } from './queue/poller.ts';
import { startLocalQueues, type LocalQueues } from './queue/sqs-server.ts';

export interface LocalControllerOptions {
  mainCluster: string;
  /** Reaches the main cluster (Workflows, Secret `rest-config`); owned by the caller. */
  mainClient: KubeClient;
  logger: Logger;
  /** Configuration on top of the queue URLs and cluster name this module sets. */
  config?: Partial<Record<keyof Config, unknown>>;
  /** Read the environment too (CLI), or only `config` (library and tests: reproducible). */
  readEnv?: boolean;
  maxReceiveCount?: number;
  visibilityTimeoutSeconds?: number;
  /** Periodic resync interval (ms); 0 = only on demand. Default 30 s. */
  resyncIntervalMs?: number;
  /** Run the watcher (default true). */
  watcher?: boolean;
  watcherHttp?: { host?: string; port?: number } | false;
  watcherMaxPending?: number;
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
  resyncNow(): Promise<{ nudged: number }>;
  stop(): Promise<void>;
}

/** Starts queues, functions, watcher and resync against the main cluster `mainClient` reaches. */
export async function startLocalController(opts: LocalControllerOptions): Promise<LocalController> {
  const { logger } = opts;
  const stops: (() => Promise<void> | void)[] = [];
  const stopAll = async () => {
    for (const s of stops.reverse()) await Promise.resolve(s()).catch(() => undefined);
  };
  try {
    const queues = await startLocalQueues({
      maxReceiveCount: opts.maxReceiveCount,
      visibilityTimeoutSeconds: opts.visibilityTimeoutSeconds,
    });
    stops.push(() => queues.stop());
    const config = loadConfig(
      {
        clusterName: opts.mainCluster,
        queueUrl: queues.queueUrls.work,
        timerQueueUrl: queues.queueUrls.timer,
        deadLetterQueueUrl: queues.queueUrls.dlq,
        ...opts.config,
      },
      opts.readEnv ? process.env : {},
    );
    const store = opts.secretStore
      ? opts.secretStore(
          createKubernetesStore({
            client: opts.mainClient,
            namespace: config.controllerNamespace,
            name: config.secretName,
          }),
        )
      : undefined;
    const registry = await buildClusterRegistry({ config, logger, mainClient: opts.mainClient, store });
    stops.push(() => registry.close());
    const runtime = await createRuntimeDeps({
      config,
      logger,
      registry,
      sqs: queues.client,
      decide: opts.decide ?? (engineDecide as DecideFn),
      policy: opts.policy,
      hooks: opts.hooks,
      events: opts.events,
    });
    const reconcilePoller = startPoller({
      client: queues.client,
      queueUrl: queues.queueUrls.work,
      handler: makeReconcileHandler(runtime.reconcile),
      logger,
    });
    stops.push(() => reconcilePoller.stop());
    const timerPoller = startPoller({
      client: queues.client,
      queueUrl: queues.queueUrls.timer,
      handler: makeTimerHandler(runtime.timer),
      logger,
      concurrency: 1,
    });
    stops.push(() => timerPoller.stop());
    let watcher: Watcher | undefined;
    if (opts.watcher !== false) {
      const w = await startWatcher({
        registry,
        publisher: opts.watcherPublisher ? opts.watcherPublisher(runtime.publisher) : runtime.publisher,
        logger: logger.child({ component: 'watcher' }),
        instanceId: config.instanceId,
        managedNamespace: config.managedNamespace,
        targetsPollMs: opts.watcherTargetsPollMs,
        http: opts.watcherHttp ?? false,
        backoffMs: opts.watcherBackoffMs,
        maxPending: opts.watcherMaxPending,
      });
      watcher = w;
      stops.push(() => w.stop());
    }
    const resync = makeResyncHandler(runtime.resync);
    const every = opts.resyncIntervalMs ?? 30_000;
    if (every > 0) {
      const t = setInterval(() => {
        resync().catch((error: unknown) => logger.warn('resync failed', { error }));
      }, every);
      t.unref();
      stops.push(() => clearInterval(t));
    }
    return { config, queues, registry, runtime, reconcilePoller, watcher, resyncNow: () => resync(), stop: stopAll };
  } catch (e) {
    await stopAll();
    throw e;
  }
}
