/**
 * Step latency (bench 1) and the benches' shared harness.
 *
 * Latency: from the moment the kubelet's status write marks a pod Succeeded to the moment the API
 * server stores the next pod's create, both taken at the embedded API server's store (in-process
 * observers, sub-millisecond; the objects' own timestamps have only seconds). Over a 50-step chain
 * and a 20-wide fan-out/fan-in. Anchor: Argo's fixed 10 s requeue. Target: p50 ≤ 150 ms, p99 ≤ 1 s.
 *
 * Harness: the local stack as the benches see it: `startLocalStack` (sim kubelets, no periodic resync) with its
 * reconcile poller replaced by one whose options the bench chooses (long-poll wait, concurrency,
 * batch size: the stand-in for Lambda's event source mapping), its watcher replaced by one with a
 * chosen flush delay, and instruments that add nothing to the pipeline's own traffic:
 *  - store observers on every embedded API server (exact server-side moments of pod creates and
 *    phase changes, workflow completions, and every stored write — the kubelet's included);
 *  - a middleware counting SQS API requests by action (and receives that returned messages);
 *  - the reconcile handler's wall time per invocation (GB-s).
 * Nothing here edits the pipeline: everything goes through public options and exports.
 */
import { makeReconcileHandler } from '../src/runtime/reconcile-handler.ts';
import { startLocalStack, type LocalStack, type LocalStackOptions } from '../src/local/stack.ts';
import { startPoller, type Poller } from '../src/local/queue/poller.ts';
import { startStackFunctionsThread, type FunctionsThread } from '../src/local/functions-thread.ts';
import type { EventLoopUtilization } from 'node:perf_hooks';
import { startWatcher, type Watcher } from '../src/watcher/watcher.ts';
import { silentLogger, type LogFields, type Logger } from '../src/logger.ts';
import { loadConfig } from '../src/config.ts';
import type { KubeObject } from '../src/local/apiserver/resources.ts';
import type { StoreEvent } from '../src/local/apiserver/store.ts';
import type { Workflow } from '../src/engine/types.ts';
import { median, summarize, type Summary } from './baseline.ts';

/** Tuning of the local event source and watcher (what Lambda's mapping and the watcher's flag set). */
export interface BenchTuning {
  /** ReceiveMessage long-poll wait (s). */
  waitTimeSeconds: number;
  /** Concurrent receive loops (Lambda's concurrent invocations). */
  concurrency: number;
  batchSize: number;
  /** Watcher's coalescing delay before a nudge is sent (ms). */
  flushMs: number;
  /** Run time of every simulated container (ms). */
  podMs: number;
  /**
   * Run the reconcile function's poller on its own thread (src/local/functions-thread.ts), as Lambda
   * runs it apart from the API servers: the stack then uses two cores. Its invocations are not timed
   * and its SQS requests not counted (they are made on that thread).
   */
  functionsThread?: boolean;
  /** The functions thread's client bucket; default its invocations' summed (functionsRate). */
  functionsRate?: { qps: number; burst: number };
}

export const DEFAULT_TUNING: BenchTuning = { waitTimeSeconds: 1, concurrency: 8, batchSize: 10, flushMs: 5, podMs: 20 };

/** A store change seen at the server, with the moment it happened (performance.now()). */
export interface Observed {
  t: number;
  cluster: string;
  event: StoreEvent;
}

export interface BenchStack {
  stack: LocalStack;
  tuning: BenchTuning;
  /** SQS requests by action since the last reset; `ReceiveMessage:nonEmpty` counts receives with messages. */
  sqs: Record<string, number>;
  /** Reconcile invocations' wall times (ms) since the last reset. */
  invocationMs: number[];
  /** Warnings and errors the stack logged (first 50): why something failed. */
  logs: string[];
  /** Store writes per cluster and resource since the last reset (HTTP and in-process alike). */
  storeWrites: Record<string, Record<string, number>>;
  /** The functions thread's event-loop utilisation (cumulative) when it runs on its own thread. */
  functionsUtilization?: () => EventLoopUtilization;
  /** Subscribes to every cluster's store; returns the unsubscribe. */
  observe(fn: (o: Observed) => void): () => void;
  /** Zeroes every counter (SQS, invocations, store writes, API server stats). */
  reset(): void;
  stop(): Promise<void>;
}

const COMPLETED = 'workflows.argoproj.io/completed';

