import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { decide } from '../../../src/engine/index.ts';
import type { KubePod } from '../../../src/engine/contract.ts';
import { advancePod, applyDecision, applyPodActions } from './kubelet-sim.ts';
import { byArgs, byName, drive } from './drive.ts';
import { NOW, wfFromYaml } from './fixtures.ts';

const creates = (r: ReturnType<typeof drive>): KubePod[] =>
  r.decisions.flatMap((d) => d.actions).flatMap((a) => (a.kind === 'CreatePod' ? [a.pod] : []));

const withExit = (main: string, exit: string, spec = 'onExit: exit'): string => `
spec:
  entrypoint: main
  ${spec}
  templates:
  - name: main
    container: {image: alpine, args: [${main}]}
  - name: exit
    container: {image: alpine, args: [${exit}, "{{workflow.status}}", "{{workflow.failures}}", "{{workflow.duration}}"]}
`;

describe('workflow exit handler', () => {
  test('runs after the entry node as <wf>.onExit (hooked, on-exit pod label) with workflow.status/failures/duration', () => {
    const r = drive(wfFromYaml(withExit('ok', 'ok')), { outcome: byArgs });
    const n = byName(r.workflow);
    const exit = n.get('wf.onExit');
    assert.equal(exit?.phase, 'Succeeded');
    assert.deepEqual(exit?.nodeFlag, { hooked: true });
    assert.ok((exit?.startedAt ?? '') >= (n.get('wf')?.finishedAt ?? ''));
    assert.equal(r.workflow.status?.phase, 'Succeeded');
    const pods = creates(r);
    assert.equal(pods[0]?.metadata.labels?.['workflows.argoproj.io/on-exit'], undefined);
    assert.equal(pods[1]?.metadata.labels?.['workflows.argoproj.io/on-exit'], 'true');
    assert.deepEqual(pods[1]?.spec.containers[0]?.args?.slice(1), ['Succeeded', '"null"', '2.000000']);
  });

  test('main Succeeded + exit Failed ⇒ Failed with the exit message', () => {
    const r = drive(wfFromYaml(withExit('ok', 'fail')), { outcome: byArgs });
    assert.equal(r.workflow.status?.phase, 'Failed');
    assert.equal(r.workflow.status?.message, 'main: Error (exit code 1)');
  });

  test('main Failed ⇒ Failed whatever the exit handler; workflow.failures lists the failed nodes (Go-quoted JSON)', () => {
    const r = drive(wfFromYaml(withExit('fail', 'ok')), { outcome: byArgs });
    assert.equal(r.workflow.status?.phase, 'Failed');
    assert.equal(byName(r.workflow).get('wf.onExit')?.phase, 'Succeeded');
    const failures = creates(r)[1]?.spec.containers[0]?.args?.[2] ?? '';
    assert.deepEqual(JSON.parse(JSON.parse(failures)), [
      {
        displayName: 'wf',
        message: 'main: Error (exit code 1)',
        templateName: 'main',
        phase: 'Failed',
        podName: 'wf',
        finishedAt: '2026-01-02T15:04:07Z',
      },
    ]);
    assert.equal(creates(r)[1]?.spec.containers[0]?.args?.[1], 'Failed');
  });

  test('hooks.exit with its own arguments', () => {
    const wf = wfFromYaml(`
spec:
  entrypoint: main
  hooks: {exit: {template: exit, arguments: {parameters: [{name: s, value: "{{workflow.status}}"}]}}}
  templates:
  - name: main
    container: {image: alpine, args: [ok]}
  - name: exit
    inputs: {parameters: [{name: s}]}
    container: {image: alpine, args: ["{{inputs.parameters.s}}"]}
`);
    const r = drive(wf, { outcome: byArgs });
    assert.equal(byName(r.workflow).get('wf.onExit')?.inputs?.parameters?.[0]?.value, 'Succeeded');
    assert.equal(r.workflow.status?.phase, 'Succeeded');
  });

  test('past the workflow deadline the main pod is failed and deleted, the exit handler still runs without the deadline', () => {
    const wf = wfFromYaml(`
spec:
  entrypoint: main
  activeDeadlineSeconds: 3
  onExit: exit
  templates:
  - name: main
    container: {image: alpine, command: [sh, -c, "sleep 1d"]}
  - name: exit
    container: {image: alpine, args: [ok]}
`);
    const controller = { clusterName: 'main' };
    const first = decide({ workflow: wf, pods: [], controller }, NOW);
    assert.equal(first.requeueAfterMs, 3000);
    let w = applyDecision(wf, first);
    const later = new Date(NOW.getTime() + 4000);
    const pods = applyPodActions([], first).map((p) =>
      advancePod(p, later, () => ({ exitCode: 0, stdout: '', forever: true }), false),
    );
    const d = decide({ workflow: w, pods, controller }, later);
    w = applyDecision(w, d);
    const n = byName(w);
    assert.equal(n.get('wf')?.phase, 'Failed');
    assert.equal(n.get('wf')?.message, 'Step exceeded its deadline');
    assert.ok(d.actions.some((a) => a.kind === 'DeletePod' && a.name === 'wf'));
    const exitPod = d.actions.flatMap((a) => (a.kind === 'CreatePod' ? [a.pod] : []))[0];
    assert.equal(exitPod?.metadata.annotations?.['workflows.argoproj.io/node-name'], 'wf.onExit');
    assert.equal(exitPod?.spec.activeDeadlineSeconds, undefined);
    assert.equal(exitPod?.metadata.labels?.['workflows.argoproj.io/on-exit'], 'true');
    assert.equal(first.actions[0]?.kind === 'CreatePod' && first.actions[0].pod.spec.activeDeadlineSeconds, 3);
    assert.equal(w.status?.phase, 'Running');
    // The exit handler runs to the end past the deadline; the workflow then fails.
    const end = drive(w, { outcome: byArgs, start: new Date(later.getTime() + 1000) }, applyPodActions(pods, d));
    assert.equal(byName(end.workflow).get('wf.onExit')?.phase, 'Succeeded');
    assert.equal(end.workflow.status?.phase, 'Failed');
    assert.equal(end.workflow.status?.message, 'Step exceeded its deadline');
  });
});

