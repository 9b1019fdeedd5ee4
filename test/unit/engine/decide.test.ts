import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { decide, needsResult, nodeId, SCRIPT_ENV, WORKFLOW_FINALIZER } from '../../../src/engine/index.ts';
import type { ObservedPod, Snapshot } from '../../../src/engine/contract.ts';
import type { Workflow } from '../../../src/engine/types.ts';
import { applyDecision, runWorkflow } from './kubelet-sim.ts';
import { dagWorkflow, NOW, wfFromYaml } from './fixtures.ts';

const controller = { clusterName: 'main' };
const snap = (workflow: Workflow, pods: ObservedPod[] = []): Snapshot => ({ workflow, pods, controller });

describe('workflow lifecycle', () => {
  const wf = dagWorkflow([{ name: 'A' }, { name: 'B', depends: 'A' }]);
  const d = decide(snap(wf), NOW);

  test('first reconcile starts the workflow', () => {
    assert.equal(d.status.phase, 'Running');
    assert.equal(d.status.startedAt, '2026-01-02T15:04:05Z');
    assert.deepEqual(d.metadata.labels, {
      'workflows.argoproj.io/phase': 'Running',
      'workflows.argoproj.io/completed': 'false',
    });
    assert.deepEqual(d.metadata.annotations, { 'workflows.argoproj.io/pod-name-format': 'v2' });
    assert.deepEqual(d.metadata.finalizers, []);
    assert.equal(d.requeueAfterMs, undefined);
  });
  test('only the root task gets a pod', () => {
    assert.equal(d.actions.length, 1);
    const a = d.actions[0];
    assert.ok(a?.kind === 'CreatePod');
    assert.equal(a.pod.metadata.name, 'wf-echo-' + nodeId('wf', 'wf.A').slice(3));
    assert.equal(a.pod.spec.restartPolicy, 'Never');
    assert.deepEqual(
      a.pod.spec.containers.map((c) => c.name),
      ['main'],
    );
    assert.deepEqual(a.pod.metadata.annotations, {
      'workflows.argoproj.io/node-name': 'wf.A',
      'workflows.argoproj.io/node-id': nodeId('wf', 'wf.A'),
      'kubectl.kubernetes.io/default-container': 'main',
    });
    assert.deepEqual(a.pod.metadata.labels, {
      'workflows.argoproj.io/workflow': 'wf',
      'workflows.argoproj.io/completed': 'false',
      // Its workflow's UID: a pod left by an earlier workflow of this name is never taken for this one's.
      'workflows.argosy.io/workflow-uid': wf.metadata.uid,
    });
  });
  test('the input workflow is not mutated', () => assert.equal(wf.status, undefined));
  test('a workflow labelled completed=true yields nothing', () => {
    const done = { ...wf, metadata: { ...wf.metadata, labels: { 'workflows.argoproj.io/completed': 'true' } } };
    const d2 = decide(snap(done), NOW);
    assert.deepEqual(d2.actions, []);
  });
  test('ends Succeeded with finishedAt, labels and Completed condition', () => {
    const r = runWorkflow(wf);
    const last = r.decisions.at(-1);
    assert.equal(last?.status.phase, 'Succeeded');
    assert.equal(last?.metadata.labels['workflows.argoproj.io/completed'], 'true');
    assert.ok(last?.status.finishedAt);
    assert.deepEqual(last?.status.conditions, [
      { type: 'PodRunning', status: 'False' },
      { type: 'Completed', status: 'True' },
    ]);
    const root = r.workflow.status?.nodes?.wf;
    assert.equal(root?.progress, '2/2');
    assert.deepEqual(root?.outboundNodes, [nodeId('wf', 'wf.B')]);
    assert.equal(r.workflow.status?.nodes?.[nodeId('wf', 'wf.A')]?.hostNodeName, 'node-1');
    assert.deepEqual(r.workflow.status?.nodes?.[nodeId('wf', 'wf.A')]?.outputs, { exitCode: '0' });
  });
  test('v1 pod names when the workflow says so', () => {
    const v1 = { ...wf, metadata: { ...wf.metadata, annotations: { 'workflows.argoproj.io/pod-name-format': 'v1' } } };
    const a = decide(snap(v1), NOW).actions[0];
    assert.ok(a?.kind === 'CreatePod');
    assert.equal(a.pod.metadata.name, nodeId('wf', 'wf.A'));
  });
});

