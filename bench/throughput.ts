/**
 * Throughput (bench 4): one-pod workflows per second sustained through the whole local stack (submit
 * N, time until the last one is completed, seen at the main API server), the CPU the process spent per
 * workflow, split by thread when the reconcile function runs on its own (src/local/functions-thread.ts:
 * the main thread's event loop — API servers, kubelets, fauxqs, watcher — bounds the rate at 1000 / its
 * CPU-ms per workflow, the functions thread at 1000 / its own), and the API server's own ceiling from
 * bench/apiserver.ts, so the bottleneck can be named. Anchor: Argo 270/min (4.5/s) with defaults.
 * Target: ≥ 150 workflows/s (issue 23).
 */
import { loadavg } from 'node:os';
import { monitorEventLoopDelay, performance as perf } from 'node:perf_hooks';
import { threadCpuMs, threadSplit, type ThreadSplit } from './thread-cpu.ts';
import { runApiServerBench, type ApiServerBenchFigures } from './apiserver.ts';
import { onePodWorkflow, runToCompletion, type BenchStack } from './latency.ts';
import { round, summarize, type Summary } from './baseline.ts';

export interface ThroughputRun {
  workflows: number;
  seconds: number;
  workflowsPerSec: number;
  /** When the last submit was answered (s from the start): the submit side's share. */
  submitSeconds: number;
  /** Process CPU (user+system) per workflow (ms); 1000 / this = the one-core ceiling. */
  cpuMsPerWorkflow: number;
  /** Share of one core the process used during the run (1 = saturated). */
  coreUtilisation: number;
  /** Event-loop delay during the run (ms): how long ready work waited for the loop. */
  loopDelayP99Ms: number;
  /** CPU ms per workflow by thread (Linux): which event loop is the ceiling. */
  threadCpuMsPerWorkflow?: ThreadSplit;
  /**
   * Event-loop utilisation during the run (share of the time each loop ran callbacks; 1 = never
   * idle): below 1 on a quiet machine, that loop waited for something else.
   */
  loopUtilisation: { main: number; functions?: number };
  /** API requests per workflow the functions made (every request the stack served but the submit). */
  functionRequestsPerWorkflow: number;
  /** The load average (1 min) at the end of the run: the machine is shared. */
  loadAvg1: number;
  failed: number;
}

export interface ThroughputFigures {
  runs: ThroughputRun[];
  workflowsPerSec: Summary;
  /** Completion-to-completion latency of single workflows under that load is not measured here. */
  apiServer: ApiServerBenchFigures;
  /** Argosy API requests per one-pod workflow (bench 2) → the API server's ceiling in workflows/s. */
  apiServerCeilingWorkflowsPerSec?: number;
}

/** Submits `n` one-pod workflows and waits for all. */
export async function throughputRun(b: BenchStack, n: number): Promise<ThroughputRun> {
  const loop = monitorEventLoopDelay({ resolution: 10 });
  loop.enable();
  const cpu0 = process.cpuUsage();
  const threads0 = threadCpuMs();
  const elu0 = { main: perf.eventLoopUtilization(), functions: b.functionsUtilization?.() };
  const requests0 = functionRequests(b);
  const t0 = performance.now();
  const { names, completedAt, phases, submittedAt } = await runToCompletion(
    b,
    Array.from({ length: n }, () => onePodWorkflow()),
    { parallel: 16, timeoutMs: Math.max(120_000, n * 500) },
  );
  const last = Math.max(...names.map((x) => completedAt.get(x) ?? t0));
  const seconds = (last - t0) / 1000;
  const cpu = process.cpuUsage(cpu0);
  const threads1 = threadCpuMs();
  const threads = threads1.size > 0 ? threadSplit(threads0, threads1, n) : undefined;
  const fn1 = b.functionsUtilization?.();
  const loopUtilisation = {
    main: round(perf.eventLoopUtilization(elu0.main).utilization, 2),
    ...(fn1 && elu0.functions
      ? { functions: round(perf.eventLoopUtilization(fn1, elu0.functions).utilization, 2) }
      : {}),
  };
  loop.disable();
  const cpuMs = (cpu.user + cpu.system) / 1000;
  return {
    workflows: n,
    seconds: round(seconds, 2),
    workflowsPerSec: round(n / seconds, 1),
    submitSeconds: round((submittedAt - t0) / 1000, 2),
    cpuMsPerWorkflow: round(cpuMs / n, 2),
    coreUtilisation: round(cpuMs / 1000 / seconds, 2),
    loopDelayP99Ms: round(loop.percentile(99) / 1e6, 1),
    failed: [...phases.values()].filter((p) => p !== 'Succeeded').length,
    ...(threads ? { threadCpuMsPerWorkflow: threads } : {}),
    loopUtilisation,
    functionRequestsPerWorkflow: round((functionRequests(b) - requests0) / n, 2),
    loadAvg1: round(loadavg()[0] ?? 0, 2),
  };
}

/** Requests every API server has served so far, but the workflows' creates (the bench's submits). */
function functionRequests(b: BenchStack): number {
  let total = 0;
  for (const c of b.stack.clusters.clusters.values())
    for (const e of c.stats().entries) if (!(e.verb === 'create' && e.resource === 'workflows')) total += e.count;
  return total;
}

/** Bench 4: `repeats` runs of `n` workflows, then the API server bench. */
export async function runThroughputBench(
  b: BenchStack,
  n: number,
  repeats: number,
  apiRequestsPerWorkflow?: number,
): Promise<ThroughputFigures> {
  const runs: ThroughputRun[] = [];
  for (let i = 0; i < repeats; i++) runs.push(await throughputRun(b, n));
  const apiServer = await runApiServerBench(Math.min(n, 500), 16);
  // The API server alone: keep-alive creates are its request ceiling; a workflow needs this many requests.
  const ceiling =
    apiRequestsPerWorkflow && apiRequestsPerWorkflow > 0
      ? round(apiServer.keepAliveCreatePerSec / apiRequestsPerWorkflow, 1)
      : undefined;
  return {
    runs,
    workflowsPerSec: summarize(
      runs.map((r) => r.workflowsPerSec),
      1,
    ),
    apiServer,
    ...(ceiling !== undefined ? { apiServerCeilingWorkflowsPerSec: ceiling } : {}),
  };
}