describe('step and task exit handlers', () => {
  const steps = (exitArgs: string): string => `
spec:
  entrypoint: main
  templates:
  - name: main
    steps:
    - - {name: a, template: work, onExit: cleanup}
      - {name: b, template: work, hooks: {exit: {template: cleanup}}}
    - - {name: c, template: work}
  - name: work
    container: {image: alpine, args: [ok]}
  - name: cleanup
    container: {image: alpine, args: [${exitArgs}]}
`;

  test('steps: <step>.onExit is a child of the step, and the group waits for it', () => {
    const r = drive(wfFromYaml(steps('ok')), { outcome: byArgs });
    const n = byName(r.workflow);
    for (const s of ['a', 'b']) {
      const exit = n.get(`wf[0].${s}.onExit`);
      assert.equal(exit?.phase, 'Succeeded');
      assert.equal(exit?.displayName, `${s}.onExit`);
      assert.ok(n.get(`wf[0].${s}`)?.children?.includes(exit?.id ?? ''));
      assert.ok((n.get('wf[1]')?.startedAt ?? '') >= (exit?.finishedAt ?? ''));
    }
    assert.equal(r.workflow.status?.phase, 'Succeeded');
    assert.equal(r.workflow.status?.progress, '5/5');
  });

  test("a failing step exit handler does not change the step's phase", () => {
    const r = drive(wfFromYaml(steps('fail')), { outcome: byArgs });
    const n = byName(r.workflow);
    assert.equal(n.get('wf[0].a.onExit')?.phase, 'Failed');
    assert.equal(n.get('wf[0].a')?.phase, 'Succeeded');
    assert.equal(n.get('wf[0]')?.phase, 'Succeeded');
    assert.equal(r.workflow.status?.phase, 'Succeeded');
  });

  test('dag: a failed task still gets its exit handler; dependents wait for it', () => {
    const wf = wfFromYaml(`
spec:
  entrypoint: main
  templates:
  - name: main
    dag:
      tasks:
      - {name: A, template: work, arguments: {parameters: [{name: a, value: fail}]}, onExit: cleanup}
      - {name: B, depends: A.Failed, template: work, arguments: {parameters: [{name: a, value: ok}]}}
  - name: work
    inputs: {parameters: [{name: a}]}
    container: {image: alpine, args: ["{{inputs.parameters.a}}"]}
  - name: cleanup
    container: {image: alpine, args: [ok]}
`);
    const r = drive(wf, { outcome: byArgs });
    const n = byName(r.workflow);
    assert.equal(n.get('wf.A.onExit')?.phase, 'Succeeded');
    assert.ok((n.get('wf.B')?.startedAt ?? '') >= (n.get('wf.A.onExit')?.finishedAt ?? ''));
    assert.equal(r.workflow.status?.phase, 'Succeeded');
  });
});

describe('exit hook expressions', () => {
  test('hooks.exit.expression false: no exit node, the workflow completes; true: it runs', () => {
    const yaml = (expr: string): string => `
spec:
  entrypoint: main
  hooks: {exit: {template: cleanup, expression: '${expr}'}}
  templates:
  - name: main
    steps:
    - - {name: a, template: work, hooks: {exit: {template: cleanup, expression: 'steps.a.status == "Failed"'}}}
  - name: work
    container: {image: alpine, args: [ok]}
  - name: cleanup
    container: {image: alpine, args: [ok]}
`;
    const skipped = drive(wfFromYaml(yaml('workflow.status == "Failed"')), { outcome: byArgs });
    assert.equal(skipped.workflow.status?.phase, 'Succeeded');
    assert.equal(byName(skipped.workflow).has('wf.onExit'), false);
    assert.equal(byName(skipped.workflow).has('wf[0].a.onExit'), false);
    const ran = drive(wfFromYaml(yaml('workflow.status == "Succeeded"')), { outcome: byArgs });
    assert.equal(byName(ran.workflow).get('wf.onExit')?.phase, 'Succeeded');
  });
});

describe('exit handler validation', () => {
  test('an undefined spec.onExit template is an invalid spec (as the entrypoint)', () => {
    const wf = wfFromYaml(withExit('ok', 'ok', 'onExit: nope'));
    const d = decide({ workflow: wf, pods: [], controller: { clusterName: 'main' } }, NOW);
    assert.equal(d.status.phase, 'Failed');
    assert.equal(d.status.message, "invalid spec: template name 'nope' undefined");
  });
});
