/**
 * Template `timeout` / `pendingTimeout` as Argo's checkTemplateTimeouts applies them: the pod's
 * activeDeadlineSeconds is what is left of the timeout, a node still Pending past it fails `timeout`
 * (its pod deleted), and only leaf templates may have one.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { decide, validateWorkflow } from '../../../src/engine/index.ts';
import type { Decision, ObservedPod } from '../../../src/engine/contract.ts';
import type { Workflow } from '../../../src/engine/types.ts';
import { applyDecision, applyPodActions, runWorkflow } from './kubelet-sim.ts';
import { NOW, wfFromYaml } from './fixtures.ts';

const yaml = (extra: string) => `
spec:
  entrypoint: main
  templates:
  - name: main
    steps:
    - - name: s
        template: sleep
        arguments: {parameters: [{name: t, value: "20s"}]}
  - name: sleep
    inputs: {parameters: [{name: t}]}
    ${extra}
    container: {image: alpine, command: [sh, -c, "sleep 1d"]}
`;

function step(wf: Workflow, pods: ObservedPod[], at: Date): { wf: Workflow; pods: ObservedPod[]; d: Decision } {
  const d = decide({ workflow: wf, pods, controller: { clusterName: 'main' } }, at);
  return { wf: applyDecision(wf, d), pods: applyPodActions(pods, d), d };
}

const later = (s: number) => new Date(NOW.getTime() + s * 1000);
const nodeNamed = (wf: Workflow, suffix: string) =>
  Object.values(wf.status?.nodes ?? {}).find((n) => n.name.endsWith(suffix));

describe('template timeout', () => {
  test('the pod gets the time left of the (templated) timeout as activeDeadlineSeconds', () => {
    const first = step(wfFromYaml(yaml('timeout: "{{inputs.parameters.t}}"')), [], NOW);
    const create = first.d.actions.find((a) => a.kind === 'CreatePod');
    assert.ok(create?.kind === 'CreatePod');
    assert.equal(create.pod.spec.activeDeadlineSeconds, 20);
    assert.equal(first.d.requeueAfterMs, 20_000, 'wakes up at the deadline');
  });

  test('a running pod past its timeout is ended by the kubelet: the step fails, the workflow Fails', () => {
    const r = runWorkflow(wfFromYaml(yaml('timeout: 5s')));
    assert.equal(r.workflow.status?.phase, 'Failed');
    const n = nodeNamed(r.workflow, '.s');
    assert.equal(n?.phase, 'Failed');
    assert.match(n?.message ?? '', /deadline/);
  });

  test('a node still Pending past its pendingTimeout fails "timeout" and its pod is deleted', () => {
    let s = step(wfFromYaml(yaml('pendingTimeout: 10s')), [], NOW);
    s = step(s.wf, s.pods, later(5));
    assert.equal(nodeNamed(s.wf, '.s')?.phase, 'Pending');
    s = step(s.wf, s.pods, later(11));
    const n = nodeNamed(s.wf, '.s');
    assert.equal(n?.phase, 'Failed');
    assert.equal(n?.message, 'timeout');
    assert.ok(s.d.actions.some((a) => a.kind === 'DeletePod'));
  });

  test('a timeout that is not a duration ends the node Error, naming it', () => {
    const s = step(
      wfFromYaml(yaml('timeout: "{{inputs.parameters.t}}"').replace('value: "20s"', 'value: "soon"')),
      [],
      NOW,
    );
    const n = nodeNamed(s.wf, '.s');
    assert.equal(n?.phase, 'Error');
    assert.match(n?.message ?? '', /^invalid timeout format unable to parse soon as a duration/);
  });

  test('only leaf templates take a timeout, and a bare number is not a duration', () => {
    const steps = wfFromYaml(yaml('').replace('  - name: main\n', '  - name: main\n    timeout: 10s\n'));
    assert.deepEqual(
      validateWorkflow(steps).map((e) => [e.path, e.argo]),
      [['spec.templates[0].timeout', "Steps template doesn't support timeout field"]],
    );
    const bare = wfFromYaml(yaml('timeout: "10"'));
    assert.deepEqual(
      validateWorkflow(bare).map((e) => e.argo),
      ['sleep has invalid duration format in timeout'],
    );
  });
});
