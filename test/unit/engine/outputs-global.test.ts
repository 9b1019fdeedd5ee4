import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { decide } from '../../../src/engine/index.ts';
import type { ObservedPod } from '../../../src/engine/contract.ts';
import type { NodeStatus, Workflow } from '../../../src/engine/types.ts';
import { applyDecision, applyPodActions } from './kubelet-sim.ts';
import { NOW, wfFromYaml } from './fixtures.ts';

interface Outcome {
  message?: string;
  log?: string;
}

/** Decides until the workflow completes; every new pod finishes at once with `outcome(nodeName)`. */
function drive(wf0: Workflow, outcome: (node: string) => Outcome): { wf: Workflow; pods: ObservedPod[] } {
  let wf = wf0;
  let pods: ObservedPod[] = [];
  for (let round = 0; round < 30 && !['Succeeded', 'Failed', 'Error'].includes(wf.status?.phase ?? ''); round++) {
    const d = decide({ workflow: wf, pods, controller: { clusterName: 'main' } }, NOW);
    wf = applyDecision(wf, d);
    pods = applyPodActions(pods, d).map((p) => {
      if (p.pod.status?.phase !== 'Pending') return p;
      const o = outcome(p.pod.metadata.annotations?.['workflows.argoproj.io/node-name'] ?? '');
      const terminated = {
        exitCode: 0,
        finishedAt: '2026-01-02T15:04:05Z',
        ...(o.message ? { message: o.message } : {}),
      };
      return {
        ...p,
        ...(o.log !== undefined ? { mainLog: o.log } : {}),
        pod: { ...p.pod, status: { phase: 'Succeeded', containerStatuses: [{ name: 'main', state: { terminated } }] } },
      };
    });
  }
  return { wf, pods };
}
const byName = (wf: Workflow, name: string): NodeStatus | undefined =>
  Object.values(wf.status?.nodes ?? {}).find((n) => n.name === name);
const args = (pods: ObservedPod[], node: string) =>
  pods.find((p) => p.pod.metadata.annotations?.['workflows.argoproj.io/node-name'] === node)?.pod.spec.containers[0]
    ?.args;

describe('global outputs', () => {
  test('globalName: workflow.outputs.parameters.* for later steps and status.outputs', () => {
    const wf = wfFromYaml(`
spec:
  entrypoint: main
  templates:
  - name: main
    steps:
    - - {name: gen, template: gen}
    - - {name: use, template: use}
    outputs:
      parameters:
      - {name: out, globalName: final, valueFrom: {parameter: "{{steps.gen.outputs.parameters.p}}"}}
  - name: gen
    container: {image: alpine, command: [sh, -c, 'echo x > /tmp/p']}
    outputs: {parameters: [{name: p, globalName: g, valueFrom: {path: /tmp/p}}]}
  - name: use
    container: {image: alpine, command: [echo], args: ["{{workflow.outputs.parameters.g}}"]}
`);
    const { wf: done, pods } = drive(wf, (n) =>
      n.endsWith('.gen') ? { message: '{"argosy":{"parameters":{"p":"42"}}}' } : {},
    );
    assert.equal(done.status?.phase, 'Succeeded');
    assert.deepEqual(args(pods, 'wf[1].use'), ['42']);
    assert.deepEqual(done.status?.outputs?.parameters, [
      { name: 'g', value: '42' },
      { name: 'final', value: '42' },
    ]);
  });
});

