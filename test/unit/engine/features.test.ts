import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { decide, nodeId } from '../../../src/engine/index.ts';
import type { KubePod, Snapshot } from '../../../src/engine/contract.ts';
import type { NodeStatus, Workflow } from '../../../src/engine/types.ts';
import { runWorkflow } from './kubelet-sim.ts';
import { NOW, wfFromYaml } from './fixtures.ts';

const nodesByName = (wf: Workflow): Map<string, NodeStatus> =>
  new Map(Object.values(wf.status?.nodes ?? {}).map((n) => [n.name, n]));

/** Pods whose args say what to output: `emit <name> <value>` puts a parameter in the termination message. */
function emitting(pod: KubePod) {
  const args = pod.spec.containers[0]?.args ?? [];
  return { exitCode: args[0] === 'fail' ? 1 : 0, stdout: `${args.join(' ')}\n` };
}

describe('template outputs', () => {
  test('DAG and steps export child outputs via valueFrom.parameter', () => {
    const wf = wfFromYaml(`
spec:
  entrypoint: main
  templates:
  - name: main
    steps:
    - - {name: inner, template: inner}
    - - {name: show, template: echo, arguments: {parameters: [{name: v, value: "{{steps.inner.outputs.parameters.out}}"}]}}
    outputs:
      parameters: [{name: final, valueFrom: {parameter: "{{steps.show.outputs.result}}"}}]
  - name: inner
    dag:
      tasks:
      - {name: A, template: echo, arguments: {parameters: [{name: v, value: hello}]}}
    outputs:
      parameters:
      - {name: out, valueFrom: {parameter: "{{tasks.A.outputs.result}}"}}
      - {name: missing, valueFrom: {parameter: "{{tasks.A.outputs.parameters.nope}}", default: fallback}}
  - name: echo
    inputs: {parameters: [{name: v}]}
    container: {image: alpine, args: ["{{inputs.parameters.v}}"]}
`);
    const r = runWorkflow(wf, { outcome: emitting });
    const n = nodesByName(r.workflow);
    assert.equal(r.workflow.status?.phase, 'Succeeded');
    assert.deepEqual(
      n.get('wf[0].inner')?.outputs?.parameters?.map((p) => [p.name, p.value]),
      [
        ['out', 'hello'],
        ['missing', 'fallback'],
      ],
    );
    assert.equal(n.get('wf[1].show')?.inputs?.parameters?.[0]?.value, 'hello');
    assert.equal(n.get('wf')?.outputs?.parameters?.[0]?.value, 'hello');
  });
});

