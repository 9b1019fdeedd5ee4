/**
 * A wide fan-out's finished children are not rendered again on every decide (`planStep`'s `settled`,
 * dag/execute-dag.ts): at 100,000 children, rendering each one's arguments every reconcile was most of
 * the decide. Counted: children rendered; and the decision is the one the full walk gives.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { decide } from '../../../src/engine/index.ts';
import type { ObservedPod, Snapshot } from '../../../src/engine/contract.ts';
import type { Workflow } from '../../../src/engine/types.ts';
import { rendered } from '../../../src/engine/run-step.ts';
import { advancePod, applyDecision, applyPodActions, simulateContainer } from './kubelet-sim.ts';

const now = new Date('2026-01-02T15:00:00Z');

function wide(count: number): Workflow {
  return {
    apiVersion: 'argoproj.io/v1alpha1',
    kind: 'Workflow',
    metadata: { name: 'wide', namespace: 'argo', uid: 'u-1' },
    spec: {
      entrypoint: 'main',
      templates: [
        {
          name: 'main',
          dag: {
            tasks: [
              {
                name: 'fan',
                template: 'work',
                withSequence: { count: String(count) },
                arguments: { parameters: [{ name: 'i', value: '{{item}}' }] },
              },
            ],
          },
        },
        { name: 'work', inputs: { parameters: [{ name: 'i' }] }, container: { image: 'argoproj/argosay:v2' } },
      ],
    },
  } as Workflow;
}

const decideOn = (wf: Workflow, pods: ObservedPod[], extra: Partial<Snapshot> = {}) =>
  decide({ workflow: wf, pods, controller: { clusterName: 'main' }, ...extra }, now);

describe('settled children of a fan-out', () => {
  test('1,000 children, 600 finished and stored: a decide renders the 400 others only', () => {
    const start = decideOn(wide(1000), []);
    let wf = applyDecision(wide(1000), start);
    let pods = applyPodActions([], start);
    const advance = (which: (i: number) => boolean) =>
      (pods = pods.map((p, i) => (which(i) ? advancePod(p, now, simulateContainer, false) : p)));
    advance(() => true); // Running
    wf = applyDecision(wf, decideOn(wf, pods));
    advance((i) => i < 600); // 600 Succeeded
    let before = rendered.count;
    const finishing = decideOn(wf, pods);
    assert.equal(rendered.count - before, 1000, 'finished now, not stored yet: every child rendered');
    wf = applyDecision(wf, finishing);
    const done = Object.values(wf.status?.nodes ?? {}).filter((n) => n.type === 'Pod' && n.phase === 'Succeeded');
    assert.equal(done.length, 600);
    before = rendered.count;
    const steady = decideOn(wf, pods);
    assert.equal(rendered.count - before, 400, 'the 600 settled children are not rendered');
    assert.deepEqual(steady.status, finishing.status, 'same status as the decide that walked them all');
    // The rest finish: the fan-out completes as before.
    advance(() => true);
    const last = decideOn(wf, pods);
    assert.equal(last.status.phase, 'Succeeded');
    assert.equal(last.status.progress, '1000/1000');
  });
});
