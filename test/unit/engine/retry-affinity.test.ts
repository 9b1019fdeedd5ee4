/**
 * retryStrategy.affinity.nodeAntiAffinity as Argo applies it: each retried pod gets a required node
 * affinity `kubernetes.io/hostname NotIn <hosts of failed attempts>`, merged into its own affinity.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { KubePod } from '../../../src/engine/contract.ts';
import { addHostsToAffinity } from '../../../src/engine/retry/retry-affinity.ts';
import { runWorkflow } from './kubelet-sim.ts';
import { wfFromYaml } from './fixtures.ts';

const yaml = (affinity: string) => `
spec:
  entrypoint: flaky
  templates:
  - name: flaky
    retryStrategy: {limit: 2${affinity}}
    affinity: {nodeAffinity: {requiredDuringSchedulingIgnoredDuringExecution: {nodeSelectorTerms: [{matchExpressions: [{key: zone, operator: In, values: [a]}]}]}}}
    container: {image: alpine, command: [sh, -c, "exit 1"]}
`;

function createdPods(affinity: string): KubePod[] {
  const r = runWorkflow(wfFromYaml(yaml(affinity)));
  assert.equal(r.workflow.status?.phase, 'Failed');
  return r.decisions.flatMap((d) => d.actions.flatMap((a) => (a.kind === 'CreatePod' ? [a.pod] : [])));
}

const terms = (p: KubePod | undefined) =>
  (
    p?.spec.affinity as {
      nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: unknown[] } };
    }
  ).nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms;

describe('retryStrategy.affinity.nodeAntiAffinity', () => {
  test('attempts after a failure avoid its host, added to the pod’s own terms', () => {
    const pods = createdPods(', affinity: {nodeAntiAffinity: {}}');
    assert.equal(pods.length, 3);
    assert.deepEqual(terms(pods[0]), [{ matchExpressions: [{ key: 'zone', operator: 'In', values: ['a'] }] }]);
    for (const p of pods.slice(1))
      assert.deepEqual(terms(p), [
        {
          matchExpressions: [
            { key: 'zone', operator: 'In', values: ['a'] },
            { key: 'kubernetes.io/hostname', operator: 'NotIn', values: ['node-1'] },
          ],
        },
      ]);
  });

  test('without nodeAntiAffinity the pods keep their own affinity', () => {
    for (const p of createdPods('')) assert.equal(terms(p).length, 1);
  });

  test('merging follows Argo: an existing hostname NotIn gets the new hosts, no duplicates', () => {
    const own = {
      nodeAffinity: {
        requiredDuringSchedulingIgnoredDuringExecution: {
          nodeSelectorTerms: [
            { matchExpressions: [{ key: 'kubernetes.io/hostname', operator: 'NotIn', values: ['x'] }] },
          ],
        },
      },
    };
    assert.deepEqual(addHostsToAffinity(['x', 'y'], own), {
      nodeAffinity: {
        requiredDuringSchedulingIgnoredDuringExecution: {
          nodeSelectorTerms: [
            { matchExpressions: [{ key: 'kubernetes.io/hostname', operator: 'NotIn', values: ['x', 'y'] }] },
          ],
        },
      },
    });
    assert.deepEqual(addHostsToAffinity(['h'], undefined), {
      nodeAffinity: {
        requiredDuringSchedulingIgnoredDuringExecution: {
          nodeSelectorTerms: [
            { matchExpressions: [{ key: 'kubernetes.io/hostname', operator: 'NotIn', values: ['h'] }] },
          ],
        },
      },
    });
    assert.equal(addHostsToAffinity([], undefined), undefined);
  });
});