describe('invalid specs', () => {
  test('fail at once with invalid spec: <argo message>', () => {
    const wf: Workflow = {
      metadata: { name: 'bad', namespace: 'argo' },
      spec: { entrypoint: 'nope', templates: [{ name: 'a', container: { image: 'x' } }] },
    };
    const d = decide(snap(wf), NOW);
    assert.equal(d.status.phase, 'Failed');
    assert.equal(d.status.message, "invalid spec: template name 'nope' undefined");
    assert.equal(d.metadata.labels['workflows.argoproj.io/completed'], 'true');
    assert.deepEqual(d.actions, []);
  });
});

describe('idempotence', () => {
  test('applying the actions and deciding again adds nothing', () => {
    const wf = dagWorkflow([{ name: 'A' }, { name: 'B' }, { name: 'C', depends: 'A && B' }]);
    const d1 = decide(snap(wf), NOW);
    const wf2 = applyDecision(wf, d1);
    const pods: ObservedPod[] = d1.actions.flatMap((a) =>
      a.kind === 'CreatePod'
        ? [{ cluster: a.cluster, namespace: a.namespace, pod: { ...a.pod, status: { phase: 'Pending' as const } } }]
        : [],
    );
    const d2 = decide(snap(wf2, pods), NOW);
    assert.deepEqual(d2.actions, []);
    assert.deepEqual(d2.status, d1.status);
  });
  test('a Pending node without its pod gets its CreatePod again', () => {
    const wf = dagWorkflow([{ name: 'A' }]);
    const d1 = decide(snap(wf), NOW);
    const d2 = decide(snap(applyDecision(wf, d1)), NOW);
    assert.deepEqual(d2.actions, d1.actions);
  });
  test('a Running node whose pod vanished errors with "pod deleted"', () => {
    const wf = dagWorkflow([{ name: 'A' }]);
    const d1 = decide(snap(wf), NOW);
    const a = d1.actions[0];
    assert.ok(a?.kind === 'CreatePod');
    const running: ObservedPod = {
      cluster: 'main',
      namespace: 'argo',
      pod: { ...a.pod, status: { phase: 'Running' } },
    };
    const d2 = decide(snap(applyDecision(wf, d1), [running]), NOW);
    const d3 = decide(snap(applyDecision(applyDecision(wf, d1), d2)), NOW);
    assert.equal(d3.status.nodes?.[a.nodeId]?.message, 'pod deleted');
    assert.equal(d3.status.phase, 'Error');
  });
});

describe('placement', () => {
  test('a refused placement errors the node and creates no pod', () => {
    const wf = dagWorkflow([{ name: 'A' }], { clusterName: 'denied' });
    const d = decide(
      {
        ...snap(wf),
        checkPlacement: (t) => (t.cluster === 'denied' ? `cluster-namespace "denied.argo" not configured` : undefined),
      },
      NOW,
    );
    assert.deepEqual(d.actions, []);
    assert.equal(d.status.nodes?.[nodeId('wf', 'wf.A')]?.phase, 'Error');
    assert.equal(d.status.nodes?.[nodeId('wf', 'wf.A')]?.message, 'cluster-namespace "denied.argo" not configured');
    assert.equal(d.status.phase, 'Error');
    assert.equal(d.status.message, 'cluster-namespace "denied.argo" not configured');
  });
  test('a refusal surfaces on the workflow even when it finishes later', () => {
    const wf = dagWorkflow([{ name: 'A' }, { name: 'B' }]);
    wf.spec.templates?.push({ name: 'far', clusterName: 'denied', container: { image: 'x' } });
    const dag = wf.spec.templates?.[0]?.dag;
    if (dag)
      dag.tasks = [
        { name: 'A', template: 'echo' },
        { name: 'B', template: 'far' },
      ];
    const r = runWorkflow(wf, { checkPlacement: (t) => (t.cluster === 'denied' ? 'not allowed here' : undefined) });
    assert.equal(r.workflow.status?.phase, 'Error');
    assert.equal(r.workflow.status?.message, 'not allowed here');
    assert.ok(r.rounds > 1);
  });
  test('another namespace of the main cluster: namespace label, no owner, finalizer', () => {
    const wf = dagWorkflow([{ name: 'A' }], {
      namespace: 'batch',
      serviceAccount: 'alias',
      serviceAccountName: 'wins',
    });
    const d = decide(snap(wf), NOW);
    const a = d.actions[0];
    assert.ok(a?.kind === 'CreatePod');
    assert.equal(a.cluster, 'main');
    assert.equal(a.namespace, 'batch');
    assert.equal(a.pod.spec.serviceAccountName, 'wins');
    assert.equal(a.pod.metadata.labels?.['workflows.argoproj.io/workflow-namespace'], 'argo');
    assert.equal(a.pod.metadata.labels?.['workflows.argoproj.io/workflow-cluster-name'], undefined);
    assert.equal(a.pod.metadata.ownerReferences, undefined);
    assert.deepEqual(d.metadata.finalizers, [WORKFLOW_FINALIZER]);
    assert.equal(d.status.nodes?.[a.nodeId]?.namespace, 'batch');
  });
  test('instance id label', () => {
    const d = decide(
      { ...snap(dagWorkflow([{ name: 'A' }])), controller: { clusterName: 'main', instanceId: 'i1' } },
      NOW,
    );
    const a = d.actions[0];
    assert.ok(a?.kind === 'CreatePod');
    assert.equal(a.pod.metadata.labels?.['workflows.argoproj.io/controller-instanceid'], 'i1');
  });
});

