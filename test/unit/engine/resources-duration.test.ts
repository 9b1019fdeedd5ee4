/**
 * resourcesDuration against Argo's own tests: util/resource/duration_test.go (TestDurationForPod) and
 * updater_test.go (TestUpdater) in argoproj/argo-workflows.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { KubePod } from '../../../src/engine/contract.ts';
import type { NodeStatus } from '../../../src/engine/types.ts';
import { durationForPod, updateResourcesDurations } from '../../../src/engine/resources-duration.ts';
import { milliValue, parseQuantity } from '../../../src/engine/quantity.ts';

const now = Date.parse('2026-11-24T12:00:00Z');
const ago = (s: number): string => new Date(now - s * 1000).toISOString();
const ran = (name: string, seconds: number) => ({
  name,
  state: { terminated: { exitCode: 0, startedAt: ago(seconds), finishedAt: ago(0) } },
});

function pod(containers: object[], statuses: object[], resources?: object): KubePod {
  return {
    metadata: {},
    spec: { containers, ...(resources ? { resources } : {}) },
    status: { phase: 'Succeeded', containerStatuses: statuses },
  } as unknown as KubePod;
}

describe('durationForPod (duration_test.go TestDurationForPod)', () => {
  test('Empty', () => {
    assert.deepEqual(durationForPod(pod([], [])), {});
  });
  test('ContainerWithCPURequest: 2 CPUs for a minute, default memory', () => {
    const p = pod([{ name: 'main', resources: { requests: { cpu: '2000m' } } }], [ran('main', 60)]);
    assert.deepEqual(durationForPod(p), { cpu: 120, memory: 60 });
  });
  test('ContainerWithGPULimit: limits count like requests', () => {
    const resources = { requests: { cpu: '2000m' }, limits: { 'nvidia.com/gpu': '1' } };
    const p = pod([{ name: 'main', resources }], [ran('main', 180)]);
    assert.deepEqual(durationForPod(p), { cpu: 360, memory: 180, 'nvidia.com/gpu': 180 });
  });
  test('PodLevelResources go to a container without its own', () => {
    const p = pod([{ name: 'main' }], [ran('main', 60)], { requests: { cpu: '2000m' } });
    assert.deepEqual(durationForPod(p), { cpu: 120, memory: 60 });
  });
  test('PodLevelResourcesMultiContainer: the pod budget counts once', () => {
    const p = pod([{ name: 'main' }, { name: 'sidecar' }], [ran('main', 60), ran('sidecar', 60)], {
      requests: { cpu: '2000m' },
    });
    assert.deepEqual(durationForPod(p), { cpu: 126, memory: 120 });
  });
  test('a container that has not terminated counts 0 seconds; storage is in 10Gi', () => {
    const resources = { requests: { 'ephemeral-storage': '20Gi', memory: '1Gi' } };
    const p = pod(
      [{ name: 'main', resources }, { name: 'wait' }],
      [ran('main', 10), { name: 'wait', state: { running: {} } }],
    );
    assert.deepEqual(durationForPod(p), { cpu: 1, memory: 102, 'ephemeral-storage': 20 });
  });
  test('MilliValue rounds up, as apimachinery does', () => {
    assert.equal(milliValue(parseQuantity('0.0001')!), 1n);
    assert.equal(milliValue(parseQuantity('100Mi')!), 104857600000n);
    assert.equal(milliValue(parseQuantity('1.5')!), 1500n);
  });
});

describe('updateResourcesDurations (updater_test.go TestUpdater)', () => {
  test('fulfilled nodes sum the pods reachable through children, each once; the workflow sums pods', () => {
    const n = (id: string, extra: Partial<NodeStatus>): NodeStatus =>
      ({ id, name: id, type: 'DAG', phase: 'Succeeded', ...extra }) as NodeStatus;
    const nodes: Record<string, NodeStatus> = {
      root: n('root', { children: ['pod', 'dag'] }),
      pod: n('pod', { type: 'Pod', resourcesDuration: { x: 1 }, children: ['dag'] }),
      dag: n('dag', { children: ['dag-pod'] }),
      'dag-pod': n('dag-pod', { type: 'Pod', resourcesDuration: { x: 2 } }),
    };
    const total = updateResourcesDurations(nodes);
    assert.deepEqual(nodes['dag-pod']!.resourcesDuration, { x: 2 });
    assert.deepEqual(nodes.dag!.resourcesDuration, { x: 2 });
    assert.deepEqual(nodes.pod!.resourcesDuration, { x: 1 });
    assert.deepEqual(nodes.root!.resourcesDuration, { x: 3 });
    assert.deepEqual(total, { x: 3 });
  });
  test('unfinished nodes get nothing; an unchanged node keeps its object', () => {
    const running = { id: 'r', name: 'r', type: 'Steps', phase: 'Running', children: ['p'] } as NodeStatus;
    const p = { id: 'p', name: 'p', type: 'Pod', phase: 'Succeeded', resourcesDuration: { cpu: 1 } } as NodeStatus;
    const done = {
      id: 'd',
      name: 'd',
      type: 'StepGroup',
      phase: 'Succeeded',
      children: ['p'],
      resourcesDuration: { cpu: 1 },
    } as NodeStatus;
    const nodes = { r: running, p, d: done };
    assert.deepEqual(updateResourcesDurations(nodes), { cpu: 1 });
    assert.equal(nodes.r.resourcesDuration, undefined);
    assert.equal(nodes.d, done);
    assert.equal(updateResourcesDurations({ r: running }), undefined);
  });
});
