// Other routes around placement (issue 24, item 5), through the engine the controller runs: hostPath
// volumes (the node's filesystem, outside any placement), podSpecPatch, serviceAccountName changed by a spec edit,
// and an exit handler edited after the workflow started. Each is refused or has no effect.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { decide, validateWorkflow } from '../../src/engine/index.ts';
import type { Decision, KubePod, Snapshot } from '../../src/engine/contract.ts';
import type { Workflow } from '../../src/engine/types.ts';
import { applyDecision } from '../unit/engine/kubelet-sim.ts';
import { NOW, wfFromYaml } from '../unit/engine/fixtures.ts';

const controller = { clusterName: 'main' };
const later = new Date(NOW.getTime() + 5000);
const creates = (d: Decision) => d.actions.flatMap((a) => (a.kind === 'CreatePod' ? [a] : []));

const HOSTPATH = `
apiVersion: argoproj.io/v1alpha1
kind: Workflow
spec:
  entrypoint: main
  volumes: [{ name: root, hostPath: { path: / } }]
  templates:
    - name: main
      clusterName: other
      volumes: [{ name: kubelet, hostPath: { path: /var/lib/kubelet } }]
      container: { image: argoproj/argosay:v2, volumeMounts: [{ name: root, mountPath: /host }] }
`;

function succeed(pod: KubePod): KubePod {
  return {
    ...pod,
    status: {
      phase: 'Succeeded',
      containerStatuses: [{ name: 'main', state: { terminated: { exitCode: 0, finishedAt: '2026-01-02T15:04:07Z' } } }],
    },
  };
}

describe('hostPath volumes are refused', () => {
  test('lint/submit name each one; the controller creates no pod', () => {
    const wf = wfFromYaml(HOSTPATH);
    assert.deepEqual(
      validateWorkflow(wf).map((e) => e.path),
      ['spec.volumes[0].hostPath', 'spec.templates[0].volumes[0].hostPath'],
    );
    const d = decide({ workflow: wf, pods: [], controller }, NOW);
    assert.deepEqual(creates(d), []);
    assert.match(d.status.message ?? '', /hostPath volumes are not supported yet/);
  });

  test('a hostPath in a template reached by templateRef errors the node, no pod', () => {
    const wf = wfFromYaml(`
apiVersion: argoproj.io/v1alpha1
kind: Workflow
spec:
  entrypoint: main
  templates:
    - name: main
      steps: [[{ name: a, templateRef: { name: lib, template: run } }]]
`);
    const lib: Workflow = {
      metadata: { name: 'lib', namespace: 'argo' },
      spec: {
        templates: [
          {
            name: 'run',
            volumes: [{ name: 'h', hostPath: { path: '/' } }],
            container: { image: 'argoproj/argosay:v2' },
          },
        ],
      },
    };
    const snap: Snapshot = { workflow: wf, pods: [], controller, workflowTemplates: { 'argo/lib': lib } };
    const d = decide(snap, NOW);
    assert.deepEqual(creates(d), []);
    const pod = Object.values(d.status.nodes ?? {}).find((n) => n.type === 'Pod');
    assert.equal(pod?.phase, 'Error');
    assert.match(pod?.message ?? '', /volumes\[0\]\.hostPath: hostPath volumes are not supported yet/);
  });
});

describe('podSpecPatch may not leave the checked placement', () => {
  const patched = (wfPatch: string, tmplPatch: string) =>
    wfFromYaml(`
apiVersion: argoproj.io/v1alpha1
kind: Workflow
spec:
  entrypoint: main
  podSpecPatch: '${wfPatch}'
  templates:
    - name: main
      clusterName: other
      podSpecPatch: '${tmplPatch}'
      container: { image: argoproj/argosay:v2 }
`);
  const nodeMessage = (wf: Workflow) => {
    const d = decide({ workflow: wf, pods: [], controller }, NOW);
    assert.deepEqual(creates(d), []);
    const node = Object.values(d.status.nodes ?? {}).find((n) => n.type === 'Pod');
    assert.equal(node?.phase, 'Error');
    return node?.message ?? '';
  };

  test('a patch changing serviceAccountName errors the node, no pod', () => {
    const wf = patched('{"serviceAccountName":"cluster-admin"}', '{}');
    assert.deepEqual(validateWorkflow(wf), []);
    assert.match(nodeMessage(wf), /podSpecPatch may not change serviceAccountName/);
  });

  test('a patch adding a hostPath volume or hostNetwork errors the node, no pod', () => {
    assert.match(
      nodeMessage(patched('{}', '{"volumes":[{"name":"h","hostPath":{"path":"/"}}]}')),
      /podSpecPatch\.volumes\[0\]\.hostPath: hostPath volumes are not supported yet/,
    );
    assert.match(nodeMessage(patched('{"hostNetwork":true}', '{}')), /podSpecPatch may not set hostNetwork/);
  });
});

describe('spec edits after the start change nothing', () => {
  test('serviceAccountName patched into the spec and the template: pods keep the recorded account', () => {
    const wf0 = wfFromYaml(`
apiVersion: argoproj.io/v1alpha1
kind: Workflow
spec:
  entrypoint: main
  templates:
    - name: main
      steps: [[{ name: a, template: run }], [{ name: b, template: run }]]
    - name: run
      clusterName: other
      container: { image: argoproj/argosay:v2 }
`);
    const d0 = decide({ workflow: wf0, pods: [], controller }, NOW);
    const running = applyDecision(wf0, d0);
    const [a] = creates(d0);
    assert.ok(a);
    const patched: Workflow = {
      ...running,
      spec: {
        ...running.spec,
        serviceAccountName: 'cluster-admin',
        templates: running.spec.templates?.map((t) => (t.name === 'run' ? { ...t, serviceAccountName: 'admin' } : t)),
      },
    };
    const d1 = decide(
      { workflow: patched, pods: [{ cluster: 'other', namespace: 'argo', pod: succeed(a.pod) }], controller },
      later,
    );
    const [b] = creates(d1);
    assert.ok(b, 'step b is created');
    assert.equal(b.pod.spec.serviceAccountName, undefined);
    assert.equal(`${b.cluster}/${b.namespace}`, 'other/argo');
  });

  test('an exit handler added or moved after the start is not run', () => {
    const wf0 = wfFromYaml(`
apiVersion: argoproj.io/v1alpha1
kind: Workflow
spec:
  entrypoint: main
  onExit: bye
  templates:
    - name: main
      container: { image: argoproj/argosay:v2 }
    - name: bye
      container: { image: argoproj/argosay:v2 }
`);
    const d0 = decide({ workflow: wf0, pods: [], controller }, NOW);
    const running = applyDecision(wf0, d0);
    const [main] = creates(d0);
    assert.ok(main);
    const edited: Workflow = {
      ...running,
      spec: {
        ...running.spec,
        onExit: 'evil',
        templates: [
          ...(running.spec.templates ?? []).map((t) =>
            t.name === 'bye' ? { ...t, clusterName: 'other', namespace: 'kube-system' } : t,
          ),
          { name: 'evil', clusterName: 'other', namespace: 'kube-system', container: { image: 'argoproj/argosay:v2' } },
        ],
      },
    };
    const d1 = decide(
      { workflow: edited, pods: [{ cluster: 'main', namespace: 'argo', pod: succeed(main.pod) }], controller },
      later,
    );
    const exits = creates(d1);
    assert.equal(exits.length, 1);
    assert.equal(`${exits[0]?.cluster}/${exits[0]?.namespace}`, 'main/argo');
    assert.match(exits[0]?.pod.metadata.name ?? '', /onexit|bye/i);
  });
});
