// Pipeline bench: what one workflow costs end to end through the real protocols (watcher → SQS →
// reconcile → API servers), measured from the embedded API servers' own request counters.
// Run: `npx tsx bench/pipeline.ts` (uses the sim kubelet; the commands do not matter here).
import { pathToFileURL } from 'node:url';
import type { Workflow } from '../src/engine/types.ts';
import { startLocalStack, type LocalStack } from '../src/local/stack.ts';

/** Figures of one bench run. */
export interface PipelineFigures {
  workflow: string;
  phase: string;
  nudgesSent: number;
  reconcileInvocations: number;
  /** SQS records those invocations received (several nudges of one workflow can share a batch). */
  reconcileRecords: number;
  reconciles: number;
  timerInvocations: number;
  perCluster: Record<string, { reads: number; writes: number; writesByResource: Record<string, number> }>;
  totalWrites: number;
}

const ONE_POD: Workflow = {
  apiVersion: 'argoproj.io/v1alpha1',
  kind: 'Workflow',
  metadata: { generateName: 'one-pod-' },
  spec: { entrypoint: 'main', templates: [{ name: 'main', container: { image: 'argoproj/argosay:v2' } }] },
};

const SEED: Workflow = {
  apiVersion: 'argoproj.io/v1alpha1',
  kind: 'Workflow',
  metadata: { generateName: 'multi-cluster-' },
  spec: {
    entrypoint: 'main',
    templates: [
      {
        name: 'main',
        dag: {
          tasks: [
            { name: 'this', template: 'this' },
            { name: 'other', template: 'other' },
          ],
        },
      },
      { name: 'this', container: { image: 'argoproj/argosay:v2' } },
      {
        name: 'other',
        clusterName: 'other',
        namespace: 'argo',
        serviceAccount: 'workflow',
        container: { image: 'argoproj/argosay:v2' },
      },
    ],
  },
};

/** Submits one workflow on a quiet stack and measures it; the bench's own polling is not counted. */
async function measure(stack: LocalStack, wf: Workflow): Promise<PipelineFigures> {
  const names = [...stack.clusters.clusters.keys()];
  const c0 = { ...stack.runtime.counters };
  for (const n of names) stack.clusters.get(n).resetStats();
  const created = await stack.submit(wf, 'argo');
  const name = created.metadata.name ?? '';
  let polls = 0;
  let done: Workflow | undefined;
  for (let i = 0; i < 600 && !done; i++) {
    await new Promise((r) => setTimeout(r, 100));
    polls++;
    const w = await stack.mainClient.request<Workflow>({
      method: 'GET',
      path: `/apis/argoproj.io/v1alpha1/namespaces/argo/workflows/${name}`,
    });
    if (w.metadata.labels?.['workflows.argoproj.io/completed'] === 'true') done = w;
  }
  // Let trailing nudges (pod label changes) drain so their reconciles are counted too.
  await new Promise((r) => setTimeout(r, 1500));
  const perCluster: PipelineFigures['perCluster'] = {};
  let totalWrites = 0;
  for (const n of names) {
    const s = stack.clusters.get(n).stats();
    const writesByResource: Record<string, number> = {};
    for (const [res, v] of Object.entries(s.byResource)) if (v.writes > 0) writesByResource[res] = v.writes;
    // The submit (1 write) and the bench's polling GETs are ours, not the pipeline's.
    const own = n === stack.mainCluster ? { reads: polls, writes: 1 } : { reads: 0, writes: 0 };
    if (n === stack.mainCluster && writesByResource.workflows) writesByResource.workflows -= 1;
    perCluster[n] = { reads: s.reads - own.reads, writes: s.writes - own.writes, writesByResource };
    totalWrites += s.writes - own.writes;
  }
  const c1 = stack.runtime.counters;
  return {
    workflow: name,
    phase: done?.status?.phase ?? 'timeout',
    // Everything goes through the runtime publisher: watcher nudges, resync, timer wake-ups.
    nudgesSent: c1.nudgesPublished - c0.nudgesPublished,
    reconcileInvocations: c1.reconcileInvocations - c0.reconcileInvocations,
    reconcileRecords: c1.reconcileRecords - c0.reconcileRecords,
    reconciles: c1.reconciles - c0.reconciles,
    timerInvocations: c1.timerInvocations - c0.timerInvocations,
    perCluster,
    totalWrites,
  };
}

/** Runs the bench: a one-pod workflow, then the seed example. */
export async function runPipelineBench(): Promise<{ onePod: PipelineFigures; seed: PipelineFigures }> {
  const stack = await startLocalStack({ runtime: 'sim', resyncIntervalMs: 0 });
  try {
    await new Promise((r) => setTimeout(r, 500)); // watches established
    const onePod = await measure(stack, ONE_POD);
    const seed = await measure(stack, SEED);
    return { onePod, seed };
  } finally {
    await stack.stop();
  }
}

function print(title: string, f: PipelineFigures): void {
  console.log(`\n${title}: ${f.workflow} → ${f.phase}`);
  console.log(`  messages sent to SQS (watcher nudges + wake-ups): ${f.nudgesSent}`);
  console.log(
    `  reconcile invocations: ${f.reconcileInvocations} (${f.reconcileRecords} records, ${f.reconciles} reconciles); timer invocations: ${f.timerInvocations}`,
  );
  for (const [cluster, c] of Object.entries(f.perCluster)) {
    console.log(`  cluster ${cluster}: ${c.reads} reads, ${c.writes} writes ${JSON.stringify(c.writesByResource)}`);
  }
  const events = Object.values(f.perCluster).reduce((a, c) => a + (c.writesByResource.events ?? 0), 0);
  console.log(`  total API writes: ${f.totalWrites} (${f.totalWrites - events} state + ${events} events)`);
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const { onePod, seed } = await runPipelineBench();
  print('one-pod workflow', onePod);
  console.log(`  anchor: Argo ~40 writes per one-pod workflow (anchors.md); target ≤ 5`);
  print('seed example (2 pods, 2 clusters)', seed);
}
