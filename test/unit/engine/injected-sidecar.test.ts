/**
 * A container Argo's executor does not run (injected by a podSpecPatch, as Argo's TestInjectedSidecar
 * does, or by an admission webhook): once `main` and `wait` have ended the node is assessed from them
 * and the pod is deleted to stop it, instead of the workflow staying Running while it runs on; in pods-only
 * places (no `wait`) the same holds once `main` has ended.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { decide } from '../../../src/engine/decide.ts';
import type { KubeContainerStatus, KubePod, Snapshot } from '../../../src/engine/contract.ts';
import { NOW, wfFromYaml } from './fixtures.ts';
import { wantsMainLog } from '../../../src/engine/logs-wanted.ts';
import { ANNOTATION_NODE_ID } from '../../../src/engine/labels.ts';

const yaml = `
spec:
  entrypoint: main
  podSpecPatch: |
    terminationGracePeriodSeconds: 3
    containers:
      - name: wait
      - name: main
      - name: sidecar
        image: argoproj/argosay:v1
        command: [sh, -c]
        args: ["sleep 999"]
  templates:
    - name: main
      container: {image: argoproj/argosay:v1}
`;

const done = (exitCode: number): KubeContainerStatus['state'] => ({
  terminated: { exitCode, reason: exitCode === 0 ? 'Completed' : 'Error' },
});

function decideWith(
  states: Record<string, KubeContainerStatus['state']>,
  executor = true,
  src = yaml,
  containers = executor ? ['wait', 'main', 'sidecar'] : ['main', 'sidecar'],
) {
  const snapshot: Snapshot = {
    workflow: wfFromYaml(src),
    pods: [],
    controller: { clusterName: 'main' },
    executorPlaces: executor ? ['main/argo'] : [],
  };
  let d = decide(snapshot, NOW);
  for (let i = 0; i < 3 && !d.actions.some((a) => a.kind === 'CreatePod'); i++) {
    snapshot.workflow = { ...snapshot.workflow, status: d.status };
    d = decide(snapshot, NOW);
  }
  const create = d.actions.find((a) => a.kind === 'CreatePod');
  assert.ok(create && create.kind === 'CreatePod');
  assert.deepEqual(
    create.pod.spec.containers.map((c) => c.name),
    containers,
  );
  const containerStatuses = Object.entries(states).map(([name, state]) => ({ name, state }) as KubeContainerStatus);
  const pod: KubePod = { ...create.pod, status: { phase: 'Running', containerStatuses } };
  snapshot.workflow = { ...snapshot.workflow, status: d.status };
  snapshot.pods = [{ cluster: 'main', namespace: 'argo', pod }];
  return decide(snapshot, NOW);
}

/** The same pod where the place runs pods-only (no `wait`): a step whose result a later step uses. */
const podsOnlyYaml = yaml
  .replace('      - name: wait\n', '')
  .replace(
    '  templates:\n',
    `  templates:
    - name: steps
      steps:
        - [{name: a, template: main}]
        - [{name: b, template: main, arguments: {parameters: [{name: x, value: '{{steps.a.outputs.result}}'}]}}]
`,
  )
  .replace('entrypoint: main', 'entrypoint: steps');

const podNode = (d: ReturnType<typeof decide>) => Object.values(d.status.nodes ?? {}).find((n) => n.type === 'Pod');

