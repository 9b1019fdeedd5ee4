/**
 * Engine benchmark: time of one `decide` on a mid-run DAG (half the tasks Succeeded, the frontier
 * Running) for 100, 1,000 and 10,000 tasks in three shapes: a chain, a wide fan-out/fan-in, and a
 * square lattice (100×100 at 10k). Prints medians and t(10k)/t(1k); `runEngineBench()` returns them.
 *
 * Run: npx tsx bench/engine.ts
 */
import { decide, nodeId, podName } from '../src/engine/index.ts';
import type { ObservedPod, Snapshot } from '../src/engine/contract.ts';
import type { DAGTask, NodeStatus, Workflow } from '../src/engine/types.ts';

/** One measured shape/size. */
export interface EngineBenchRow {
  shape: 'chain' | 'fan-out-fan-in' | 'lattice';
  tasks: number;
  medianMs: number;
  /** Fastest run: less sensitive to a busy machine than the median. */
  minMs: number;
  runs: number;
}

/** All figures, plus the 10k/1k ratio per shape (linear ≈ 10). */
export interface EngineBenchResult {
  rows: EngineBenchRow[];
  ratio10kTo1k: Record<string, number>;
  /** The same ratio over the fastest runs (steadier on a busy machine). */
  ratio10kTo1kMin: Record<string, number>;
}

export type Shape = EngineBenchRow['shape'];

function tasksOf(shape: Shape, n: number): DAGTask[] {
  const t = (i: number, deps: number[]): DAGTask => {
    const task: DAGTask = { name: `t${i}`, template: 'work' };
    if (deps.length > 0) task.dependencies = deps.map((d) => `t${d}`);
    return task;
  };
  if (shape === 'chain') return Array.from({ length: n }, (_, i) => t(i, i === 0 ? [] : [i - 1]));
  if (shape === 'fan-out-fan-in') {
    const middle = Array.from({ length: n - 2 }, (_, i) => i + 1);
    return [t(0, []), ...middle.map((i) => t(i, [0])), t(n - 1, middle)];
  }
  const side = Math.round(Math.sqrt(n));
  const out: DAGTask[] = [];
  for (let r = 0; r < side; r++)
    for (let c = 0; c < side; c++) {
      const deps = r === 0 ? [] : c === 0 ? [(r - 1) * side] : [(r - 1) * side + c, (r - 1) * side + c - 1];
      out.push(t(r * side + c, deps));
    }
  return out;
}

/**
 * A steady mid-run snapshot: the first half of the tasks Succeeded, their direct followers Running (as
 * recorded by a previous decide), the rest not started. Built in O(n), so bench/size.ts uses it at 100k.
 */
