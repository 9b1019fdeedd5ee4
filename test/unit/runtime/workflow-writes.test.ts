import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { NodeStatus, Workflow, WorkflowStatus } from '../../../src/engine/types.ts';
import { shouldRecordEvent } from '../../../src/runtime/events.ts';
import { workflowPodSelector } from '../../../src/engine/labels.ts';
import { podPlaces } from '../../../src/runtime/observe.ts';
import { canonicalJson, diffMeta, isStatusChanged, mergeMeta } from '../../../src/runtime/write-workflow.ts';

const wf = (over: Partial<Workflow> = {}): Workflow => ({
  metadata: { name: 'w', namespace: 'argo', labels: { a: '1' }, finalizers: ['other/f'] },
  spec: {
    entrypoint: 'main',
    templates: [
      { name: 'main' },
      { name: 'x', clusterName: 'other', namespace: 'argo' },
      { name: 'y', clusterName: 'other', namespace: 'batch' },
    ],
  },
  ...over,
});

describe('metadata and status writes', () => {
  test('only changed labels/annotations and missing finalizers are written; nothing is removed', () => {
    const diff = diffMeta(wf().metadata, {
      labels: { a: '1', b: '2' },
      annotations: {},
      finalizers: ['workflows.argosy.io/remote-pods'],
    });
    assert.deepEqual(diff, { labels: { b: '2' }, finalizers: ['other/f', 'workflows.argosy.io/remote-pods'] });
    assert.equal(diffMeta(wf().metadata, { labels: { a: '1' }, annotations: {}, finalizers: [] }), undefined);
    assert.deepEqual(mergeMeta(wf().metadata, diff).labels, { a: '1', b: '2' });
  });

  test('status comparison ignores key order', () => {
    assert.equal(canonicalJson({ b: 1, a: { d: 2, c: 3 } }), canonicalJson({ a: { c: 3, d: 2 }, b: 1 }));
    assert.equal(isStatusChanged({ phase: 'Running', progress: '0/1' }, { progress: '0/1', phase: 'Running' }), false);
    assert.equal(isStatusChanged({ phase: 'Running' }, { phase: 'Succeeded' }), true);
    assert.equal(isStatusChanged({ phase: 'Running', message: undefined }, { phase: 'Running' }), false);
    assert.equal(
      isStatusChanged(
        {
          conditions: [
            { type: 'A', status: 'True' },
            { type: 'B', status: 'True' },
          ],
        },
        {
          conditions: [
            { type: 'B', status: 'True' },
            { type: 'A', status: 'True' },
          ],
        },
      ),
      true,
    );
    assert.equal(isStatusChanged({ progress: '1' }, { progress: 1 } as unknown as WorkflowStatus), true);
    assert.equal(isStatusChanged({ nodes: {} }, {}), true);
  });

  test('a wide status is compared deeply only where the engine made new objects (counted)', () => {
    const nodes: Record<string, NodeStatus> = {};
    for (let i = 0; i < 10_000; i++)
      nodes[`n${i}`] = { id: `n${i}`, name: `w.f(${i})`, type: 'Pod', phase: 'Running', outputs: { exitCode: '0' } };
    const stored: WorkflowStatus = { phase: 'Running', nodes };
    // As decide returns it: a new node map holding the same node objects, a copy of the one it changed.
    const decided: WorkflowStatus = { ...stored, nodes: { ...nodes, n7: { ...nodes.n7!, phase: 'Succeeded' } } };
    const visits = { objects: 0 };
    assert.equal(isStatusChanged(stored, decided, visits), true);
    assert.ok(visits.objects <= 3, `${visits.objects} objects compared member by member`);
    const same = { objects: 0 };
    assert.equal(isStatusChanged(stored, { ...stored, nodes: { ...nodes, n7: { ...nodes.n7! } } }, same), false);
    assert.ok(same.objects <= 4, `${same.objects}`);
    // A copy read from elsewhere is still compared right, member by member.
    assert.equal(isStatusChanged(structuredClone(stored), decided), true);
    assert.equal(isStatusChanged(structuredClone(stored), stored), false);
  });
});

describe('where a workflow has pods', () => {
  test('main/workflow namespace first, then template and node places, without duplicates', () => {
    const w = wf({
      status: { nodes: { n: { id: 'n', name: 'n', type: 'Pod', clusterName: 'edge', namespace: 'x' } } },
    });
    assert.deepEqual(
      podPlaces(w, 'main').map((p) => `${p.cluster}/${p.namespace}`),
      ['main/argo', 'other/argo', 'other/batch', 'edge/x'],
    );
  });

  test('the per-workflow selector carries the cluster and instance requirements', () => {
    assert.equal(
      workflowPodSelector('w', { cluster: 'other', namespace: 'argo' }, 'main', ''),
      'workflows.argoproj.io/workflow=w,!workflows.argoproj.io/controller-instanceid,workflows.argoproj.io/workflow-cluster-name=main',
    );
  });
});

describe('events', () => {
  test('the important policy keeps outcomes and failures only', () => {
    assert.equal(shouldRecordEvent('important', 'WorkflowSucceeded'), true);
    assert.equal(shouldRecordEvent('important', 'WorkflowNodeFailed'), true);
    assert.equal(shouldRecordEvent('important', 'WorkflowRunning'), false);
    assert.equal(shouldRecordEvent('important', 'WorkflowNodeSucceeded'), false);
    assert.equal(shouldRecordEvent('all', 'WorkflowNodeSucceeded'), true);
    assert.equal(shouldRecordEvent('none', 'WorkflowFailed'), false);
  });
});
