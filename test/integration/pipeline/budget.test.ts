// The write budget is a feature: guard it. Runs bench/pipeline.ts (sim kubelet) and checks what a
// one-pod workflow and the seed example cost on the embedded API servers.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runPipelineBench } from '../../../bench/pipeline.ts';

test('a one-pod workflow costs at most 5 state writes + 1 event; the seed example 1 write in cluster other', async () => {
  const { onePod, seed } = await runPipelineBench();
  assert.equal(onePod.phase, 'Succeeded');
  assert.equal(seed.phase, 'Succeeded');
  const main = onePod.perCluster.main!;
  const events = main.writesByResource.events ?? 0;
  assert.ok(main.writes - events <= 5, `state writes: ${JSON.stringify(main.writesByResource)}`);
  assert.ok(events <= 1, `events: ${events}`);
  assert.equal(main.writesByResource.pods, 1, 'exactly one pod create');
  assert.equal(seed.perCluster.other!.writes, 1, 'cluster other sees exactly its pod create');
});
