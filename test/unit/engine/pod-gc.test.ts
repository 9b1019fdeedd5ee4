import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { decide } from '../../../src/engine/index.ts';
import type { Decision, ObservedPod } from '../../../src/engine/contract.ts';
import type { Workflow } from '../../../src/engine/types.ts';
import { matchesSelector } from '../../../src/engine/pod-gc.ts';
import { applyDecision, applyPodActions } from './kubelet-sim.ts';
import { NOW, wfFromYaml } from './fixtures.ts';

const controller = { clusterName: 'main' };
const LATER = new Date(NOW.getTime() + 60_000);

function finish(pods: ObservedPod[], name: string, exitCode: number): ObservedPod[] {
  return pods.map((p) =>
    p.pod.metadata.annotations?.['workflows.argoproj.io/node-name'] === name
      ? {
          ...p,
          pod: {
            ...p.pod,
            status: {
              phase: exitCode === 0 ? ('Succeeded' as const) : ('Failed' as const),
              containerStatuses: [
                { name: 'main', state: { terminated: { exitCode, finishedAt: '2026-01-02T15:04:05Z' } } },
              ],
            },
          },
        }
      : p,
  );
}

/** Runs steps a then b (exit codes given) under a podGC spec; returns each decision's deletes. */
function run(gc: string, codes: [number, number]): { deletes: string[][]; last: Decision; wf: Workflow } {
  let wf = wfFromYaml(`
spec:
  entrypoint: main
  podGC: ${gc}
  templates:
  - name: main
    steps:
    - - {name: a, template: t}
    - - {name: b, template: t, continueOn: {failed: true}}
  - name: t
    metadata: {labels: {keep: "no"}}
    container: {image: alpine, command: ['true']}
`);
  let pods: ObservedPod[] = [];
  const deletes: string[][] = [];
  let last: Decision | undefined;
  for (const [i, nodeName] of [
    [0, 'wf[0].a'],
    [1, 'wf[1].b'],
  ] as const) {
    let d = decide({ workflow: wf, pods, controller }, LATER);
    wf = applyDecision(wf, d);
    pods = finish(applyPodActions(pods, d), nodeName, codes[i]);
    d = decide({ workflow: wf, pods, controller }, LATER);
    wf = applyDecision(wf, d);
    pods = applyPodActions(pods, d);
    deletes.push(d.actions.flatMap((a) => (a.kind === 'DeletePod' ? [a.name] : [])));
    last = d;
  }
  return { deletes, last: last as Decision, wf };
}

describe('podGC', () => {
  test('pods carry the pod-gc-strategy annotation', () => {
    const wf = wfFromYaml(`
spec:
  entrypoint: t
  podGC: {strategy: OnPodSuccess, deleteDelayDuration: 30s}
  templates: [{name: t, container: {image: alpine}}]
`);
    const d = decide({ workflow: wf, pods: [], controller }, NOW);
    const a = d.actions[0];
    assert.ok(a?.kind === 'CreatePod');
    assert.equal(a.pod.metadata.annotations?.['workflows.argoproj.io/pod-gc-strategy'], 'OnPodSuccess/30s');
  });
  test('OnPodCompletion: each pod as its node completes', () => {
    const r = run('{strategy: OnPodCompletion}', [0, 1]);
    assert.deepEqual(
      r.deletes.map((d) => d.length),
      [1, 1],
    );
  });
  test('OnPodSuccess: only succeeded pods', () => {
    const r = run('{strategy: OnPodSuccess}', [0, 1]);
    assert.deepEqual(
      r.deletes.map((d) => d.length),
      [1, 0],
    );
  });
  test('OnWorkflowCompletion: every pod once the workflow completes', () => {
    const r = run('{strategy: OnWorkflowCompletion}', [0, 1]);
    assert.deepEqual(
      r.deletes.map((d) => d.length),
      [0, 2],
    );
    assert.equal(r.last.actions.filter((a) => a.kind === 'LabelPodCompleted').length, 0, 'deleted, not labelled');
  });
  test('OnWorkflowSuccess: nothing when the workflow fails', () => {
    assert.deepEqual(run('{strategy: OnWorkflowSuccess}', [0, 0]).deletes[1]?.length, 2);
    assert.deepEqual(run('{strategy: OnWorkflowSuccess}', [1, 0]).deletes.flat(), []);
  });
  test('labelSelector limits what is collected', () => {
    const r = run('{strategy: OnPodCompletion, labelSelector: {matchLabels: {keep: "yes"}}}', [0, 0]);
    assert.deepEqual(r.deletes.flat(), []);
  });
  test('deleteDelayDuration: waits (and asks to be woken up) while the workflow runs', () => {
    const wf = wfFromYaml(`
spec:
  entrypoint: main
  podGC: {strategy: OnPodCompletion, deleteDelayDuration: 5m}
  templates:
  - name: main
    steps: [[{name: a, template: t}], [{name: b, template: t}]]
  - name: t
    container: {image: alpine}
`);
    const d1 = decide({ workflow: wf, pods: [], controller }, NOW);
    const wf1 = applyDecision(wf, d1);
    const pods = finish(applyPodActions([], d1), 'wf[0].a', 0);
    const d2 = decide({ workflow: wf1, pods, controller }, NOW);
    assert.equal(d2.actions.filter((a) => a.kind === 'DeletePod').length, 0);
    assert.ok(d2.requeueAfterMs !== undefined && d2.requeueAfterMs <= 300_000 && d2.requeueAfterMs > 0);
  });
  test('selector semantics', () => {
    const sel = {
      matchExpressions: [
        { key: 'a', operator: 'In', values: ['1'] },
        { key: 'b', operator: 'DoesNotExist' },
      ],
    };
    assert.equal(matchesSelector({ a: '1' }, sel), true);
    assert.equal(matchesSelector({ a: '1', b: 'x' }, sel), false);
    assert.equal(matchesSelector({ a: '2' }, sel), false);
  });
});
