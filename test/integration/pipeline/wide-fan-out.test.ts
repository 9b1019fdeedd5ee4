// A fan-out wider than one reconcile may create: the creates are spread over several reconciles
// (each bounded, so a Lambda never runs out of time at the entry's QPS) and the workflow completes
// with exactly one pod per task, in both clusters.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Workflow } from '../../../src/engine/types.ts';
import { createLogger } from '../../../src/logger.ts';
import { startLocalStack } from '../../../src/local/stack.ts';
import { isDone, podsOf } from './helpers.ts';

function fanOut(width: number): Workflow {
  return {
    apiVersion: 'argoproj.io/v1alpha1',
    kind: 'Workflow',
    metadata: { generateName: 'wide-' },
    spec: {
      entrypoint: 'main',
      templates: [
        {
          name: 'main',
          dag: {
            tasks: Array.from({ length: width }, (_, i) => ({ name: `t${i}`, template: i % 2 ? 'remote' : 'local' })),
          },
        },
        { name: 'local', container: { image: 'argoproj/argosay:v2' } },
        { name: 'remote', clusterName: 'other', namespace: 'argo', container: { image: 'argoproj/argosay:v2' } },
      ],
    },
  } as Workflow;
}

test('a 25-wide fan-out with at most 10 pod creates per reconcile completes with one pod per task', async () => {
  const deferrals: number[] = [];
  const logger = createLogger({
    level: 'INFO',
    sink: (line) => {
      const r = JSON.parse(line) as { message: string; deferred?: number; created?: number };
      if (r.message === 'pod creates deferred to the next reconcile') deferrals.push(r.deferred ?? -1);
    },
  });
  const stack = await startLocalStack({ runtime: 'sim', resyncIntervalMs: 0, logger, config: { maxPodCreates: 10 } });
  try {
    const created = await stack.submit(fanOut(25), 'argo');
    const name = created.metadata.name!;
    const wf = await stack.waitFor('argo', name, isDone, 60_000);
    assert.equal(wf.status?.phase, 'Succeeded', wf.status?.message);
    assert.equal(wf.status?.progress, '25/25');
    const pods = await podsOf(stack, name);
    assert.equal(pods.length, 25, 'one pod per task');
    assert.equal(new Set(pods.map((p) => `${p.cluster}/${p.pod.metadata.name}`)).size, 25, 'no duplicates');
    assert.equal(pods.filter((p) => p.cluster === 'other').length, 12);
    assert.deepEqual(deferrals, [15, 5], 'creates spread over three reconciles: 10 + 10 + 5');
  } finally {
    await stack.stop();
  }
});
