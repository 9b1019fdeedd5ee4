// The write budget is a feature: guard it. Runs bench/pipeline.ts (sim kubelet) and checks what a
// one-pod workflow and the seed example cost on the embedded API servers.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runPipelineBench } from '../../../bench/pipeline.ts';

test('a one-pod workflow costs at most 6 state writes + 1 event; the seed example 2 writes in cluster other', async () => {
  const { onePod, seed } = await runPipelineBench();
  assert.equal(onePod.phase, 'Succeeded');
  assert.equal(seed.phase, 'Succeeded');
  const main = onePod.perCluster.main!;
  const events = main.writesByResource.events ?? 0;
  // pod create + pod completed label + 2 status writes + 2 label/annotation patches
  assert.ok(main.writes - events <= 6, `state writes: ${JSON.stringify(main.writesByResource)}`);
  assert.ok(events <= 1, `events: ${events}`);
  assert.ok((main.writesByResource.pods ?? 0) <= 2, 'one pod create (+ its completed label)');
  assert.ok(seed.perCluster.other!.writes <= 2, 'cluster other sees its pod create (+ its completed label) only');
});

test('on a Workflow CRD without a status subresource (like Argo’s), one PUT carries status and labels', async () => {
  const { startLocalStack } = await import('../../../src/local/stack.ts');
  const { chain, isDone } = await import('./helpers.ts');
  const stack = await startLocalStack({ runtime: 'sim', resyncIntervalMs: 0 });
  try {
    const path = '/apis/apiextensions.k8s.io/v1/customresourcedefinitions/workflows.argoproj.io';
    const crd = await stack.mainClient.request<{ spec: { versions: { subresources?: unknown }[] } }>({
      method: 'GET',
      path,
    });
    for (const v of crd.spec.versions) delete v.subresources;
    await stack.mainClient.request({ method: 'PUT', path, body: crd });
    stack.clusters.get('main').resetStats();
    const c = await stack.submit(chain('nosub', 1), 'argo');
    const wf = await stack.waitFor('argo', c.metadata.name!, isDone, 20_000);
    assert.equal(wf.status?.phase, 'Succeeded');
    assert.equal(wf.metadata.labels?.['workflows.argoproj.io/completed'], 'true');
    const stats = stack.clusters.get('main').stats();
    const count = (resource: string, verb: string) =>
      stats.entries.filter((e) => e.resource === resource && e.verb === verb).reduce((a, e) => a + e.count, 0);
    assert.equal(count('workflows/status', 'update'), 0, 'no status subresource writes');
    assert.equal(count('workflows', 'patch'), 0, 'no separate label patches');
    assert.ok(count('workflows', 'update') >= 2, 'status and labels travel in whole-object PUTs');
  } finally {
    await stack.stop();
  }
});