export function midRunSnapshot(shape: Shape, n: number): Snapshot {
  const name = 'bench';
  const tasks = tasksOf(shape, n);
  const wf: Workflow = {
    metadata: {
      name,
      namespace: 'argo',
      uid: 'u',
      labels: {},
      annotations: { 'workflows.argoproj.io/pod-name-format': 'v2' },
    },
    spec: {
      entrypoint: 'main',
      templates: [
        { name: 'main', dag: { tasks } },
        { name: 'work', container: { image: 'argoproj/argosay:v2' } },
      ],
    },
  };
  const t0 = '2026-01-02T15:00:00Z';
  const nodes: Record<string, NodeStatus> = {};
  const root: NodeStatus = {
    id: name,
    name,
    displayName: name,
    type: 'DAG',
    templateName: 'main',
    templateScope: `local/${name}`,
    phase: 'Running',
    startedAt: t0,
    children: [],
  };
  nodes[name] = root;
  const done = new Set(tasks.slice(0, Math.floor(tasks.length / 2)).map((x) => x.name));
  const running = tasks.filter((x) => !done.has(x.name) && (x.dependencies ?? []).every((d) => done.has(d)));
  const pods: ObservedPod[] = [];
  const add = (task: DAGTask, phase: 'Succeeded' | 'Running'): void => {
    const nodeName = `${name}.${task.name}`;
    const id = nodeId(name, nodeName);
    nodes[id] = {
      id,
      name: nodeName,
      displayName: task.name,
      type: 'Pod',
      templateName: 'work',
      templateScope: `local/${name}`,
      phase,
      boundaryID: name,
      startedAt: t0,
      progress: phase === 'Succeeded' ? '1/1' : '0/1',
      hostNodeName: 'n1',
    };
    if (phase === 'Succeeded') Object.assign(nodes[id] as NodeStatus, { finishedAt: t0, outputs: { exitCode: '0' } });
    const deps = task.dependencies ?? [];
    if (deps.length === 0) root.children?.push(id);
    // push, not a copy per append: a copy is quadratic on the fan-in of a 100k fan-out.
    for (const d of deps) ((nodes[nodeId(name, `${name}.${d}`)] as NodeStatus).children ??= []).push(id);
    const status =
      phase === 'Succeeded'
        ? { phase, containerStatuses: [{ name: 'main', state: { terminated: { exitCode: 0, finishedAt: t0 } } }] }
        : { phase, containerStatuses: [{ name: 'main', state: { running: { startedAt: t0 } } }] };
    pods.push({
      cluster: 'main',
      namespace: 'argo',
      pod: {
        metadata: {
          name: podName(name, nodeName, 'work'),
          // Steady state: finished pods were labelled completed by an earlier decide.
          labels: { 'workflows.argoproj.io/completed': phase === 'Succeeded' ? 'true' : 'false' },
          annotations: { 'workflows.argoproj.io/node-id': id },
        },
        spec: { containers: [{ name: 'main' }], nodeName: 'n1' },
        status,
      },
    });
  };
  for (const task of tasks) if (done.has(task.name)) add(task, 'Succeeded');
  for (const task of running) add(task, 'Running');
  wf.status = { phase: 'Running', startedAt: t0, nodes };
  return { workflow: wf, pods, controller: { clusterName: 'main' } };
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)] as number;
}

/** Runs the benchmark and returns the figures (no printing). */
export function runEngineBench(sizes: number[] = [100, 1_000, 10_000]): EngineBenchResult {
  const rows: EngineBenchRow[] = [];
  const now = new Date('2026-01-02T15:10:00Z');
  for (const shape of ['chain', 'fan-out-fan-in', 'lattice'] as const) {
    for (const n of sizes) {
      const snapshot = midRunSnapshot(shape, n);
      const runs = n >= 10_000 ? 15 : 31;
      for (let i = 0; i < 3; i++) decide(snapshot, now);
      const times: number[] = [];
      // A fresh copy per run, as the runtime reads a new object each time: no cache carries over.
      // It is made outside the timed region, and only one copy is alive at a time (like a Lambda).
      for (let i = 0; i < runs; i++) {
        const fresh: Snapshot = { ...snapshot, workflow: structuredClone(snapshot.workflow) };
        const start = performance.now();
        decide(fresh, now);
        times.push(performance.now() - start);
      }
      rows.push({
        shape,
        tasks: n,
        medianMs: Math.round(median(times) * 100) / 100,
        minMs: Math.round(Math.min(...times) * 100) / 100,
        runs,
      });
    }
  }
  const ratio10kTo1k: Record<string, number> = {};
  const ratio10kTo1kMin: Record<string, number> = {};
  for (const shape of ['chain', 'fan-out-fan-in', 'lattice']) {
    const a = rows.find((r) => r.shape === shape && r.tasks === 1_000);
    const b = rows.find((r) => r.shape === shape && r.tasks === 10_000);
    if (a && b) ratio10kTo1k[shape] = Math.round((b.medianMs / a.medianMs) * 10) / 10;
    if (a && b) ratio10kTo1kMin[shape] = Math.round((b.minMs / a.minMs) * 10) / 10;
  }
  return { rows, ratio10kTo1k, ratio10kTo1kMin };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const result = runEngineBench();
  console.log('decide() on a mid-run DAG (half the tasks Succeeded), ms');
  console.log('shape            tasks    median_ms       min_ms');
  for (const r of result.rows)
    console.log(
      `${r.shape.padEnd(16)} ${String(r.tasks).padStart(6)} ${r.medianMs.toFixed(2).padStart(12)} ${r.minMs.toFixed(2).padStart(12)}`,
    );
  for (const [shape, ratio] of Object.entries(result.ratio10kTo1k))
    console.log(`t(10k)/t(1k) ${shape}: ${ratio} (median), ${result.ratio10kTo1kMin[shape]} (min)`);
}