describe('globals and templateRef', () => {
  test('workflow.* variables', () => {
    const wf = wfFromYaml(`
metadata:
  labels: {team: data}
  annotations: {note: hi}
spec:
  entrypoint: main
  serviceAccountName: runner
  arguments: {parameters: [{name: p, value: v}]}
  templates:
  - name: main
    container:
      image: alpine
      args: ["{{workflow.uid}}", "{{workflow.labels.team}}", "{{workflow.annotations.note}}", "{{workflow.serviceAccountName}}", "{{workflow.parameters}}"]
`);
    const a = decide({ workflow: wf, pods: [], controller: { clusterName: 'main' } }, NOW).actions[0];
    assert.ok(a?.kind === 'CreatePod');
    assert.deepEqual(a.pod.spec.containers[0]?.args, ['uid-wf', 'data', 'hi', 'runner', '[{"name":"p","value":"v"}]']);
    assert.equal(a.pod.spec.serviceAccountName, 'runner');
  });
  test('workflow.mainEntrypoint, priority and the creationTimestamp forms (Argo setGlobalParameters)', () => {
    const wf = wfFromYaml(`
metadata:
  creationTimestamp: "2026-03-04T05:06:07Z"
spec:
  entrypoint: main
  priority: 5
  templates:
  - name: main
    inputs: {parameters: [{name: ep, value: "{{ workflow.mainEntrypoint }}"}]}
    container:
      image: alpine
      args:
      - "{{inputs.parameters.ep}} {{workflow.priority}}"
      - "{{workflow.creationTimestamp.RFC3339}} {{workflow.creationTimestamp.s}}"
      - "{{workflow.creationTimestamp.Y}}-{{workflow.creationTimestamp.m}}-{{workflow.creationTimestamp.d}} {{workflow.creationTimestamp.a}} {{workflow.creationTimestamp.b}}"
      - "{{workflow.creationTimestamp.I}}{{workflow.creationTimestamp.p}} {{workflow.creationTimestamp.Z}}{{workflow.creationTimestamp.z}} {{workflow.creationTimestamp.L}}"
`);
    const a = decide({ workflow: wf, pods: [], controller: { clusterName: 'main' } }, NOW).actions[0];
    assert.ok(a?.kind === 'CreatePod');
    assert.deepEqual(a.pod.spec.containers[0]?.args, [
      'main 5',
      '2026-03-04T05:06:07Z 1772600767',
      '2026-03-04 Wed Mar',
      '05AM UTC+0000 .000',
    ]);
    // Without spec.priority the name is undefined, as in Argo's validator (no empty fallback).
    delete wf.spec.priority;
    const b = decide({ workflow: wf, pods: [], controller: { clusterName: 'main' } }, NOW);
    assert.equal(b.status.message, 'invalid spec: templates.main: failed to resolve {{workflow.priority}}');
  });
  test("a WorkflowTemplate's input defaulted to {{ workflow.mainEntrypoint }} gets the calling workflow's (Argo e2e TestEntrypointName)", () => {
    const wf = wfFromYaml(`
spec:
  entrypoint: bar
  templates:
  - name: bar
    steps:
    - - {name: step, templateRef: {name: next-template, template: next}}
`);
    const lib: Workflow = {
      metadata: { name: 'next-template', namespace: 'argo' },
      spec: {
        entrypoint: 'next',
        templates: [
          {
            name: 'next',
            inputs: { parameters: [{ name: 'test', value: '{{ workflow.mainEntrypoint }}' }] },
            container: { image: 'argoproj/argosay:v2', args: ['{{inputs.parameters.test}}'] },
          },
        ],
      },
    };
    const snap: Snapshot = {
      workflow: wf,
      pods: [],
      controller: { clusterName: 'main' },
      workflowTemplates: { 'argo/next-template': lib },
    };
    const r = decide(snap, NOW);
    const a = r.actions[0];
    assert.ok(a?.kind === 'CreatePod');
    assert.deepEqual(a.pod.spec.containers[0]?.args, ['bar']);
    assert.equal(r.status.nodes?.[nodeId('wf', 'wf[0].step')]?.inputs?.parameters?.[0]?.value, 'bar');
  });
  test('steps may call a WorkflowTemplate through templateRef', () => {
    const wf = wfFromYaml(`
spec:
  entrypoint: main
  templates:
  - name: main
    steps:
    - - {name: lib, templateRef: {name: lib, template: say}}
`);
    const lib: Workflow = {
      metadata: { name: 'lib', namespace: 'argo' },
      spec: { templates: [{ name: 'say', container: { image: 'alpine' } }] },
    };
    const snap: Snapshot = {
      workflow: wf,
      pods: [],
      controller: { clusterName: 'main' },
      workflowTemplates: { 'argo/lib': lib },
    };
    const a = decide(snap, NOW).actions[0];
    assert.ok(a?.kind === 'CreatePod');
    assert.equal(a.pod.metadata.name, `wf-say-${nodeId('wf', 'wf[0].lib').slice(3)}`);
    const missing = decide({ ...snap, workflowTemplates: {} }, NOW);
    assert.equal(
      missing.status.nodes?.[nodeId('wf', 'wf[0].lib')]?.message,
      'workflow template lib not found',
      "Argo's templateresolution message",
    );
  });
});