describe('scripts and results', () => {
  const wf = wfFromYaml(`
spec:
  entrypoint: main
  templates:
  - name: main
    steps:
    - - {name: gen, template: gen}
    - - {name: use, template: use, arguments: {parameters: [{name: v, value: "{{steps.gen.outputs.result}}"}]}}
  - name: gen
    script: {image: python, command: [python], source: "print(42)"}
  - name: use
    inputs: {parameters: [{name: v}]}
    container: {image: alpine, command: [echo, "{{inputs.parameters.v}}"]}
`);
  test('script pods deliver the source in an env var through sh -c', () => {
    const a = decide(snap(wf), NOW).actions[0];
    assert.ok(a?.kind === 'CreatePod');
    const main = a.pod.spec.containers[0];
    assert.equal(main?.command?.[0], 'sh');
    assert.equal(main?.command?.[1], '-c');
    assert.match(
      main?.command?.[2] ?? '',
      /printf %s "\$ARGOSY_SCRIPT" > "\$\{TMPDIR:-\/tmp\}\/argosy-script-\d+" && chmod \+x .* && exec "\$0" "\$@" /,
    );
    assert.equal(main?.command?.[3], 'python');
    assert.equal(main?.env?.find((e) => e.name === SCRIPT_ENV)?.value, 'print(42)');
  });
  test('needsResult only for referenced steps; the log feeds the next step', () => {
    const r = runWorkflow(wf, { outcome: () => ({ exitCode: 0, stdout: '42\n' }) });
    const wfDone = r.workflow;
    assert.equal(needsResult(wfDone, nodeId('wf', 'wf[0].gen')), true);
    assert.equal(needsResult(wfDone, nodeId('wf', 'wf[1].use')), false);
    const use = r.pods.find((p) => p.pod.metadata.annotations?.['workflows.argoproj.io/node-name'] === 'wf[1].use');
    assert.deepEqual(use?.pod.spec.containers[0]?.command, ['echo', '42']);
  });
  test('output parameters from an Argosy termination message', () => {
    const wf2 = wfFromYaml(`
spec:
  entrypoint: main
  templates:
  - name: main
    container: {image: alpine}
    outputs: {parameters: [{name: p, valueFrom: {path: /tmp/p}}]}
`);
    const d1 = decide(snap(wf2), NOW);
    const a = d1.actions[0];
    assert.ok(a?.kind === 'CreatePod');
    const pod: ObservedPod = {
      cluster: 'main',
      namespace: 'argo',
      pod: {
        ...a.pod,
        status: {
          phase: 'Succeeded',
          containerStatuses: [
            {
              name: 'main',
              state: {
                terminated: {
                  exitCode: 0,
                  message: '{"argosy":{"parameters":{"p":"hi"}}}',
                  finishedAt: '2026-01-02T15:05:00Z',
                },
              },
            },
          ],
        },
      },
    };
    const d2 = decide(snap(applyDecision(wf2, d1), [pod]), NOW);
    assert.deepEqual(d2.status.nodes?.wf?.outputs, {
      parameters: [{ name: 'p', value: 'hi', valueFrom: { path: '/tmp/p' } }],
      exitCode: '0',
    });
    assert.equal(d2.status.nodes?.wf?.finishedAt, '2026-01-02T15:05:00Z');
  });
});

