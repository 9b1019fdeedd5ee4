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
    const wf = await stack.waitFor('argo', c.metadata.name!, isDone, 20_000);
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
