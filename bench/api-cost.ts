/**
 * API cost (bench 2): Kubernetes API requests per one-pod workflow and per step, counted at the
 * embedded API servers (`stats()`), split by cluster and verb/resource. The submit itself is the
 * user's, not Argosy's, and is taken out. The kubelet runs in-process and writes straight to the store
 * (binding, pod status, events — a real kubelet makes those too), so its writes are derived as store
 * writes minus HTTP writes and shown separately. Anchor: ~40 writes per one-pod workflow for Argo.
 * Target: ≤ 5. Also measures what the serverless side did for the same workflows (bench 3's inputs).
 */
import type { Workflow } from '../src/engine/types.ts';
import { chainWorkflow, onePodWorkflow, runToCompletion, sleep, type BenchStack } from './latency.ts';
import { round } from './baseline.ts';

/** Requests of one cluster, averaged per workflow. */
export interface ClusterCounts {
  /** Argosy's requests (watcher + functions) by `verb resource`. */
  argosy: Record<string, number>;
  argosyReads: number;
  argosyWrites: number;
  /** Writes the in-process kubelet made (store writes not made over HTTP), by resource. */
  kubelet: Record<string, number>;
  kubeletWrites: number;
}

/** What a set of identical workflows cost, per workflow (exact totals divided by the count). */
export interface WorkflowCounts {
  workflows: number;
  podsPerWorkflow: number;
  perCluster: Record<string, ClusterCounts>;
  /** Argosy's writes per workflow, all clusters; and without Events (best-effort audit trail). */
  writes: number;
  writesWithoutEvents: number;
  reads: number;
  /** Serverless side, per workflow. */
  reconcileInvocations: number;
  timerInvocations: number;
  /** SQS requests by action; `ReceiveMessage:nonEmpty` = receives that returned messages. */
  sqs: Record<string, number>;
  /** Billed SQS requests tied to the work: sends, receives that returned messages, deletes. */
  sqsWorkRequests: number;
  /** Sum of reconcile invocations' wall time (ms). */
  reconcileMs: number;
}

const WRITE_VERBS = new Set(['create', 'update', 'patch', 'delete', 'deletecollection']);

/** Waits until no store write happened for `quietMs` (trailing label patches, events). */
async function settle(b: BenchStack, quietMs = 400, maxMs = 5000): Promise<void> {
  let last = performance.now();
  const stop = b.observe(({ t }) => (last = t));
  const end = performance.now() + maxMs;
  try {
    while (performance.now() - last < quietMs && performance.now() < end) await sleep(50);
  } finally {
    stop();
  }
}

/** Runs `workflows` one after another on a quiet stack and returns exact per-workflow counts. */
export async function measureCounts(b: BenchStack, make: () => Workflow, count: number): Promise<WorkflowCounts> {
  await settle(b);
  b.reset();
  const counters0 = { ...b.stack.runtime.counters };
  for (let i = 0; i < count; i++) await runToCompletion(b, [make()], { timeoutMs: 120_000 });
  await settle(b);
  const per = (x: number) => round(x / count, 2);
  const perCluster: Record<string, ClusterCounts> = {};
  let writes = 0;
  let reads = 0;
  let events = 0;
  for (const [name, cluster] of b.stack.clusters.clusters) {
    const s = cluster.stats();
    const argosy: Record<string, number> = {};
    const httpWritesByRes: Record<string, number> = {};
    let w = 0;
    let r = 0;
    for (const e of s.entries) {
      let n = e.count;
      // The user's submit is one create of a workflow per run.
      if (name === b.stack.mainCluster && e.verb === 'create' && e.resource === 'workflows') n -= count;
      if (n <= 0) continue;
      const key = `${e.verb} ${e.resource}`;
      argosy[key] = (argosy[key] ?? 0) + n;
      if (WRITE_VERBS.has(e.verb)) {
        w += n;
        const res = e.resource.split('/')[0] as string;
        httpWritesByRes[res] = (httpWritesByRes[res] ?? 0) + e.count;
        if (res === 'events') events += n;
      } else r += n;
    }
    const kubelet: Record<string, number> = {};
    let kw = 0;
    for (const [res, n] of Object.entries(b.storeWrites[name] ?? {})) {
      const k = n - (httpWritesByRes[res] ?? 0);
      if (k > 0) {
        kubelet[res] = per(k);
        kw += k;
      }
    }
    writes += w;
    reads += r;
    perCluster[name] = {
      argosy: Object.fromEntries(Object.entries(argosy).map(([k, v]) => [k, per(v)])),
      argosyReads: per(r),
      argosyWrites: per(w),
      kubelet,
      kubeletWrites: per(kw),
    };
  }
  const c = b.stack.runtime.counters;
  const sqs = Object.fromEntries(Object.entries(b.sqs).map(([k, v]) => [k, per(v)]));
  const sqsWork =
    (b.sqs.SendMessageBatch ?? 0) +
    (b.sqs.SendMessage ?? 0) +
    (b.sqs['ReceiveMessage:nonEmpty'] ?? 0) +
    (b.sqs.DeleteMessageBatch ?? 0) +
    (b.sqs.DeleteMessage ?? 0);
  const podsPerWorkflow = countPods(make());
  return {
    workflows: count,
    podsPerWorkflow,
    perCluster,
    writes: per(writes),
    writesWithoutEvents: per(writes - events),
    reads: per(reads),
    reconcileInvocations: per(c.reconcileInvocations - counters0.reconcileInvocations),
    timerInvocations: per(c.timerInvocations - counters0.timerInvocations),
    sqs,
    sqsWorkRequests: per(sqsWork),
    reconcileMs: per(b.invocationMs.reduce((a, x) => a + x, 0)),
  };
}

/** Pods a DAG-of-containers or single-container workflow runs. */
function countPods(wf: Workflow): number {
  const main = wf.spec?.templates?.find((t) => t.name === wf.spec?.entrypoint);
  return main?.dag?.tasks?.length ?? 1;
}

/** The seed example's shape: one pod in the main cluster, one in cluster `other`. */
export function seedWorkflow(): Workflow {
  return {
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
}

/** API cost figures: a one-pod workflow, a 20-step chain (per step), the two-cluster seed. */
export interface ApiCostFigures {
  onePod: WorkflowCounts;
  chain20: WorkflowCounts;
  /** chain20's writes/reads divided by its 20 steps. */
  perStep: { writes: number; writesWithoutEvents: number; reads: number };
  seed: WorkflowCounts;
}

/** Bench 2 on a running bench stack. */
export async function runApiCostBench(b: BenchStack, repeats = 5): Promise<ApiCostFigures> {
  const onePod = await measureCounts(b, onePodWorkflow, repeats);
  const chain20 = await measureCounts(b, () => chainWorkflow(20), Math.max(1, Math.round(repeats / 2)));
  const seed = await measureCounts(b, seedWorkflow, Math.max(1, Math.round(repeats / 2)));
  const perStep = {
    writes: round(chain20.writes / 20, 2),
    writesWithoutEvents: round(chain20.writesWithoutEvents / 20, 2),
    reads: round(chain20.reads / 20, 2),
  };
  return { onePod, chain20, perStep, seed };
}
