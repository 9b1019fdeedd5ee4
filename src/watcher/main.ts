/**
 * The watcher's entry point (bundled by esbuild into the image built from infra/; run it with
 * `node dist/watcher.mjs`). Reads the configuration once, reaches the main cluster through the pod's
 * service account (or KUBECONFIG outside a cluster), reads rest-config entries from the configured
 * store, and runs until SIGTERM/SIGINT, then stops its watches and flushes pending nudges.
 */
import { checkWorkflowCrdAtStart } from '../clusters/workflow-crd.ts';
import { createSqsClient } from '../adapters/aws/sqs-client.ts';
import { createSqsPublisher } from '../adapters/aws/sqs-publisher.ts';
import { buildClusterRegistry } from '../clusters/build.ts';
import { inClusterClient } from '../clusters/in-cluster.ts';
import { loadConfig } from '../config.ts';
import { createLogger } from '../logger.ts';
import { clientFromKubeconfig } from '../clusters/kubeconfig.ts';
import { startWatcher } from './watcher.ts';
import { nodeStatusStoreFromConfig } from '../adapters/artifacts/node-status-s3.ts';

/** Splits `host:port` (IPv6 in brackets allowed). */
function parseListen(listen: string): { host: string; port: number } {
  const m = /^\[?([^\]]*)\]?:(\d+)$/.exec(listen.trim());
  if (!m) throw new Error(`ARGOSY_WATCHER_LISTEN must be host:port, got "${listen}"`);
  return { host: m[1] || '127.0.0.1', port: Number(m[2]) };
}

async function main(): Promise<void> {
  const config = loadConfig();
  const logger = createLogger({ level: config.logLevel, fields: { component: 'watcher' } });
  const mainClient =
    inClusterClient(config, { logger }) ??
    (config.kubeconfig
      ? (
          await clientFromKubeconfig({
            kubeconfig: config.kubeconfig,
            preferContext: config.clusterName,
            cluster: config.clusterName,
          })
        ).client
      : undefined);
  const registry = await buildClusterRegistry({ config, logger, mainClient });
  // A CRD that prunes templates' clusterName/namespace would run every step in the main cluster.
  await checkWorkflowCrdAtStart(registry.mainClient(), logger);
  const publisher = createSqsPublisher({
    client: createSqsClient(),
    workQueueUrl: config.queueUrl,
    timerQueueUrl: config.timerQueueUrl,
  });
  const watcher = await startWatcher({
    registry,
    publisher,
    logger,
    instanceId: config.instanceId,
    managedNamespace: config.managedNamespace,
    targetsPollMs: config.watcherTargetsPollMs,
    podStartHoldMs: config.watcherPodStartHoldMs,
    http: parseListen(config.watcherListen),
    nodeStatus: nodeStatusStoreFromConfig(config),
  });
  logger.info('watcher started', { metrics: watcher.url, podWatches: watcher.podWatches() });
  const shutdown = (signal: string) => {
    logger.info('stopping', { signal });
    watcher
      .stop()
      .then(() => registry.close())
      .finally(() => process.exit(0));
  };
  process.once('SIGTERM', () => shutdown('SIGTERM'));
  process.once('SIGINT', () => shutdown('SIGINT'));
}

main().catch((error: unknown) => {
  createLogger().error('watcher failed to start', { error });
  process.exit(1);
});
