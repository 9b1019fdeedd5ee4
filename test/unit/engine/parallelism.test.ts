import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { KubePod } from '../../../src/engine/contract.ts';
import type { Outcome } from './kubelet-sim.ts';
import { byName, drive, type Driven } from './drive.ts';
import { wfFromYaml } from './fixtures.ts';

/** `fail` exits 1 at once; `slow` runs for three more rounds; anything else succeeds. */
function timed(): (pod: KubePod) => Outcome {
  const seen = new Map<string, number>();
  return (pod) => {
    const arg = pod.spec.containers[0]?.args?.[0];
    const name = pod.metadata.name ?? '';
    const n = (seen.get(name) ?? 0) + 1;
    seen.set(name, n);
    if (arg === 'fail') return { exitCode: 1, stdout: '' };
    if (arg === 'slow' && n < 4) return { exitCode: 0, stdout: '', forever: true };
    return { exitCode: 0, stdout: '' };
  };
}

/** The most pods Pending/Running at once, as seen in any decided status. */
function maxActive(r: Driven, filter: (name: string) => boolean = () => true): number {
  let max = 0;
  for (const d of r.decisions) {
    const active = Object.values(d.status.nodes ?? {}).filter(
      (n) => n.type === 'Pod' && (n.phase === 'Pending' || n.phase === 'Running') && filter(n.name),
    ).length;
    max = Math.max(max, active);
  }
  return max;
}

describe('parallelism', () => {
  test('spec.parallelism caps active pods across a DAG fan-out; nodes are not created until a slot frees', () => {
    const wf = wfFromYaml(`
spec:
  entrypoint: main
  parallelism: 2
  templates:
  - name: main
    dag:
      tasks:
      - {name: A, template: work}
      - {name: B, template: work}
      - {name: C, template: work}
      - {name: D, template: work}
      - {name: E, template: work, depends: "A && B && C && D"}
  - name: work
    container: {image: alpine, args: [ok]}
`);
    const r = drive(wf);
    assert.equal(r.workflow.status?.phase, 'Succeeded');
    assert.equal(maxActive(r), 2);
    const first = r.decisions[0]?.status.nodes ?? {};
    assert.deepEqual(
      Object.values(first)
        .map((n) => n.name)
        .sort(),
      ['wf', 'wf.A', 'wf.B'],
    );
    // A freed slot is reused in the decide that sees the pod finish.
    assert.equal(r.decisions.filter((d) => d.actions.some((a) => a.kind === 'CreatePod')).length, 3);
  });

  test('template parallelism caps the active children of a steps template (loop items)', () => {
    const wf = wfFromYaml(`
spec:
  entrypoint: main
  templates:
  - name: main
    parallelism: 1
    steps:
    - - {name: s, template: work, withItems: [a, b, c]}
  - name: work
    container: {image: alpine, args: [ok]}
`);
    const r = drive(wf);
    assert.equal(r.workflow.status?.phase, 'Succeeded');
    assert.equal(maxActive(r), 1);
    assert.deepEqual(byName(r.workflow).get('wf[0]')?.children?.length, 3);
  });

  test('template parallelism on a DAG counts a nested steps node as one child', () => {
    const wf = wfFromYaml(`
spec:
  entrypoint: main
  templates:
  - name: main
    parallelism: 2
    dag:
      tasks:
      - {name: inner, template: inner}
      - {name: B, template: work}
      - {name: C, template: work}
  - name: inner
    steps:
    - - {name: x, template: work}
      - {name: y, template: work}
  - name: work
    container: {image: alpine, args: [ok]}
`);
    const r = drive(wf);
    assert.equal(r.workflow.status?.phase, 'Succeeded');
    // Argo walks the tasks in name order: B and C take the two slots, inner waits.
    const first = Object.values(r.decisions[0]?.status.nodes ?? {}).map((n) => n.name);
    assert.deepEqual(first.sort(), ['wf', 'wf.B', 'wf.C']);
    for (const d of r.decisions) {
      const children = Object.values(d.status.nodes ?? {}).filter(
        (n) =>
          n.boundaryID === 'wf' && ['Pod', 'Steps'].includes(n.type) && ['Pending', 'Running'].includes(n.phase ?? ''),
      );
      assert.ok(children.length <= 2, children.map((c) => c.name).join());
    }
    assert.equal(
      maxActive(r, (n) => n.startsWith('wf.inner')),
      2,
    );
  });

  test('steps failFast: no new child after a failure; once none runs, template and last group Failed with Argo message', () => {
    const wf = wfFromYaml(`
spec:
  entrypoint: main
  templates:
  - name: main
    parallelism: 2
    failFast: true
    steps:
    - - {name: step1, template: work, arguments: {parameters: [{name: a, value: fail}]}}
      - {name: step2, template: work, arguments: {parameters: [{name: a, value: slow}]}}
      - {name: step3, template: work, arguments: {parameters: [{name: a, value: ok}]}}
  - name: work
    inputs: {parameters: [{name: a}]}
    container: {image: alpine, args: ["{{inputs.parameters.a}}"]}
`);
    const r = drive(wf, { outcome: timed() });
    const n = byName(r.workflow);
    const message = 'template has failed or errored children and failFast enabled';
    assert.equal(r.workflow.status?.phase, 'Failed');
    assert.equal(r.workflow.status?.message, message);
    assert.equal(n.get('wf[0]')?.phase, 'Failed');
    assert.equal(n.get('wf[0]')?.message, message);
    assert.equal(n.get('wf[0].step1')?.phase, 'Failed');
    assert.equal(n.get('wf[0].step2')?.phase, 'Succeeded');
    assert.equal(n.has('wf[0].step3'), false);
  });

  test('DAG failFast with parallelism', () => {
    const wf = wfFromYaml(`
spec:
  entrypoint: main
  templates:
  - name: main
    parallelism: 2
    failFast: true
    dag:
      tasks:
      - {name: task1, template: work, arguments: {parameters: [{name: a, value: fail}]}}
      - {name: task2, template: work, arguments: {parameters: [{name: a, value: slow}]}}
      - {name: task3, template: work, arguments: {parameters: [{name: a, value: ok}]}}
  - name: work
    inputs: {parameters: [{name: a}]}
    container: {image: alpine, args: ["{{inputs.parameters.a}}"]}
`);
    const r = drive(wf, { outcome: timed() });
    const n = byName(r.workflow);
    assert.equal(r.workflow.status?.message, 'template has failed or errored children and failFast enabled');
    assert.equal(n.get('wf.task1')?.phase, 'Failed');
    assert.equal(n.get('wf.task2')?.phase, 'Succeeded');
    assert.equal(n.has('wf.task3'), false);
  });

  test('continueOn still applies with parallelism', () => {
    const wf = wfFromYaml(`
spec:
  entrypoint: main
  parallelism: 1
  templates:
  - name: main
    steps:
    - - {name: a, template: work, arguments: {parameters: [{name: a, value: fail}]}, continueOn: {failed: true}}
      - {name: b, template: work, arguments: {parameters: [{name: a, value: ok}]}}
  - name: work
    inputs: {parameters: [{name: a}]}
    container: {image: alpine, args: ["{{inputs.parameters.a}}"]}
`);
    const r = drive(wf, { outcome: timed() });
    assert.equal(r.workflow.status?.phase, 'Succeeded');
    assert.equal(maxActive(r), 1);
  });
});