describe('pod failures', () => {
  const wf = wfFromYaml(`
spec:
  entrypoint: main
  templates:
  - name: main
    container: {image: alpine}
`);
  const d1 = decide(snap(wf), NOW);
  const a = d1.actions[0];
  assert.ok(a?.kind === 'CreatePod');
  const assess = (status: ObservedPod['pod']['status']) =>
    decide(snap(applyDecision(wf, d1), [{ cluster: 'main', namespace: 'argo', pod: { ...a.pod, status } }]), NOW).status
      .nodes?.wf;
  test('pod message wins (deadline)', () =>
    assert.equal(
      assess({ phase: 'Failed', message: 'Pod was active on the node longer than the specified deadline' })?.message,
      'Pod was active on the node longer than the specified deadline',
    ));
  test('main exit code', () => {
    const n = assess({
      phase: 'Failed',
      containerStatuses: [{ name: 'main', state: { terminated: { exitCode: 2, reason: 'Error' } } }],
    });
    assert.equal(n?.message, 'main: Error (exit code 2)');
    assert.equal(n?.phase, 'Failed');
    assert.equal(n?.outputs?.exitCode, '2');
  });
  test('pending reason', () =>
    assert.equal(
      assess({
        phase: 'Pending',
        containerStatuses: [{ name: 'main', state: { waiting: { reason: 'ErrImagePull', message: 'nope' } } }],
      })?.message,
      'ErrImagePull: nope',
    ));
  test('unschedulable', () =>
    assert.equal(
      assess({
        phase: 'Pending',
        conditions: [{ type: 'PodScheduled', status: 'False', reason: 'Unschedulable', message: '0/3 nodes' }],
      })?.message,
      'Unschedulable: 0/3 nodes',
    ));
});

describe('workflow deadline', () => {
  const wf = {
    ...dagWorkflow([{ name: 'A' }]),
    spec: { ...dagWorkflow([{ name: 'A' }]).spec, activeDeadlineSeconds: 60 },
  };
  test('requeues at the deadline, and pods get the remaining time', () => {
    const d = decide(snap(wf), NOW);
    assert.equal(d.requeueAfterMs, 60_000);
    const a = d.actions[0];
    assert.ok(a?.kind === 'CreatePod');
    assert.equal(a.pod.spec.activeDeadlineSeconds, 60);
  });
  test('past it, running nodes fail and their pods are deleted', () => {
    const d1 = decide(snap(wf), NOW);
    const a = d1.actions[0];
    assert.ok(a?.kind === 'CreatePod');
    const later = new Date(NOW.getTime() + 61_000);
    const d2 = decide(
      snap(applyDecision(wf, d1), [
        { cluster: 'main', namespace: 'argo', pod: { ...a.pod, status: { phase: 'Running' } } },
      ]),
      later,
    );
    assert.equal(d2.status.nodes?.[a.nodeId]?.message, 'Step exceeded its deadline');
    assert.deepEqual(
      d2.actions.map((x) => x.kind),
      ['DeletePod'],
    );
    assert.equal(d2.status.phase, 'Failed');
  });
});

describe('withParam and when errors', () => {
  test('withParam that is not a JSON list fails the step group with Argo message', () => {
    const wf = wfFromYaml(`
spec:
  entrypoint: main
  templates:
  - name: main
    steps:
    - - {name: s, template: t, withParam: "not json"}
  - name: t
    container: {image: alpine}
`);
    const d = decide(snap(wf), NOW);
    assert.equal(d.status.phase, 'Failed');
    assert.match(d.status.message ?? '', /^withParam value could not be parsed as a JSON list: not json: /);
  });
  test('empty withItems ⇒ Skipped node "Skipped, empty params"', () => {
    const wf = wfFromYaml(`
spec:
  entrypoint: main
  templates:
  - name: main
    steps:
    - - {name: s, template: t, withItems: []}
  - name: t
    container: {image: alpine}
`);
    const d = decide(snap(wf), NOW);
    assert.equal(d.status.nodes?.[nodeId('wf', 'wf[0].s')]?.message, 'Skipped, empty params');
    assert.equal(d.status.phase, 'Succeeded');
  });
  test('item maps: {{item.key}} and sorted suffix', () => {
    const wf = wfFromYaml(`
spec:
  entrypoint: main
  templates:
  - name: main
    dag:
      tasks:
      - {name: t, template: e, arguments: {parameters: [{name: m, value: "{{item.os}}-{{item.v}}"}]}, withItems: [{os: debian, v: 9}]}
  - name: e
    inputs: {parameters: [{name: m}]}
    container: {image: alpine, args: ["{{inputs.parameters.m}}", "{{workflow.name}}/{{workflow.namespace}}"]}
`);
    const a = decide(snap(wf), NOW).actions[0];
    assert.ok(a?.kind === 'CreatePod');
    assert.equal(a.pod.metadata.annotations?.['workflows.argoproj.io/node-name'], 'wf.t(0:os:debian,v:9)');
    assert.deepEqual(a.pod.spec.containers[0]?.args, ['debian-9', 'wf/argo']);
  });
});

