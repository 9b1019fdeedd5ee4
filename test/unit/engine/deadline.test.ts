import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { decide } from '../../../src/engine/index.ts';
import { advancePod, applyDecision, applyPodActions } from './kubelet-sim.ts';
import { byName } from './drive.ts';
import { NOW, wfFromYaml } from './fixtures.ts';

const controller = { clusterName: 'main' };
const at = (s: number): Date => new Date(NOW.getTime() + s * 1000);

describe('activeDeadlineSeconds', () => {
  const wf = wfFromYaml(`
spec:
  entrypoint: main
  activeDeadlineSeconds: 10
  templates:
  - name: main
    steps:
    - - {name: a, template: work}
    - - {name: b, template: work}
  - name: work
    activeDeadlineSeconds: "30"
    container: {image: alpine, args: [ok]}
`);

  test('pods get min(remaining workflow seconds, template value); decide wakes up at the deadline', () => {
    const d = decide({ workflow: wf, pods: [], controller }, NOW);
    const pod = d.actions[0]?.kind === 'CreatePod' ? d.actions[0].pod : undefined;
    assert.equal(pod?.spec.activeDeadlineSeconds, 10);
    assert.equal(d.requeueAfterMs, 10_000);
  });

  test('past it: the running pod node fails, its pod is deleted, no later step starts', () => {
    const first = decide({ workflow: wf, pods: [], controller }, NOW);
    const w = applyDecision(wf, first);
    const pods = applyPodActions([], first).map((p) =>
      advancePod(p, at(1), () => ({ exitCode: 0, stdout: '' }), false),
    );
    const d = decide({ workflow: w, pods, controller }, at(11));
    const n = byName({ ...w, status: d.status });
    assert.equal(n.get('wf[0].a')?.phase, 'Failed');
    assert.equal(n.get('wf[0].a')?.message, 'Step exceeded its deadline');
    assert.ok(d.actions.some((a) => a.kind === 'DeletePod'));
    assert.ok(!d.actions.some((a) => a.kind === 'CreatePod'));
    assert.equal(n.has('wf[1].b'), false);
    assert.equal(d.status.phase, 'Failed');
    assert.equal(d.requeueAfterMs, undefined);
  });

  test('a Pending node whose pod was never created fails too', () => {
    const first = decide({ workflow: wf, pods: [], controller }, NOW);
    const d = decide({ workflow: applyDecision(wf, first), pods: [], controller }, at(10));
    assert.equal(byName({ ...wf, status: d.status }).get('wf[0].a')?.message, 'Step exceeded its deadline');
    assert.deepEqual(d.actions, []);
  });
});
