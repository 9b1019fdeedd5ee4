/**
 * `argosy dev --kubeconfig FILE`: the controller half of the local stack — SQS emulator, watcher and
 * pollers feeding the real function handlers — driving clusters you already have (the main cluster
 * from a kubeconfig context; other clusters through Secret `rest-config`, as `argosy cluster add`
 * writes it). No AWS needed: a way to try Argosy on real clusters, or to debug the functions.
 */
import { buildClusterRegistry } from '../../clusters/build.ts';
import { loadConfig } from '../../config.ts';
import { decide } from '../../engine/index.ts';
import { startPoller } from '../../local/queue/poller.ts';
import { startLocalQueues } from '../../local/queue/sqs-server.ts';
import type { Logger } from '../../logger.ts';
import type { Workflow } from '../../engine/types.ts';
import { createWorkflow } from '../../adapters/kube/resources.ts';
import { createRuntimeDeps } from '../../runtime/deps.ts';
import type { DecideFn } from '../../runtime/reconcile.ts';
import { makeReconcileHandler } from '../../runtime/reconcile-handler.ts';
import { makeResyncHandler } from '../../runtime/resync-handler.ts';
import { makeTimerHandler } from '../../runtime/timer-handler.ts';
import { startWatcher } from '../../watcher/watcher.ts';
import { kubeClientFromKubeconfig } from '../kube-context.ts';
import type { LocalStack } from './local-stack.ts';

export interface LocalControllerOptions {
  kubeconfig: string;
  context?: string;
  mainCluster: string;
  logger: Logger;
  /** Placement policy file (absolute path), else config.placementPolicy. */
  policy?: string;
  resyncIntervalMs?: number;
}

/** Starts queue, functions and watcher against the clusters of a kubeconfig. */
export async function startLocalController(
  opts: LocalControllerOptions,
): Promise<LocalStack & { mainContext: string }> {
  const stops: (() => Promise<void> | void)[] = [];
  const stopAll = async () => {
    for (const s of stops.reverse()) await Promise.resolve(s()).catch(() => undefined);
  };
  try {
    const { client: mainClient, context } = await kubeClientFromKubeconfig(
      opts.kubeconfig,
      opts.context,
      opts.mainCluster,
    );
    stops.push(() => mainClient.close());
    const queues = await startLocalQueues();
    stops.push(() => queues.stop());
    const overrides: Record<string, unknown> = {
      clusterName: opts.mainCluster,
      queueUrl: queues.queueUrls.work,
      timerQueueUrl: queues.queueUrls.timer,
      deadLetterQueueUrl: queues.queueUrls.dlq,
    };
    if (opts.policy) overrides.placementPolicy = opts.policy;
    const config = loadConfig(overrides);
    const { logger } = opts;
    const registry = await buildClusterRegistry({ config, logger, mainClient });
    stops.push(() => registry.close());
    const runtime = createRuntimeDeps({ config, logger, registry, sqs: queues.client, decide: decide as DecideFn });
    const reconcile = startPoller({
      client: queues.client,
      queueUrl: queues.queueUrls.work,
      handler: makeReconcileHandler(runtime.reconcile),
      logger,
    });
    stops.push(() => reconcile.stop());
    const timer = startPoller({
      client: queues.client,
      queueUrl: queues.queueUrls.timer,
      handler: makeTimerHandler(runtime.timer),
      logger,
      concurrency: 1,
    });
    stops.push(() => timer.stop());
    const watcher = await startWatcher({
      registry,
      publisher: runtime.publisher,
      logger: logger.child({ component: 'watcher' }),
      instanceId: config.instanceId,
      managedNamespace: config.managedNamespace,
      http: false,
    });
    stops.push(() => watcher.stop());
    const resync = makeResyncHandler(runtime.resync);
    const t = setInterval(
      () => void resync().catch((error: unknown) => logger.warn('resync failed', { error })),
      opts.resyncIntervalMs ?? 30_000,
    );
    t.unref();
    stops.push(() => clearInterval(t));
    return {
      clusters: undefined,
      kubeconfigPath: opts.kubeconfig,
      mainContext: context.context,
      mainCluster: opts.mainCluster,
      sqsEndpoint: queues.endpoint,
      queueUrls: queues.queueUrls,
      control: reconcile,
      registry,
      mainClient,
      submit: (wf: Workflow, ns = 'argo') => createWorkflow<Workflow>(mainClient, ns, wf),
      resyncNow: () => resync(),
      stop: stopAll,
    };
  } catch (e) {
    await stopAll();
    throw e;
  }
}