describe('containers Argo’s executor does not run', () => {
  test('main and wait ended, the injected sidecar runs on: the node succeeds and the pod is deleted', () => {
    const d = decideWith({ wait: done(0), main: done(0), sidecar: { running: {} } });
    assert.equal(podNode(d)?.phase, 'Succeeded');
    const del = d.actions.find((a) => a.kind === 'DeletePod');
    assert.ok(del && del.kind === 'DeletePod', JSON.stringify(d.actions));
    assert.match(del.reason, /to stop sidecar, not run by Argo's executor/);
  });
  test('main failed: the node fails with main’s exit code, and the pod is deleted', () => {
    const d = decideWith({ wait: done(0), main: done(3), sidecar: { running: {} } });
    assert.equal(podNode(d)?.phase, 'Failed');
    assert.match(podNode(d)?.message ?? '', /exit code 3/);
    assert.ok(d.actions.some((a) => a.kind === 'DeletePod'));
  });
  test('wait still running: the node keeps running and nothing is deleted', () => {
    const d = decideWith({ wait: { running: {} }, main: done(0), sidecar: { running: {} } });
    assert.equal(podNode(d)?.phase, 'Running');
    assert.ok(!d.actions.some((a) => a.kind === 'DeletePod'));
  });
});

describe('a sidecar the template declares', () => {
  const declaredYaml = `
spec:
  entrypoint: main
  templates:
    - name: main
      container: {image: curlimages/curl:latest, command: [sh, -c], args: [curl localhost]}
      sidecars:
        - {name: nginx, image: 'nginx:1.13'}
`;
  test('still stopping after main and wait ended: the node waits for the pod, which is not deleted', () => {
    const later = decideWith({ wait: done(0), main: done(0), nginx: { running: {} } }, true, declaredYaml, [
      'wait',
      'main',
      'nginx',
    ]);
    assert.equal(podNode(later)?.phase, 'Running');
    assert.ok(!later.actions.some((a) => a.kind === 'DeletePod'), JSON.stringify(later.actions));
  });
});

describe('pods-only places: a container injected into the pod', () => {
  const decidePodsOnly = (states: Record<string, KubeContainerStatus['state']>) =>
    decideWith(
      states,
      false,
      podsOnlyYaml.replace(
        'container: {image: argoproj/argosay:v1}',
        'container: {image: argoproj/argosay:v1}\n      inputs: {parameters: [{name: x, default: ""}]}',
      ),
    );
  test('main ended, the injected container runs on: the node succeeds and the pod is deleted', () => {
    const d = decidePodsOnly({ main: done(0), sidecar: { running: {} } });
    assert.equal(podNode(d)?.phase, 'Succeeded');
    const del = d.actions.find((a) => a.kind === 'DeletePod');
    assert.ok(del && del.kind === 'DeletePod', JSON.stringify(d.actions));
    assert.match(del.reason, /main has ended; deleting the pod to stop sidecar/);
  });
  test('main failed: the node fails with its exit code, and the pod is deleted', () => {
    const d = decidePodsOnly({ main: done(2), sidecar: { running: {} } });
    assert.equal(podNode(d)?.phase, 'Failed');
    assert.match(podNode(d)?.message ?? '', /exit code 2/);
    assert.ok(d.actions.some((a) => a.kind === 'DeletePod'));
  });
  test('main still running: the node keeps running and nothing is deleted', () => {
    const d = decidePodsOnly({ main: { running: {} }, sidecar: { running: {} } });
    assert.equal(podNode(d)?.phase, 'Running');
    assert.ok(!d.actions.some((a) => a.kind === 'DeletePod'));
  });
  test('the result a later step needs is read from main’s log while the injected container runs on', () => {
    const wf = wfFromYaml(podsOnlyYaml);
    const d = decidePodsOnly({ main: { running: {} }, sidecar: { running: {} } });
    const node = podNode(d)!;
    const pod: KubePod = {
      metadata: { name: 'p', annotations: { [ANNOTATION_NODE_ID]: node.id } },
      spec: { containers: [{ name: 'main' }, { name: 'sidecar' }] },
      status: {
        phase: 'Running',
        containerStatuses: [
          { name: 'main', state: done(0) } as KubeContainerStatus,
          { name: 'sidecar', state: { running: {} } } as KubeContainerStatus,
        ],
      },
    } as KubePod;
    const withStatus = { ...wf, status: d.status };
    assert.equal(wantsMainLog(withStatus, { cluster: 'main', namespace: 'argo', pod }, undefined), true);
    const stillRunning = {
      ...pod,
      status: { ...pod.status, containerStatuses: [{ name: 'main', state: { running: {} } } as KubeContainerStatus] },
    } as KubePod;
    assert.equal(wantsMainLog(withStatus, { cluster: 'main', namespace: 'argo', pod: stillRunning }, undefined), false);
  });
});
