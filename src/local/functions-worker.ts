/**
 * The functions thread's entry (functions-thread.ts): builds the reconcile function's dependencies the
 * way the Lambda wiring does and polls the work queue until told to stop.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { createKubeClient } from '../adapters/kube/http-client.ts';
import { createSqsClient } from '../adapters/aws/sqs-client.ts';
import { buildClusterRegistry } from '../clusters/build.ts';
import { decide } from '../engine/index.ts';
import type { LogFields, Logger } from '../logger.ts';
import { PrometheusRegistry } from '../runtime/custom-metrics.ts';
import { createRuntimeDeps } from '../runtime/deps.ts';
import { makeReconcileHandler } from '../runtime/reconcile-handler.ts';
import { AwsCallLog } from './aws-calls.ts';
import type { FunctionsThreadOptions } from './functions-thread.ts';
import { localStatusStorage } from './node-status.ts';
import { startPoller } from './queue/poller.ts';

/** Warnings and errors go to the main thread (the stack's logger there decides what to keep). */
function forwardingLogger(): Logger {
  const send = (level: string) => (message: string, fields?: LogFields) => {
    const e = fields?.error;
    const detail = e instanceof Error ? `${e.name}: ${e.message}` : e ? JSON.stringify(e).slice(0, 300) : '';
    parentPort?.postMessage({ log: `${level} ${message}${detail ? ` — ${detail}` : ''}` });
  };
  const logger: Logger = {
    debug: () => {},
    info: () => {},
    warn: send('WARN'),
    error: send('ERROR'),
    child: () => logger,
  };
  return logger;
}

async function main(o: FunctionsThreadOptions): Promise<void> {
  const { config } = o;
  const logger = forwardingLogger();
  const mainClient = createKubeClient({
    cluster: config.clusterName,
    server: o.main.server,
    tls: { caPem: o.main.caPem },
    auth: { kind: 'bearer', token: o.main.token },
    qps: o.rate.qps,
    burst: o.rate.burst,
  });
  const sqs = createSqsClient({ endpoint: o.endpoint });
  const status = await localStatusStorage(config, o.explicit, o.endpoint, new AwsCallLog());
  const registry = await buildClusterRegistry({ config, logger, mainClient });
  const runtime = await createRuntimeDeps({
    config,
    logger,
    registry,
    sqs,
    decide,
    statusStorage: status.storage,
    customMetrics: new PrometheusRegistry(),
  });
  const poller = startPoller({
    client: sqs,
    queueUrl: config.queueUrl,
    logger,
    handler: makeReconcileHandler(runtime.reconcile),
    ...o.poller,
  });
  parentPort?.on('message', (m) => {
    if (m !== 'stop') return;
    void poller.stop().finally(() => {
      registry.close();
      status.close();
      sqs.destroy();
      mainClient.close();
      parentPort?.close();
    });
  });
  parentPort?.postMessage({ ready: true });
}

void main(workerData as FunctionsThreadOptions);
