import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { decide } from '../../../src/engine/index.ts';
import type { Decision, ObservedPod } from '../../../src/engine/contract.ts';
import type { Workflow } from '../../../src/engine/types.ts';
import { applyDecision, applyPodActions } from './kubelet-sim.ts';
import { NOW, wfFromYaml } from './fixtures.ts';

const controller = { clusterName: 'main' };
const running = (pods: ObservedPod[]): ObservedPod[] =>
  pods.map((p) => ({ ...p, pod: { ...p.pod, status: { phase: 'Running' as const } } }));
const succeeded = (pods: ObservedPod[]): ObservedPod[] =>
  pods.map((p) => ({
    ...p,
    pod: {
      ...p.pod,
      status: {
        phase: 'Succeeded' as const,
        containerStatuses: [
          { name: 'main', state: { terminated: { exitCode: 0, finishedAt: '2026-01-02T15:04:06Z' } } },
        ],
      },
    },
  }));

/** Decides, applies, repeats: returns the workflow, pods and the decisions made. */
function step(wf: Workflow, pods: ObservedPod[]): { wf: Workflow; pods: ObservedPod[]; d: Decision } {
  const d = decide({ workflow: wf, pods, controller }, NOW);
  return { wf: applyDecision(wf, d), pods: applyPodActions(pods, d), d };
}

const yaml = (shutdownExit: string) => `
spec:
  entrypoint: main
  ${shutdownExit}
  templates:
  - name: main
    steps:
    - - {name: a, template: sleep}
    - - {name: b, template: sleep}
  - name: sleep
    container: {image: alpine, command: [sleep, '1d']}
  - name: bye
    container: {image: alpine, command: [echo, bye]}
`;

describe('spec.shutdown', () => {
  for (const strategy of ['Stop', 'Terminate'] as const) {
    test(`${strategy}: the running pod is deleted, its node fails, nothing new starts`, () => {
      let s = step(wfFromYaml(yaml('')), []);
      s = { ...s, pods: running(s.pods) };
      s = step(s.wf, s.pods);
      const wf = { ...s.wf, spec: { ...s.wf.spec, shutdown: strategy } };
      const d = decide({ workflow: wf, pods: s.pods, controller }, NOW);
      const deletes = d.actions.filter((a) => a.kind === 'DeletePod');
      assert.equal(deletes.length, 1);
      assert.equal(d.actions.filter((a) => a.kind === 'CreatePod').length, 0);
      const a = Object.values(d.status.nodes ?? {}).find((n) => n.name === 'wf[0].a');
      assert.equal(a?.phase, 'Failed');
      assert.equal(a?.message, `Stopped with strategy '${strategy}'`);
      assert.equal(d.status.phase, 'Failed');
      assert.equal(d.status.message, `Stopped with strategy '${strategy}'`);
      assert.equal(
        Object.values(d.status.nodes ?? {}).find((n) => n.name === 'wf[1].b'),
        undefined,
        'the next group never starts',
      );
    });
  }

  test('a pod that already finished keeps its own outcome', () => {
    let s = step(wfFromYaml(yaml('')), []);
    s = step(s.wf, succeeded(s.pods));
    const wf = { ...s.wf, spec: { ...s.wf.spec, shutdown: 'Stop' as const } };
    const d = decide({ workflow: wf, pods: s.pods, controller }, NOW);
    const b = Object.values(d.status.nodes ?? {}).find((n) => n.name === 'wf[1].b');
    assert.equal(b?.phase, 'Failed');
    assert.equal(b?.message, "Stopped with strategy 'Stop'");
  });

  test('Stop runs the exit handler; Terminate does not', () => {
    for (const [strategy, runs] of [
      ['Stop', true],
      ['Terminate', false],
    ] as const) {
      let s = step(wfFromYaml(yaml('onExit: bye')), []);
      s = { ...s, pods: running(s.pods) };
      const wf = { ...s.wf, spec: { ...s.wf.spec, shutdown: strategy } };
      s = step(wf, s.pods);
      const exit = Object.values(s.wf.status?.nodes ?? {}).find((n) => n.name === 'wf.onExit');
      if (runs) {
        assert.equal(exit?.phase, 'Pending', 'the exit handler starts');
        assert.equal(s.d.actions.filter((a) => a.kind === 'CreatePod').length, 1);
      } else {
        assert.equal(exit?.phase ?? 'Failed', 'Failed');
        assert.equal(s.d.actions.filter((a) => a.kind === 'CreatePod').length, 0);
        assert.equal(s.wf.status?.phase, 'Failed');
      }
    }
  });
});

describe('spec.shutdown and suspend nodes', () => {
  test('an active suspend node is stopped; a suspend started during shutdown is stopped too', () => {
    const wf = wfFromYaml(`
spec:
  entrypoint: main
  templates:
  - name: main
    steps:
    - - {name: wait, template: wait}
  - name: wait
    suspend: {}
`);
    let s = step(wf, []);
    assert.equal(Object.values(s.wf.status?.nodes ?? {}).find((n) => n.name === 'wf[0].wait')?.phase, 'Running');
    const stopped = { ...s.wf, spec: { ...s.wf.spec, shutdown: 'Stop' as const } };
    s = step(stopped, s.pods);
    const node = Object.values(s.wf.status?.nodes ?? {}).find((n) => n.name === 'wf[0].wait');
    assert.equal(node?.phase, 'Failed');
    assert.equal(node?.message, "Stopped with strategy 'Stop'");
    assert.equal(s.wf.status?.phase, 'Failed');
    const fresh = decide(
      { workflow: { ...wf, spec: { ...wf.spec, shutdown: 'Terminate' } }, pods: [], controller },
      NOW,
    );
    const first = Object.values(fresh.status.nodes ?? {}).find((n) => n.name === 'wf[0].wait');
    assert.equal(first?.phase, 'Failed');
    assert.equal(fresh.requeueAfterMs, 0, 'woken up at once so the parents roll up');
  });
});
