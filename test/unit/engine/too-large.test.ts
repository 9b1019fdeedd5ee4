// A status too large to store ends the workflow Error and stops its pods, keeping their places (issue
// 24 item 9); a finished workflow is labelled completed only once none of its pods still runs.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { decide } from '../../../src/engine/index.ts';
import type { ObservedPod, Snapshot } from '../../../src/engine/contract.ts';
import type { NodeStatus, Workflow, WorkflowStatus } from '../../../src/engine/types.ts';

const NOW = new Date('2026-01-01T00:10:00Z');
const COMPLETED = 'workflows.argoproj.io/completed';

const pod = (name: string, cluster: string, namespace: string, phase: string, deleting = false): ObservedPod => ({
  cluster,
  namespace,
  pod: {
    metadata: { name, ...(deleting ? { deletionTimestamp: '2026-01-01T00:09:00Z' } : {}) },
    spec: { containers: [] },
    status: { phase: phase as 'Running' },
  },
});

const node = (id: string, phase: string, place?: { clusterName: string; namespace: string }): NodeStatus =>
  ({ id, name: id, displayName: id, type: 'Pod', phase, ...place }) as NodeStatus;

function workflow(status: WorkflowStatus): Workflow {
  return {
    apiVersion: 'argoproj.io/v1alpha1',
    kind: 'Workflow',
    metadata: { name: 'w', namespace: 'argo', uid: 'u1', finalizers: ['workflows.argosy.io/remote-pods'] },
    spec: { entrypoint: 'main', templates: [{ name: 'main', container: { image: 'alpine' } }] },
    status,
  } as Workflow;
}

const stored: WorkflowStatus = {
  phase: 'Running',
  startedAt: '2026-01-01T00:00:00Z',
  nodes: {
    a: node('a', 'Succeeded', { clusterName: 'far', namespace: 'team-a' }),
    b: node('b', 'Running', { clusterName: 'other', namespace: 'team-b' }),
  },
};
const pods = [
  pod('a', 'far', 'team-a', 'Succeeded'),
  pod('b', 'other', 'team-b', 'Running'),
  // Created in this reconcile: not in the stored nodes, in a place nothing else records.
  pod('c', 'other', 'made-now', 'Pending'),
  pod('d', 'other', 'team-b', 'Running', true),
];

function tooLarge(keepNodes: boolean): Snapshot {
  return {
    workflow: workflow(stored),
    pods,
    controller: { clusterName: 'main' },
    statusTooLarge: { message: 'workflow is longer than maximum allowed size', keepNodes },
  };
}

describe('status too large to store', () => {
  test('ends Error with the message, stops every live pod and records every place', () => {
    const d = decide(tooLarge(true), NOW);
    assert.equal(d.status.phase, 'Error');
    assert.match(d.status.message ?? '', /^workflow is longer than maximum allowed size; its pods were stopped/);
    assert.equal(d.status.finishedAt, NOW.toISOString());
    assert.deepEqual(
      d.actions.map((a) => (a.kind === 'DeletePod' ? `${a.cluster}/${a.namespace}/${a.name}` : a.kind)),
      ['other/team-b/b', 'other/made-now/c'],
    );
    assert.deepEqual(
      (d.status.podPlaces ?? []).map((p) => `${p.cluster}/${p.namespace}`),
      ['far/team-a', 'other/made-now', 'other/team-b'],
    );
    // The stored tree is kept, with no node left Running inside the finished workflow.
    assert.equal(d.status.nodes?.a?.phase, 'Succeeded');
    assert.equal(d.status.nodes?.b?.phase, 'Failed');
    assert.match(d.status.nodes?.b?.message ?? '', /workflow ended \(Error\)/);
    // Not completed while the stopped pods may still be there: the next reconcile looks again.
    assert.equal(d.metadata.labels[COMPLETED], 'false');
    assert.equal(d.metadata.labels['workflows.argoproj.io/phase'], 'Error');
    assert.deepEqual(d.metadata.finalizers, ['workflows.argosy.io/remote-pods']);
    assert.ok((d.requeueAfterMs ?? -1) > 0);
  });

  test('without the stored tree (it did not fit either): the places are still kept', () => {
    const d = decide(tooLarge(false), NOW);
    assert.equal(d.status.nodes, undefined);
    assert.equal(d.status.phase, 'Error');
    assert.deepEqual(
      (d.status.podPlaces ?? []).map((p) => `${p.cluster}/${p.namespace}`),
      ['far/team-a', 'other/made-now', 'other/team-b'],
    );
    assert.equal(d.actions.filter((a) => a.kind === 'DeletePod').length, 2);
  });
});

