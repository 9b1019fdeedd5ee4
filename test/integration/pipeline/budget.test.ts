// The write budget is a feature: guard it. Runs bench/pipeline.ts (sim kubelet) and checks what a
// one-pod workflow and the seed example cost on the embedded API servers.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runPipelineBench } from '../../../bench/pipeline.ts';

test('on Argo’s Workflow CRD a one-pod workflow costs at most 5 writes, event included; the seed 2 in other', async () => {
  const { onePod, seed } = await runPipelineBench();
  assert.equal(onePod.phase, 'Succeeded');
  assert.equal(seed.phase, 'Succeeded');
  const main = onePod.perCluster.main!;
  // pod create + up to 3 whole-object PUTs (node Pending, Running, Succeeded; status and labels
  // together) + 1 event. The last pod of a completing workflow is not labelled completed (ADR 0006).
  assert.ok(main.writes <= 5, `writes: ${JSON.stringify(main.writesByResource)}`);
  assert.ok((main.writesByResource.events ?? 0) <= 1, 'at most the outcome event');
  assert.equal(main.writesByResource.pods ?? 0, 1, 'one pod create, nothing else on pods');
  assert.equal(main.writesByResource['workflows/status'] ?? 0, 0, 'no status subresource on Argo’s CRD');
  assert.ok(seed.perCluster.other!.writes <= 2, 'cluster other sees its pod create (+ at most its completed label)');
});

test('on a Workflow CRD with a status subresource, status goes through /status and labels by patch', async () => {
  const { startLocalStack } = await import('../../../src/local/stack.ts');
  const { chain, isDone } = await import('./helpers.ts');
  const stack = await startLocalStack({ runtime: 'sim', resyncIntervalMs: 0 });
  try {
    const path = '/apis/apiextensions.k8s.io/v1/customresourcedefinitions/workflows.argoproj.io';
    const crd = await stack.mainClient.request<{ spec: { versions: { subresources?: unknown }[] } }>({
      method: 'GET',
      path,
    });
    for (const v of crd.spec.versions) v.subresources = { status: {} };
    await stack.mainClient.request({ method: 'PUT', path, body: crd });
    stack.clusters.get('main').resetStats();
    const c = await stack.submit(chain('withsub', 1), 'argo');
    // Status first, then the completed label by its own patch: wait for both.
    const labelled = (w: Parameters<typeof isDone>[0]) =>
      isDone(w) && w.metadata.labels?.['workflows.argoproj.io/completed'] === 'true';
    const wf = await stack.waitFor('argo', c.metadata.name!, labelled, 20_000);
    assert.equal(wf.status?.phase, 'Succeeded');
    assert.equal(wf.metadata.labels?.['workflows.argoproj.io/completed'], 'true');
    const stats = stack.clusters.get('main').stats();
    const count = (resource: string, verb: string) =>
      stats.entries.filter((e) => e.resource === resource && e.verb === verb).reduce((a, e) => a + e.count, 0);
    assert.ok(count('workflows/status', 'update') >= 2, 'status travels through the subresource');
    assert.ok(count('workflows', 'patch') >= 1, 'labels travel in merge patches');
    assert.equal(count('workflows', 'update'), 0, 'no whole-object PUTs');
    // The submit's own create is the user's write, not Argosy's.
    const writes = stats.entries.filter((e) => !['get', 'list', 'watch'].includes(e.verb));
    const total = writes.reduce((a, e) => a + e.count, 0) - count('workflows', 'create');
    assert.ok(total <= 7, `6 state writes + 1 event at most: ${JSON.stringify(writes)}`);
  } finally {
    await stack.stop();
  }
});

test('API budget, counted: a one-pod workflow ≤ 4 writes and ≤ 5 reads, a chain step ≤ 3 writes; nudges already seen cost nothing', async () => {
  const { startBenchStack, onePodWorkflow, chainWorkflow } = await import('../../../bench/latency.ts');
  const { measureCounts } = await import('../../../bench/api-cost.ts');
  // Production's secret cache (30 s) instead of local mode's 1 s, so the registry's secret read is
  // amortised as in Lambda, and Argo's 10 s requeue as the pod start hold: the counts do not depend on
  // how fast this machine runs a pod (a pod ending within the hold costs no reconcile for its start).
  const b = await startBenchStack(undefined, { secretCacheMs: 30_000, watcherPodStartHoldMs: 10_000 });
  try {
    const one = await measureCounts(b, onePodWorkflow, 3);
    const main = one.perCluster.main!;
    const detail = JSON.stringify(main.argosy);
    // pod create, PUT (node Pending), PUT (Succeeded, completed label), the WorkflowSucceeded event.
    assert.ok(one.writes <= 4, `writes per one-pod workflow: ${one.writes} ${detail}`);
    // workflow GET + pod list per reconcile, two reconciles; the secret and CRD discovery once per process.
    assert.ok(one.reads <= 5, `reads per one-pod workflow: ${one.reads} ${detail}`);
    assert.ok((main.argosy['get workflows'] ?? 0) <= 2, `no reconcile for nudges already seen: ${detail}`);
    assert.equal(main.argosy['create pods'], 1, detail);
    const steps = 5;
    const chain = await measureCounts(b, () => chainWorkflow(steps), 1);
    const c = chain.perCluster.main!;
    // Per step: its pod create, one PUT, the completed label of the pod before (the first step has no
    // pod before it; the last PUT stores the workflow's end).
    assert.ok(chain.writesWithoutEvents <= 3 * steps, `chain writes: ${JSON.stringify(c.argosy)}`);
    assert.ok((c.argosy['create events'] ?? 0) <= 1, 'the outcome event only');
    assert.ok((c.argosy['get workflows'] ?? 0) <= steps + 1, `one reconcile per step: ${JSON.stringify(c.argosy)}`);
  } finally {
    await b.stop();
  }
});