/** True when a store event marks a workflow completed (the label the reconcile sets last). */
export function completedNow(e: StoreEvent): boolean {
  return (
    e.rk.endsWith('/workflows') &&
    e.object.metadata.labels?.[COMPLETED] === 'true' &&
    e.prev?.metadata.labels?.[COMPLETED] !== 'true'
  );
}

/** Starts the instrumented stack. */
export async function startBenchStack(
  tuning: BenchTuning = DEFAULT_TUNING,
  config: LocalStackOptions['config'] = {},
): Promise<BenchStack> {
  const logs: string[] = [];
  const stack = await startLocalStack({
    logger: captureLogger(logs),
    runtime: 'sim',
    resyncIntervalMs: 0,
    // As in AWS (infra/aws/queues.yml: 360 s ≥ the 60 s function timeout), a record stays invisible while
    // its reconcile runs; the stack's 5 s default would redeliver a long reconcile (10k pods) to a second
    // concurrent invocation of the same workflow.
    visibilityTimeoutSeconds: 60,
    watcher: false,
    clusterOptions: { simDefaults: { durationMs: tuning.podMs }, historySize: 200_000 },
    config,
  });
  const stops: (() => Promise<void> | void)[] = [() => stack.stop()];
  const sqs: Record<string, number> = {};
  const invocationMs: number[] = [];
  const storeWrites: Record<string, Record<string, number>> = {};
  const observers = new Set<(o: Observed) => void>();
  let functionsThread: FunctionsThread | undefined;
  try {
    await stack.control.pause();
    stack.queues.client.middlewareStack.add(
      (next, context) => async (args) => {
        const name = (context.commandName ?? 'unknown').replace(/Command$/, '');
        sqs[name] = (sqs[name] ?? 0) + 1;
        const out = await next(args);
        const messages = (out.output as { Messages?: unknown[] }).Messages;
        if (name === 'ReceiveMessage' && messages && messages.length > 0)
          sqs['ReceiveMessage:nonEmpty'] = (sqs['ReceiveMessage:nonEmpty'] ?? 0) + 1;
        return out;
      },
      { step: 'initialize', name: 'benchCountRequests' },
    );
    for (const [name, cluster] of stack.clusters.clusters) {
      const unsubscribe = cluster.server.state.store.subscribe((event) => {
        const t = performance.now();
        const byRes = (storeWrites[name] ??= {});
        const res = event.rk.split('/').pop() ?? event.rk;
        byRes[res] = (byRes[res] ?? 0) + 1;
        for (const o of observers) o({ t, cluster: name, event });
      });
      stops.push(unsubscribe);
    }
    const poller = tuning.functionsThread
      ? await startStackFunctionsThread(stack, {
          explicit: config,
          poller: {
            batchSize: tuning.batchSize,
            concurrency: tuning.concurrency,
            waitTimeSeconds: tuning.waitTimeSeconds,
          },
          ...(tuning.functionsRate ? { rate: tuning.functionsRate } : {}),
          onLog: (line) => logs.length < 50 && logs.push(line),
        })
      : benchPoller(stack, tuning, invocationMs);
    stops.push(() => poller.stop());
    if ('utilization' in poller) functionsThread = poller;

    const watcher: Watcher = await startWatcher({
      registry: stack.watcherRegistry,
      publisher: stack.runtime.publisher,
      logger: silentLogger,
      targetsPollMs: 2000,
      http: false,
      flushMs: tuning.flushMs,
      backoffMs: { initial: 200, max: 2000 },
      podStartHoldMs: loadConfig(config).watcherPodStartHoldMs,
    });
    stops.push(() => watcher.stop());
    for (let i = 0; i < 100 && !watcher.ready(); i++) await sleep(20);
    await watcher.syncTargets();
    await sleep(200);
  } catch (e) {
    for (const s of stops.reverse()) await Promise.resolve(s()).catch(() => undefined);
    throw e;
  }
  return {
    stack,
    tuning,
    sqs,
    invocationMs,
    logs,
    storeWrites,
    ...(functionsThread ? { functionsUtilization: functionsThread.utilization } : {}),
    observe(fn) {
      observers.add(fn);
      return () => observers.delete(fn);
    },
    reset() {
      for (const k of Object.keys(sqs)) delete sqs[k];
      invocationMs.length = 0;
      logs.length = 0;
      for (const k of Object.keys(storeWrites)) delete storeWrites[k];
      for (const c of stack.clusters.clusters.values()) c.resetStats();
    },
    async stop() {
      for (const s of stops.reverse()) await Promise.resolve(s()).catch(() => undefined);
    },
  };
}