describe('a finished workflow', () => {
  const ended: WorkflowStatus = { ...stored, phase: 'Error', finishedAt: '2026-01-01T00:09:00Z', podPlaces: [] };
  test('with a pod still running: the pod is stopped and the completed label waits', () => {
    const d = decide({ workflow: workflow(ended), pods, controller: { clusterName: 'main' } }, NOW);
    assert.deepEqual(
      d.actions.map((a) => a.kind === 'DeletePod' && a.name),
      ['b', 'c'],
    );
    assert.equal(d.metadata.labels[COMPLETED], 'false');
    assert.deepEqual(d.status, ended, 'the stored status is not changed');
  });
  test('with no pod left running (finished or being deleted): labelled completed, nothing to do', () => {
    const left = pods.filter((p) => p.pod.status?.phase === 'Succeeded' || p.pod.metadata.deletionTimestamp);
    const d = decide({ workflow: workflow(ended), pods: left, controller: { clusterName: 'main' } }, NOW);
    assert.deepEqual(d.actions, []);
    assert.equal(d.metadata.labels[COMPLETED], 'true');
    assert.equal(d.requeueAfterMs, undefined);
  });
});

describe('status too large to store: locks', () => {
  test('the ending lets go of every lock entry of the workflow in that decide, and clears status.synchronization', () => {
    const withSync: WorkflowStatus = {
      ...stored,
      synchronization: { mutex: { holding: [{ mutex: 'argo/Mutex/m', holder: 'argo/w' }] } },
    };
    const waiter = { priority: 0, created: '2026-01-01T00:00:00Z' };
    const d = decide(
      {
        ...tooLarge(true),
        workflow: workflow(withSync),
        locks: {
          'argo/Mutex/m': { holders: ['argo/w'], waiting: [{ key: 'argo/other', ...waiter }], limit: 1 },
          'argo/ConfigMap/cm/k': {
            holders: ['argo/other'],
            waiting: [
              { key: 'argo/w/w-123', ...waiter },
              { key: 'argo/w2', ...waiter },
            ],
            limit: 1,
          },
        },
      },
      NOW,
    );
    assert.equal(d.status.phase, 'Error');
    assert.equal(d.status.synchronization, undefined);
    assert.deepEqual(
      d.actions.filter((a) => a.kind === 'ReleaseLock').map((a) => [a.lock.key, a.lock.kind, a.holder]),
      [
        ['argo/ConfigMap/cm/k', 'Semaphore', 'argo/w/w-123'],
        ['argo/Mutex/m', 'Mutex', 'argo/w'],
      ],
    );
  });
});

describe('offloaded nodes lost for good', () => {
  test('ends Error with the message, drops the version it names, stops the live pods, keeps their places', () => {
    const raw: WorkflowStatus = {
      phase: 'Running',
      startedAt: '2026-01-01T00:00:00Z',
      offloadNodeStatusVersion: 'fnv:123',
      podPlaces: [{ cluster: 'far', namespace: 'team-a' }],
    };
    const message = 'offloaded node status fnv:123 is missing from s3://b';
    const d = decide(
      { workflow: workflow(raw), pods, controller: { clusterName: 'main' }, offloadedNodesLost: { message } },
      NOW,
    );
    assert.equal(d.status.phase, 'Error');
    assert.equal(d.status.message, `${message}; its pods were stopped`);
    assert.equal(d.status.offloadNodeStatusVersion, undefined);
    assert.equal(d.status.nodes, undefined);
    assert.deepEqual(
      d.actions.map((a) => (a.kind === 'DeletePod' ? `${a.cluster}/${a.namespace}/${a.name}` : a.kind)),
      ['other/team-b/b', 'other/made-now/c'],
    );
    assert.deepEqual(
      (d.status.podPlaces ?? []).map((p) => `${p.cluster}/${p.namespace}`),
      ['far/team-a', 'other/made-now', 'other/team-b'],
    );
    assert.equal(d.metadata.labels[COMPLETED], 'false');
  });
});
