import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  FRESH_POD_SIGNATURE,
  podSignature,
  significantChange,
  workflowSignature,
} from '../../../src/watcher/filter.ts';
import { compressNodes } from '../../../src/adapters/kube/compressed-nodes.ts';
import { podWatchSelector } from '../../../src/engine/labels.ts';
import { workflowOfPod } from '../../../src/watcher/watcher.ts';

const wf = (status: unknown, extra: Record<string, unknown> = {}) => ({
  metadata: { name: 'w', namespace: 'argo', resourceVersion: String(Math.random()), labels: {}, ...extra },
  spec: { entrypoint: 'main' },
  status,
});

describe('significance filter', () => {
  test('our own status writes do not count (no self-nudging loop)', () => {
    const before = workflowSignature(wf({ phase: 'Running' }));
    const after = workflowSignature(wf({ phase: 'Running', nodes: { a: {} } }));
    assert.equal(significantChange('workflow', 'MODIFIED', after, before), undefined);
  });

  test('spec changes, deletion and the completed label count', () => {
    const base = workflowSignature(wf({}));
    const spec = workflowSignature({ ...wf({}), spec: { entrypoint: 'main', shutdown: 'Stop' } });
    const deleting = workflowSignature(wf({}, { deletionTimestamp: '2026-01-01T00:00:00Z' }));
    assert.ok(significantChange('workflow', 'MODIFIED', spec, base));
    assert.ok(significantChange('workflow', 'MODIFIED', deleting, base));
    assert.ok(significantChange('workflow', 'ADDED', base, undefined));
  });

  test('a resumed suspend node counts (a user wrote status); a suspend still waiting does not', () => {
    const waiting = { s: { type: 'Suspend', phase: 'Running' }, p: { type: 'Pod', phase: 'Succeeded' } };
    const before = workflowSignature(wf({ phase: 'Running', nodes: waiting }));
    const same = workflowSignature(wf({ phase: 'Running', nodes: { ...waiting, q: { type: 'Pod' } } }));
    assert.equal(significantChange('workflow', 'MODIFIED', same, before), undefined);
    const resumed = { ...waiting, s: { type: 'Suspend', phase: 'Succeeded' } };
    const after = workflowSignature(wf({ phase: 'Running', nodes: resumed }));
    assert.ok(significantChange('workflow', 'MODIFIED', after, before));
    assert.equal(significantChange('workflow', 'MODIFIED', after, after), undefined, 'once, not a loop');
    const doneWithSuspends = wf({ nodes: resumed }, { labels: { 'workflows.argoproj.io/completed': 'true' } });
    assert.equal(significantChange('workflow', 'ADDED', workflowSignature(doneWithSuspends), undefined), undefined);
  });

  test('a resume counts for a large workflow whose nodes are stored compressed too', () => {
    const waiting = { s: { type: 'Suspend', phase: 'Running' }, p: { type: 'Pod', phase: 'Succeeded' } };
    const resumed = { ...waiting, s: { type: 'Suspend', phase: 'Succeeded' } };
    // Compressed as the reconcile stores them (status-size.ts → compressed-nodes.ts).
    const before = workflowSignature(wf({ phase: 'Running', compressedNodes: compressNodes(waiting) }));
    const after = workflowSignature(wf({ phase: 'Running', compressedNodes: compressNodes(resumed) }));
    assert.ok(significantChange('workflow', 'MODIFIED', after, before));
    // The same as when the nodes are stored plainly: a workflow crossing the size limit is not nudged.
    assert.equal(after, workflowSignature(wf({ phase: 'Running', nodes: resumed })));
  });

  test('completed workflows found at start-up are not nudged, unless they are being deleted', () => {
    const done = { 'workflows.argoproj.io/completed': 'true' };
    assert.equal(
      significantChange('workflow', 'ADDED', workflowSignature(wf({}, { labels: done })), undefined),
      undefined,
    );
    const deleting = workflowSignature(wf({}, { labels: done, deletionTimestamp: '2026-01-01T00:00:00Z' }));
    assert.ok(significantChange('workflow', 'ADDED', deleting, undefined));
  });

  test('setting completed=false on the first write is not a change', () => {
    const none = workflowSignature(wf({}));
    const f = workflowSignature(wf({}, { labels: { 'workflows.argoproj.io/completed': 'false' } }));
    assert.equal(none, f);
  });

  test('pod phase and container state transitions count; resourceVersion churn does not', () => {
    const pending = { metadata: { resourceVersion: '1' }, status: { phase: 'Pending' } };
    const pending2 = { metadata: { resourceVersion: '2' }, status: { phase: 'Pending' } };
    const running = {
      metadata: {},
      status: { phase: 'Running', containerStatuses: [{ name: 'main', state: { running: {} } }] },
    };
    assert.equal(significantChange('pod', 'MODIFIED', podSignature(pending2), podSignature(pending)), undefined);
    assert.ok(significantChange('pod', 'MODIFIED', podSignature(running), podSignature(pending)));
    assert.ok(significantChange('pod', 'DELETED', '', podSignature(running)));
    // A container becoming ready (its readiness probe passed) is news: a daemon's node waits for it.
    const ready = {
      metadata: {},
      status: { phase: 'Running', containerStatuses: [{ name: 'main', ready: true, state: { running: {} } }] },
    };
    assert.ok(significantChange('pod', 'MODIFIED', podSignature(ready), podSignature(running)));
  });

  test('a pod that cannot be scheduled, or whose container cannot pull its image, is news (the node says why)', () => {
    const pending = { status: { phase: 'Pending' } };
    const unschedulable = {
      status: { phase: 'Pending', conditions: [{ type: 'PodScheduled', status: 'False', reason: 'Unschedulable' }] },
    };
    const pull = (reason: string) => ({
      spec: { nodeName: 'n1' },
      status: { phase: 'Pending', containerStatuses: [{ name: 'main', state: { waiting: { reason } } }] },
    });
    assert.ok(significantChange('pod', 'MODIFIED', podSignature(unschedulable), podSignature(pending)));
    assert.ok(
      significantChange('pod', 'MODIFIED', podSignature(pull('ErrImagePull')), podSignature(pull('ContainerCreating'))),
    );
  });

  test('a freshly created pod is not news; a pod first seen running is', () => {
    assert.equal(significantChange('pod', 'ADDED', FRESH_POD_SIGNATURE, undefined), undefined);
    assert.ok(significantChange('pod', 'ADDED', podSignature({ status: { phase: 'Running' } }), undefined));
  });

  test('pod selectors: unfinished workflow pods of this instance; in another cluster those this main cluster placed', () => {
    assert.equal(
      podWatchSelector('main', 'main', ''),
      'workflows.argoproj.io/workflow,workflows.argoproj.io/completed=false,!workflows.argoproj.io/controller-instanceid,!workflows.argoproj.io/workflow-cluster-name',
    );
    assert.equal(
      podWatchSelector('other', 'main', 'i1'),
      'workflows.argoproj.io/workflow,workflows.argoproj.io/completed=false,workflows.argoproj.io/controller-instanceid=i1,workflows.argoproj.io/workflow-cluster-name=main',
    );
  });

  test('a pod belongs to the workflow named by its labels, in the labelled or its own namespace', () => {
    const labels = { 'workflows.argoproj.io/workflow': 'w' };
    assert.deepEqual(workflowOfPod({ metadata: { namespace: 'argo', labels } }), { namespace: 'argo', workflow: 'w' });
    assert.deepEqual(
      workflowOfPod({
        metadata: { namespace: 'batch', labels: { ...labels, 'workflows.argoproj.io/workflow-namespace': 'argo' } },
      }),
      { namespace: 'argo', workflow: 'w' },
    );
  });
});
