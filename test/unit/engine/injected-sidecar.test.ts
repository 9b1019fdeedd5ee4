/**
 * A container Argo's executor does not run (injected by a podSpecPatch, as Argo's TestInjectedSidecar
 * does, or by an admission webhook): once `main` and `wait` have ended the node is assessed from them
 * and the pod is deleted to stop it, instead of the workflow staying Running while it runs on.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { decide } from '../../../src/engine/decide.ts';
import type { KubeContainerStatus, KubePod, Snapshot } from '../../../src/engine/contract.ts';
import { NOW, wfFromYaml } from './fixtures.ts';

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

function decideWith(states: Record<string, KubeContainerStatus['state']>) {
  const snapshot: Snapshot = {
    workflow: wfFromYaml(yaml),
    pods: [],
    controller: { clusterName: 'main' },
    executorPlaces: ['main/argo'],
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
    ['wait', 'main', 'sidecar'],
  );
  const containerStatuses = Object.entries(states).map(([name, state]) => ({ name, state }) as KubeContainerStatus);
  const pod: KubePod = { ...create.pod, status: { phase: 'Running', containerStatuses } };
  snapshot.workflow = { ...snapshot.workflow, status: d.status };
  snapshot.pods = [{ cluster: 'main', namespace: 'argo', pod }];
  return decide(snapshot, NOW);
}

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
