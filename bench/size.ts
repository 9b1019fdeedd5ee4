/**
 * Size and scale (benches 5 and 6).
 *  - Engine scaling: `decide` on mid-run DAGs of 100 … 100k tasks (bench/engine.ts's runEngineBench),
 *    and the time ratio per 10× growth (≈10 = linear).
 *  - Status size: the largest workflow (pod nodes of a `withSequence` fan-out, the real node shape taken
 *    from a run on the local stack) whose object fits under 1 MiB as stored, and with its nodes
 *    gzip+base64-compressed as Argo's `status.compressedNodes`.
 *  - A wide workflow (10,000 pods; fewer with --quick) run through the local stack: does it complete,
 *    and if not, why.
 */
import { gzipSync } from 'node:zlib';
import { midRunSnapshot, runEngineBench, type EngineBenchRow } from './engine.ts';
import { decide, nodeId } from '../src/engine/index.ts';
import type { NodeStatus, Workflow } from '../src/engine/types.ts';
import { runToCompletion, type BenchStack } from './latency.ts';
import { round, summarize } from './baseline.ts';

export const MIB = 1024 * 1024;

/** A fan-out of `count` pods via withSequence (the spec stays small however wide it is). */
export function wideWorkflow(count: number): Workflow {
  return {
    apiVersion: 'argoproj.io/v1alpha1',
    kind: 'Workflow',
    metadata: { generateName: 'wide-' },
    spec: {
      entrypoint: 'main',
      templates: [
        { name: 'main', dag: { tasks: [{ name: 'fan', template: 'work', withSequence: { count: String(count) } }] } },
        { name: 'work', container: { image: 'argoproj/argosay:v2' } },
      ],
    },
  } as Workflow;
}

/** `wf` with `n` pod nodes shaped like `podNode` (ids and names as the engine makes them). */
export function syntheticWorkflow(wf: Workflow, root: NodeStatus, podNode: NodeStatus, n: number): Workflow {
  const name = wf.metadata.name ?? 'wide';
  const nodes: Record<string, NodeStatus> = {};
  const children: string[] = [];
  for (let i = 0; i < n; i++) {
    const display = `fan(${i}:${i})`;
    const nodeName = `${name}.${display}`;
    const id = nodeId(name, nodeName);
    children.push(id);
    nodes[id] = { ...podNode, id, name: nodeName, displayName: display };
  }
  nodes[root.id] = { ...root, children };
  return { ...wf, status: { ...wf.status, nodes } };
}

/** Bytes of the object as stored, and with nodes moved to gzip+base64 `compressedNodes`. */
export function sizes(wf: Workflow): { raw: number; compressed: number } {
  const raw = Buffer.byteLength(JSON.stringify(wf));
  const { nodes, ...rest } = wf.status ?? {};
  const compressedNodes = gzipSync(JSON.stringify(nodes ?? {})).toString('base64');
  const compressed = Buffer.byteLength(JSON.stringify({ ...wf, status: { ...rest, compressedNodes } }));
  return { raw, compressed };
}

