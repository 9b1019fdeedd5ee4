/**
 * The reconcile function on its own thread: what Lambda runs apart from the API servers, the kubelets
 * and the watcher, here a worker thread of the same process, so the local stack's two halves can use
 * two cores. It is the SAME pipeline — the work queue's poller (the event source mapping) feeding
 * `makeReconcileHandler`, the registry built from Secret `rest-config`, the functions' RBAC identity
 * over HTTPS, the SQS API to the emulator — only on another event loop. The throughput bench uses it
 * (docs/performance.md: one event loop was the ceiling); `npm start`, `argosy dev` and the tests keep
 * the functions in the main thread, where their test seams (decide, hooks, fault injection) reach.
 */
import type { EventLoopUtilization } from 'node:perf_hooks';
import { Worker } from 'node:worker_threads';
import type { Config } from '../config.ts';
import { ENTRY_RATE } from './cluster-setup.ts';
import { FUNCTIONS_SUBJECT, installedRules, mainOverlay } from './identities.ts';
import type { LocalStack } from './stack.ts';

export interface FunctionsThreadOptions {
  /** The functions' resolved configuration (cluster name, queue URLs, …): plain data. */
  config: Config;
  /** The configuration the caller set explicitly (the node status bucket's local default depends on it). */
  explicit: Partial<Record<keyof Config, unknown>>;
  /** The main cluster as the functions reach it: its URL, CA and the functions' identity token. */
  main: { server: string; caPem: string; token: string };
  /** The emulator's endpoint (SQS and S3). */
  endpoint: string;
  poller: { batchSize: number; concurrency: number; waitTimeSeconds: number };
  /** The client-side token bucket of the thread's main-cluster client (what all its invocations share). */
  rate: { qps: number; burst: number };
}

export interface FunctionsThread {
  /** The thread's event-loop utilisation (cumulative; diff two readings): how much of the time it had work. */
  utilization(): EventLoopUtilization;
  stop(): Promise<void>;
}

/** Starts the worker and resolves once its poller receives; `onLog` gets its warnings and errors. */
export async function startFunctionsThread(
  options: FunctionsThreadOptions,
  onLog: (line: string) => void = () => {},
): Promise<FunctionsThread> {
  const worker = new Worker(new URL('./functions-worker.ts', import.meta.url), { workerData: options });
  let exited = false;
  worker.on('message', (m: { log?: string }) => {
    if (m.log) onLog(m.log);
  });
  const exit = new Promise<void>((resolve) => worker.once('exit', () => resolve((exited = true) && undefined)));
  await new Promise<void>((resolve, reject) => {
    worker.on('message', (m: { ready?: boolean }) => m.ready && resolve());
    worker.once('error', reject);
    void exit.then(() => reject(new Error('the functions thread exited before it was ready')));
  });
  return {
    utilization: () => worker.performance.eventLoopUtilization(),
    async stop() {
      if (exited) return;
      worker.postMessage('stop');
      await Promise.race([exit, new Promise((r) => setTimeout(r, 3000))]);
      if (!exited) await worker.terminate();
    },
  };
}

/**
 * The request budget of `concurrency` invocations toward the main cluster. In AWS each concurrent
 * invocation is a Lambda instance with a client and a token bucket of its own (docs/configuration.md:
 * the cluster-wide rate is up to concurrency × QPS); on this thread they share one client, so its
 * bucket is the sum of theirs at the rest-config entries' QPS/Burst.
 */
export function functionsRate(concurrency: number): FunctionsThreadOptions['rate'] {
  return { qps: concurrency * ENTRY_RATE.qps, burst: concurrency * ENTRY_RATE.burst };
}

/**
 * The functions thread in front of a running local stack (whose own reconcile poller the caller
 * paused), with an identity of its own holding exactly the functions' installed RBAC: a second token,
 * so the stack's own functions client keeps working.
 */
export function startStackFunctionsThread(
  stack: LocalStack,
  opts: {
    explicit?: Partial<Record<keyof Config, unknown>>;
    poller?: Partial<FunctionsThreadOptions['poller']>;
    rate?: FunctionsThreadOptions['rate'];
    onLog?: (line: string) => void;
  } = {},
): Promise<FunctionsThread> {
  const m = stack.clusters.get(stack.mainCluster);
  const rules = installedRules(mainOverlay(stack.config.managedNamespace || undefined), FUNCTIONS_SUBJECT);
  const { token } = m.createIdentity(`${FUNCTIONS_SUBJECT.user}-thread`, rules);
  const poller = { batchSize: 10, concurrency: 4, waitTimeSeconds: 1, ...opts.poller };
  return startFunctionsThread(
    {
      config: stack.config,
      explicit: opts.explicit ?? {},
      main: { server: m.url, caPem: m.caPem, token },
      endpoint: stack.sqsEndpoint,
      poller,
      rate: opts.rate ?? functionsRate(poller.concurrency),
    },
    opts.onLog,
  );
}