describe('DAG edge cases', () => {
  const base = (task: string): Workflow =>
    wfFromYaml(`
spec:
  entrypoint: main
  templates:
  - name: main
    dag:
      tasks:
      - {name: A, template: t}
      - ${task}
  - name: t
    container: {image: alpine}
`);
  test('a when that cannot be evaluated makes a Skipped node in Error', () => {
    const r = runWorkflow(base('{name: B, template: t, depends: A, when: "{{tasks.A.outputs.result}} == x"}'), {
      outcome: () => ({ exitCode: 0, stdout: 'a$b\n' }),
    });
    const b = nodesByName(r.workflow).get('wf.B');
    assert.equal(b?.type, 'Skipped');
    assert.equal(b?.phase, 'Error');
    assert.match(b?.message ?? '', /^Invalid 'when' expression 'a\$b == x': Invalid token/);
    assert.equal(r.workflow.status?.phase, 'Error');
  });
  test('when false ⇒ Skipped, and the DAG still succeeds', () => {
    const r = runWorkflow(base('{name: B, template: t, depends: A, when: "1 == 2"}'));
    assert.equal(nodesByName(r.workflow).get('wf.B')?.message, "when '1 == 2' evaluated false");
    assert.equal(r.workflow.status?.phase, 'Succeeded');
  });
  test('a bad withSequence errors the task', () => {
    const r = runWorkflow(base('{name: B, template: t, depends: A, withSequence: {start: x, count: "2"}}'));
    assert.match(nodesByName(r.workflow).get('wf.B')?.message ?? '', /invalid syntax/);
  });
  test('explicit target runs only its ancestors', () => {
    const wf = wfFromYaml(`
spec:
  entrypoint: main
  templates:
  - name: main
    dag:
      target: B
      tasks:
      - {name: A, template: t}
      - {name: B, template: t, depends: A}
      - {name: C, template: t}
  - name: t
    container: {image: alpine}
`);
    const r = runWorkflow(wf);
    const n = nodesByName(r.workflow);
    assert.equal(r.workflow.status?.phase, 'Succeeded');
    assert.equal(n.has('wf.C'), false);
    assert.deepEqual(n.get('wf')?.outboundNodes, [nodeId('wf', 'wf.B')]);
  });
  test('continueOn.failed lets dependents run and keeps the DAG green', () => {
    const wf = wfFromYaml(`
spec:
  entrypoint: main
  templates:
  - name: main
    dag:
      tasks:
      - {name: A, template: bad, continueOn: {failed: true}}
      - {name: B, template: t, dependencies: [A]}
  - name: t
    container: {image: alpine}
  - name: bad
    container: {image: alpine, args: [fail]}
`);
    const r = runWorkflow(wf, { outcome: emitting });
    assert.equal(nodesByName(r.workflow).get('wf.A')?.phase, 'Failed');
    assert.equal(nodesByName(r.workflow).get('wf.B')?.phase, 'Succeeded');
    assert.equal(r.workflow.status?.phase, 'Succeeded');
  });
  test('failFast: false waits for every target before failing', () => {
    const wf = wfFromYaml(`
spec:
  entrypoint: main
  templates:
  - name: main
    dag:
      failFast: false
      tasks:
      - {name: A, template: bad}
      - {name: B, template: t}
  - name: t
    container: {image: alpine}
  - name: bad
    container: {image: alpine, args: [fail]}
`);
    const r = runWorkflow(wf, { outcome: emitting });
    assert.equal(r.workflow.status?.phase, 'Failed');
    assert.equal(nodesByName(r.workflow).get('wf.B')?.phase, 'Succeeded');
  });
});

describe('nested templates', () => {
  test('inputs flow through a nested DAG and steps into the pod', () => {
    const wf = wfFromYaml(`
spec:
  entrypoint: main
  arguments: {parameters: [{name: who, value: world}]}
  templates:
  - name: main
    dag:
      tasks:
      - {name: outer, template: inner, arguments: {parameters: [{name: p, value: "hello {{workflow.parameters.who}}"}]}}
  - name: inner
    inputs: {parameters: [{name: p}]}
    steps:
    - - {name: s, template: leaf, arguments: {parameters: [{name: q, value: "{{inputs.parameters.p}}!"}]}}
  - name: leaf
    inputs: {parameters: [{name: q}, {name: r, default: dflt}]}
    container: {image: alpine, args: ["{{inputs.parameters.q}}", "{{inputs.parameters.r}}"]}
`);
    const r = runWorkflow(wf);
    assert.equal(r.workflow.status?.phase, 'Succeeded');
    assert.deepEqual(r.pods[0]?.pod.spec.containers[0]?.args, ['hello world!', 'dflt']);
    const n = nodesByName(r.workflow);
    assert.equal(n.get('wf.outer')?.type, 'Steps');
    assert.equal(n.get('wf.outer[0].s')?.boundaryID, nodeId('wf', 'wf.outer'));
    assert.equal(n.get('wf.outer')?.boundaryID, 'wf');
    assert.equal(n.get('wf.outer[0].s')?.displayName, 's');
    assert.equal(n.get('wf')?.progress, '1/1');
  });
});