/** The reconcile poller the bench chooses the options of, its invocations timed. */
function benchPoller(stack: LocalStack, tuning: BenchTuning, invocationMs: number[]): Poller {
  const handler = makeReconcileHandler(stack.runtime.reconcile);
  return startPoller({
    client: stack.queues.client,
    queueUrl: stack.queueUrls.work,
    logger: silentLogger,
    batchSize: tuning.batchSize,
    concurrency: tuning.concurrency,
    waitTimeSeconds: tuning.waitTimeSeconds,
    handler: async (event, context) => {
      const t = performance.now();
      try {
        return await handler(event, context);
      } finally {
        invocationMs.push(performance.now() - t);
      }
    },
  });
}

/** A logger that keeps the first 50 warnings/errors (message + error text), for reports. */
function captureLogger(into: string[]): Logger {
  const keep = (level: string) => (message: string, fields?: LogFields) => {
    if (into.length >= 50) return;
    const e = fields?.error;
    const detail = e instanceof Error ? `${e.name}: ${e.message}` : e ? JSON.stringify(e).slice(0, 300) : '';
    into.push(`${level} ${message}${detail ? ` — ${detail}` : ''}`);
  };
  const logger: Logger = {
    debug: () => {},
    info: () => {},
    warn: keep('WARN'),
    error: keep('ERROR'),
    child: () => logger,
  };
  return logger;
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Submits workflows (at most `parallel` submits in flight) and resolves when all have completed, as
 * seen at the main API server's store (no polling traffic). Rejects after `timeoutMs`.
 */
export async function runToCompletion(
  b: BenchStack,
  workflows: Workflow[],
  opts: { parallel?: number; timeoutMs?: number } = {},
): Promise<{ names: string[]; completedAt: Map<string, number>; phases: Map<string, string>; submittedAt: number }> {
  const names: string[] = [];
  const completedAt = new Map<string, number>();
  const phases = new Map<string, string>();
  let wake: () => void = () => {};
  const stopObserving = b.observe(({ t, event }) => {
    if (!completedNow(event)) return;
    completedAt.set(event.object.metadata.name, t);
    phases.set(event.object.metadata.name, String((event.object as KubeObject & Workflow).status?.phase));
    wake();
  });
  try {
    let next = 0;
    await Promise.all(
      Array.from({ length: Math.min(opts.parallel ?? 8, workflows.length) }, async () => {
        while (next < workflows.length) {
          const wf = workflows[next++] as Workflow;
          const created = await b.stack.submit(wf, 'argo');
          names.push(created.metadata.name ?? '');
        }
      }),
    );
    const submittedAt = performance.now();
    const deadline = Date.now() + (opts.timeoutMs ?? 120_000);
    // Runs on every completion: scan the names only once enough workflows have completed.
    const done = () => completedAt.size >= names.length && names.every((n) => completedAt.has(n));
    while (!done()) {
      if (Date.now() > deadline)
        throw new Error(
          `${names.filter((n) => !completedAt.has(n)).length} of ${names.length} workflows not completed`,
        );
      await new Promise<void>((r) => {
        wake = r;
        setTimeout(r, 500);
      });
    }
    return { names, completedAt, phases, submittedAt };
  } finally {
    stopObserving();
  }
}

const IMAGE = 'argoproj/argosay:v2';

/** A workflow of one DAG whose tasks all run template `work` (one container). */
export function dagWorkflow(prefix: string, tasks: { name: string; dependencies?: string[] }[]): Workflow {
  return {
    apiVersion: 'argoproj.io/v1alpha1',
    kind: 'Workflow',
    metadata: { generateName: `${prefix}-` },
    spec: {
      entrypoint: 'main',
      templates: [
        { name: 'main', dag: { tasks: tasks.map((t) => ({ ...t, template: 'work' })) } },
        { name: 'work', container: { image: IMAGE } },
      ],
    },
  };
}

/** An n-step chain t0 → t1 → … */
export function chainWorkflow(n: number): Workflow {
  return dagWorkflow(
    'chain',
    Array.from({ length: n }, (_, i) => (i === 0 ? { name: 't0' } : { name: `t${i}`, dependencies: [`t${i - 1}`] })),
  );
}

/** `a` → `m0..m{width-1}` → `z`. */
export function fanWorkflow(width: number): Workflow {
  const middle = Array.from({ length: width }, (_, i) => `m${i}`);
  return dagWorkflow('fan', [
    { name: 'a' },
    ...middle.map((name) => ({ name, dependencies: ['a'] })),
    { name: 'z', dependencies: middle },
  ]);
}

/** A one-pod workflow (Argo's `container` entrypoint). */
export function onePodWorkflow(): Workflow {
  return {
    apiVersion: 'argoproj.io/v1alpha1',
    kind: 'Workflow',
    metadata: { generateName: 'one-pod-' },
    spec: { entrypoint: 'main', templates: [{ name: 'main', container: { image: IMAGE } }] },
  };
}

const NODE_NAME = 'workflows.argoproj.io/node-name';

/** Records, per pod node name, when the server stored its create and its move to Succeeded. */
export function podClock(b: BenchStack): {
  created: Map<string, number>;
  succeeded: Map<string, number>;
  stop(): void;
} {
  const created = new Map<string, number>();
  const succeeded = new Map<string, number>();
  const phase = (o: KubeObject | undefined) => (o as { status?: { phase?: string } } | undefined)?.status?.phase;
  const stop = b.observe(({ t, event }) => {
    if (!event.rk.endsWith('/pods')) return;
    const node = event.object.metadata.annotations?.[NODE_NAME] ?? '';
    if (event.type === 'ADDED') created.set(node, t);
    if (phase(event.object) === 'Succeeded' && phase(event.prev) !== 'Succeeded') succeeded.set(node, t);
  });
  return { created, succeeded, stop };
}

/** Latency samples of one run (ms) and the run's wall time. */
export interface LatencyRun {
  samples: number[];
  wallMs: number;
}

/** Runs one workflow and returns its step latencies: next pod create − predecessor's Succeeded. */
async function latencyRun(b: BenchStack, shape: 'chain' | 'fan', size: number): Promise<LatencyRun> {
  const clock = podClock(b);
  try {
    const t0 = performance.now();
    const wf = shape === 'chain' ? chainWorkflow(size) : fanWorkflow(size);
    const { names, completedAt } = await runToCompletion(b, [wf], { timeoutMs: 120_000 });
    const name = names[0] as string;
    const wallMs = (completedAt.get(name) ?? t0) - t0;
    const at = (m: Map<string, number>, task: string) => {
      const v = m.get(`${name}.${task}`);
      if (v === undefined) throw new Error(`no timestamp for ${name}.${task}`);
      return v;
    };
    const samples: number[] = [];
    if (shape === 'chain') {
      for (let i = 1; i < size; i++) samples.push(at(clock.created, `t${i}`) - at(clock.succeeded, `t${i - 1}`));
    } else {
      const middle = Array.from({ length: size }, (_, i) => `m${i}`);
      for (const m of middle) samples.push(at(clock.created, m) - at(clock.succeeded, 'a'));
      samples.push(at(clock.created, 'z') - Math.max(...middle.map((m) => at(clock.succeeded, m))));
    }
    return { samples, wallMs };
  } finally {
    clock.stop();
  }
}

/** Step latency figures: every sample of every run pooled, plus each run's median. */
export interface LatencyFigures {
  chain50: { steps: number; runs: number; latencyMs: Summary; runMediansMs: Summary; wallMs: Summary };
  fan20: { width: number; runs: number; latencyMs: Summary; runMediansMs: Summary; wallMs: Summary };
  /** Reconcile invocations' wall times during these runs (ms). */
  invocationMs: Summary;
}

/** Bench 1 on a running bench stack: `runs` chains of 50 and `runs` fans of 20. */
export async function runLatencyBench(b: BenchStack, runs = 3): Promise<LatencyFigures> {
  const shapes = [
    ['chain', 50],
    ['fan', 20],
  ] as const;
  const out: Record<string, { samples: number[]; medians: number[]; walls: number[] }> = {};
  b.reset();
  for (let r = 0; r < runs; r++) {
    for (const [shape, size] of shapes) {
      const run = await latencyRun(b, shape, size);
      const o = (out[shape] ??= { samples: [], medians: [], walls: [] });
      o.samples.push(...run.samples);
      o.medians.push(median(run.samples));
      o.walls.push(run.wallMs);
    }
  }
  const fig = (k: string) => ({
    runs,
    latencyMs: summarize(out[k]?.samples ?? []),
    runMediansMs: summarize(out[k]?.medians ?? []),
    wallMs: summarize(out[k]?.walls ?? [], 0),
  });
  return {
    chain50: { steps: 50, ...fig('chain') },
    fan20: { width: 20, ...fig('fan') },
    invocationMs: summarize(b.invocationMs),
  };
}