describe('aggregated loop outputs and withParam', () => {
  test('steps.X.outputs.result of a loop is a JSON list feeding withParam', () => {
    const wf = wfFromYaml(`
spec:
  entrypoint: main
  templates:
  - name: main
    steps:
    - - {name: gen, template: gen, withItems: [1, 2]}
    - - {name: fan, template: use, withParam: "{{steps.gen.outputs.result}}", arguments: {parameters: [{name: v, value: "{{item}}"}]}}
    - - {name: params, template: use, arguments: {parameters: [{name: v, value: "{{steps.gen.outputs.parameters}}"}]}}
  - name: gen
    container: {image: alpine, command: [echo, hi]}
    outputs: {parameters: [{name: p, valueFrom: {path: /tmp/p}}]}
  - name: use
    inputs: {parameters: [{name: v}]}
    container: {image: alpine, command: [echo], args: ["{{inputs.parameters.v}}"]}
`);
    const { wf: done, pods } = drive(wf, (n) =>
      n.includes('.gen(')
        ? {
            log: `"r${n.includes('(0:') ? 0 : 1}"\n`,
            message: `{"argosy":{"parameters":{"p":"v${n.includes('(0:') ? 0 : 1}"}}}`,
          }
        : {},
    );
    assert.equal(done.status?.phase, 'Succeeded');
    assert.ok(byName(done, 'wf[1].fan(0:r0)'));
    assert.ok(byName(done, 'wf[1].fan(1:r1)'));
    assert.deepEqual(args(pods, 'wf[2].params'), ['[{"p":"v0"},{"p":"v1"}]']);
  });
});

describe('DAG template outputs', () => {
  test('valueFrom.parameter and a templated outputs.result', () => {
    const wf = wfFromYaml(`
spec:
  entrypoint: main
  templates:
  - name: main
    dag:
      tasks:
      - {name: a, template: inner}
      - {name: b, template: use, depends: a, arguments: {parameters: [{name: v, value: "{{tasks.a.outputs.parameters.o}}-{{tasks.a.outputs.result}}"}]}}
  - name: inner
    dag:
      tasks:
      - {name: x, template: gen}
    outputs:
      parameters: [{name: o, valueFrom: {parameter: "{{tasks.x.outputs.parameters.p}}"}}]
      result: "{{tasks.x.outputs.result}}"
  - name: gen
    container: {image: alpine, command: [echo, hi]}
    outputs: {parameters: [{name: p, valueFrom: {path: /tmp/p}}]}
  - name: use
    inputs: {parameters: [{name: v}]}
    container: {image: alpine, command: [echo], args: ["{{inputs.parameters.v}}"]}
`);
    const { wf: done, pods } = drive(wf, (n) =>
      n.endsWith('.x') ? { log: 'res\n', message: '{"argosy":{"parameters":{"p":"par"}}}' } : {},
    );
    assert.equal(done.status?.phase, 'Succeeded');
    assert.deepEqual(args(pods, 'wf.b'), ['par-res']);
  });
});

describe('skipped producers', () => {
  test('a skipped step yields its output parameter default', () => {
    const wf = wfFromYaml(`
spec:
  entrypoint: main
  templates:
  - name: main
    steps:
    - - {name: gen, template: gen, when: "a == b"}
    - - {name: use, template: use, arguments: {parameters: [{name: v, value: "{{steps.gen.outputs.parameters.p}}"}]}}
  - name: gen
    container: {image: alpine, command: [echo, hi]}
    outputs: {parameters: [{name: p, valueFrom: {path: /tmp/p, default: fallback}}]}
  - name: use
    inputs: {parameters: [{name: v}]}
    container: {image: alpine, command: [echo], args: ["{{inputs.parameters.v}}"]}
`);
    const { wf: done, pods } = drive(wf, () => ({}));
    assert.equal(done.status?.phase, 'Succeeded');
    assert.equal(byName(done, 'wf[0].gen')?.phase, 'Skipped');
    assert.deepEqual(args(pods, 'wf[1].use'), ['fallback']);
  });
  test('without a default the output is absent: a pure reference argument is dropped, the input default applies', () => {
    const wf = wfFromYaml(`
spec:
  entrypoint: main
  templates:
  - name: main
    dag:
      tasks:
      - {name: gen, template: gen, when: "a == b"}
      - {name: use, template: use, depends: gen, arguments: {parameters: [{name: v, value: "{{tasks.gen.outputs.parameters.p}}"}]}}
  - name: gen
    container: {image: alpine, command: [echo, hi]}
    outputs: {parameters: [{name: p, valueFrom: {path: /tmp/p}}]}
  - name: use
    inputs: {parameters: [{name: v, default: own-default}]}
    container: {image: alpine, command: [echo], args: ["{{inputs.parameters.v}}"]}
`);
    const { wf: done, pods } = drive(wf, () => ({}));
    assert.equal(done.status?.phase, 'Succeeded');
    assert.deepEqual(args(pods, 'wf.use'), ['own-default']);
  });
});