/** Largest n in [1, hi] with fits(n) (fits is monotone). */
export function largest(fits: (n: number) => boolean, hi: number): number {
  let lo = 0;
  while (lo < hi) {
    const mid = Math.ceil((lo + hi) / 2);
    if (fits(mid)) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}

export interface WideRun {
  pods: number;
  completed: boolean;
  phase?: string;
  seconds: number;
  podsCreated: number;
  statusWritesAttempted: number;
  statusWritesStored: number;
  /** API requests on pods (creates include AlreadyExists answers; patches = `completed` labels). */
  podCreates: number;
  podPatches: number;
  /** The longest reconcile invocation (ms) and whether the stored status was compressed. */
  longestInvocationMs: number;
  compressed: boolean;
  /** Nodes offloaded to the node status store (status.offloadNodeStatusVersion). */
  offloaded: boolean;
  /** Distinct offloaded versions the stored workflow named over the run (one per status write offloaded). */
  offloadVersions: number;
  /** The bench process RSS after the run (MiB): every component of the stack runs in it. */
  rssMiB: number;
  /** Distinct warnings/errors the stack logged (why it did not complete). */
  errors: string[];
}

export interface SizeFigures {
  bytesPerNode: number;
  largestUnder1MiB: { raw: number; compressed: number };
  /** Size of a 10,000-node workflow object, raw and compressed (bytes). */
  tenThousandNodes: { raw: number; compressed: number };
  wide: WideRun;
  /** A smaller wide run that completes: where the real node shape comes from. */
  sample: { pods: number; seconds: number; objectBytes: number };
}

/** Runs one wide workflow; gives up after `timeoutMs` and reports what happened. */
export async function wideRun(
  b: BenchStack,
  pods: number,
  timeoutMs: number,
): Promise<{ run: WideRun; wf?: Workflow }> {
  b.reset();
  let created = 0;
  let stored = 0;
  const versions = new Set<string>();
  const stop = b.observe(({ event }) => {
    if (event.rk.endsWith('/pods') && event.type === 'ADDED') created++;
    if (event.rk.endsWith('/workflows') && event.type === 'MODIFIED') {
      stored++;
      const version = (event.object as Workflow).status?.offloadNodeStatusVersion;
      if (version) versions.add(version);
    }
  });
  const t0 = performance.now();
  let wf: Workflow | undefined;
  let phase: string | undefined;
  let thrown: string | undefined;
  try {
    const r = await runToCompletion(b, [wideWorkflow(pods)], { timeoutMs });
    const name = r.names[0] as string;
    phase = r.phases.get(name);
    wf = await b.stack.mainClient.request<Workflow>({
      method: 'GET',
      path: `/apis/argoproj.io/v1alpha1/namespaces/argo/workflows/${name}`,
    });
  } catch (e) {
    // not completed in time (or the submit failed): reported below with the stack's errors
    thrown = e instanceof Error ? e.message : String(e);
  } finally {
    stop();
  }
  const s = b.stack.clusters.get(b.stack.mainCluster).stats();
  const attempted = s.entries
    .filter((e) => e.resource.startsWith('workflows') && ['update', 'patch'].includes(e.verb))
    .reduce((a, e) => a + e.count, 0);
  const podVerb = (verb: string) =>
    s.entries.filter((e) => e.resource === 'pods' && e.verb === verb).reduce((a, e) => a + e.count, 0);
  const run: WideRun = {
    pods,
    completed: !!phase,
    ...(phase ? { phase } : {}),
    seconds: round((performance.now() - t0) / 1000, 1),
    podsCreated: created,
    statusWritesAttempted: attempted,
    statusWritesStored: stored,
    podCreates: podVerb('create'),
    podPatches: podVerb('patch'),
    longestInvocationMs: Math.round(Math.max(0, ...b.invocationMs)),
    compressed: !!wf?.status?.compressedNodes,
    offloaded: !!wf?.status?.offloadNodeStatusVersion || versions.size > 0,
    offloadVersions: versions.size,
    rssMiB: Math.round(process.memoryUsage().rss / 2 ** 20),
    errors: [...(thrown ? [thrown] : []), ...new Set(b.logs.map((l) => l.slice(0, 300)))].slice(0, 5),
  };
  return wf ? { run, wf } : { run };
}

/** Bench 6 on a running bench stack. `widePods`: 10,000 (full) or fewer (quick). */
export async function runSizeBench(b: BenchStack, widePods: number, wideTimeoutMs: number): Promise<SizeFigures> {
  const sample = await wideRun(b, 1000, 120_000);
  if (!sample.wf) throw new Error(`the 1,000-pod sample did not complete: ${sample.run.errors.join('; ')}`);
  const wf = sample.wf;
  const nodes = Object.values(wf.status?.nodes ?? {});
  const root = nodes.find((n) => n.type === 'DAG') as NodeStatus;
  const pod = nodes.find((n) => n.type === 'Pod') as NodeStatus;
  const at = (n: number) => sizes(syntheticWorkflow(wf, root, pod, n));
  const raw = largest((n) => at(n).raw <= MIB, 20_000);
  const compressed = largest((n) => at(n).compressed <= MIB, 200_000);
  const ten = at(10_000);
  const wide = await wideRun(b, widePods, wideTimeoutMs);
  return {
    bytesPerNode: Math.round((at(2000).raw - at(1000).raw) / 1000),
    largestUnder1MiB: { raw, compressed },
    tenThousandNodes: ten,
    wide: wide.run,
    sample: { pods: 1000, seconds: sample.run.seconds, objectBytes: Buffer.byteLength(JSON.stringify(wf)) },
  };
}

/** Engine scaling: rows and the time ratio per 10× growth, per shape. */
export function runEngineScaling(
  sizes: number[],
  bigRuns = 3,
): {
  rows: EngineBenchRow[];
  ratioPer10x: Record<string, Record<string, number>>;
} {
  // bench/engine.ts times 15 runs per size; above 10k the same mid-run snapshot is timed only
  // `bigRuns` times (each decide at 100k takes a good part of a second).
  const { rows } = runEngineBench(sizes.filter((n) => n <= 10_000));
  for (const n of sizes.filter((x) => x > 10_000)) rows.push(...bigEngineRows(n, bigRuns));
  rows.sort((a, b) => a.shape.localeCompare(b.shape) || a.tasks - b.tasks);
  const ratioPer10x: Record<string, Record<string, number>> = {};
  for (const r of rows) {
    const prev = rows.find((x) => x.shape === r.shape && x.tasks * 10 === r.tasks);
    if (prev) (ratioPer10x[r.shape] ??= {})[`${prev.tasks}→${r.tasks}`] = round(r.medianMs / prev.medianMs, 1);
  }
  return { rows, ratioPer10x };
}

/** `decide` on a fresh copy of each big snapshot, `runs` times per shape (one warm-up). */
export function bigEngineRows(n: number, runs: number): EngineBenchRow[] {
  const now = new Date('2026-01-02T15:10:00Z');
  return (['chain', 'fan-out-fan-in', 'lattice'] as const).map((shape) => {
    const snapshot = midRunSnapshot(shape, n);
    decide({ ...snapshot, workflow: structuredClone(snapshot.workflow) }, now);
    const times: number[] = [];
    for (let i = 0; i < runs; i++) {
      const fresh = { ...snapshot, workflow: structuredClone(snapshot.workflow) };
      const t = performance.now();
      decide(fresh, now);
      times.push(performance.now() - t);
    }
    const s = summarize(times, 2);
    return { shape, tasks: n, medianMs: s.median, minMs: s.min, runs };
  });
}