describe('DAG outputs feeding loops', () => {
  const wf = wfFromYaml(`
spec:
  entrypoint: main
  templates:
  - name: main
    dag:
      tasks:
      - {name: gen, template: gen}
      - name: fan
        depends: gen
        template: use
        withParam: "{{tasks.gen.outputs.result}}"
        arguments: {parameters: [{name: v, value: "{{item.n}}"}]}
      - name: after
        depends: fan.AnySucceeded
        template: use
        arguments: {parameters: [{name: v, value: "{{tasks.fan.outputs.result}}"}]}
  - name: gen
    container: {image: alpine}
  - name: use
    inputs: {parameters: [{name: v}]}
    container: {image: alpine, args: ["{{inputs.parameters.v}}"]}
`);
  const r = runWorkflow(wf, {
    outcome: (pod) => {
      const arg = pod.spec.containers[0]?.args?.[0];
      return arg === undefined ? { exitCode: 0, stdout: '[{"n":1},{"n":2}]\n' } : { exitCode: 0, stdout: `${arg}\n` };
    },
  });
  const byName = new Map(Object.values(r.workflow.status?.nodes ?? {}).map((n) => [n.name, n]));
  test('withParam expands the JSON list from a task result', () => {
    assert.equal(r.workflow.status?.phase, 'Succeeded');
    assert.equal(byName.get('wf.fan')?.type, 'TaskGroup');
    assert.ok(byName.has('wf.fan(0:n:1)'));
    assert.ok(byName.has('wf.fan(1:n:2)'));
  });
  test('only referenced results are collected, aggregated as a JSON list', () => {
    assert.equal(needsResult(r.workflow, nodeId('wf', 'wf.gen')), true);
    assert.equal(needsResult(r.workflow, nodeId('wf', 'wf.after')), false);
    assert.equal(byName.get('wf.after')?.inputs?.parameters?.[0]?.value, '[1,2]');
  });
});

describe('workflowTemplateRef', () => {
  const template: Workflow = {
    kind: 'WorkflowTemplate',
    metadata: { name: 'tpl', namespace: 'argo' },
    spec: {
      entrypoint: 'main',
      arguments: { parameters: [{ name: 'msg', value: 'from-template' }] },
      templates: [{ name: 'main', container: { image: 'alpine', args: ['{{workflow.parameters.msg}}'] } }],
    },
  };
  const wf: Workflow = {
    metadata: { name: 'wf', namespace: 'argo', uid: 'u' },
    spec: { workflowTemplateRef: { name: 'tpl' }, arguments: { parameters: [{ name: 'msg', value: 'mine' }] } },
  };
  test('runs the referenced spec with the workflow arguments winning', () => {
    const d = decide({ ...snap(wf), workflowTemplates: { 'argo/tpl': template } }, NOW);
    const a = d.actions[0];
    assert.ok(a?.kind === 'CreatePod');
    assert.deepEqual(a.pod.spec.containers[0]?.args, ['mine']);
    assert.equal(a.pod.metadata.name, 'wf');
  });
  test('a missing template errors the workflow (Argo: setExecWorkflow -> markWorkflowError)', () => {
    const d = decide(snap(wf), NOW);
    assert.equal(d.status.phase, 'Error');
    assert.equal(d.status.message, 'workflowtemplates.argoproj.io "tpl" not found');
  });
});
