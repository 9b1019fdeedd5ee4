// The finalizer's decision (issue 24 items 8, 10): capped deletes, the finalizer kept while any pod of
// the workflow is left (terminating included) or a place fails for now, pods of another workflow with
// the same name left alone.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { ObservedPod, PlaceProblem } from '../../../src/engine/contract.ts';
import { planFinalize } from '../../../src/engine/finalize.ts';

const pod = (name: string, o: { uid?: string; terminating?: boolean } = {}): ObservedPod => ({
  cluster: 'other',
  namespace: 'argo',
  pod: {
    metadata: {
      name,
      labels: o.uid ? { 'workflows.argosy.io/workflow-uid': o.uid } : {},
      ...(o.terminating ? { deletionTimestamp: '2026-01-01T00:00:00Z' } : {}),
    },
    spec: { containers: [] },
  },
});
const down: PlaceProblem = {
  cluster: 'far',
  namespace: 'argo',
  outcome: { kind: 'transient', message: 'unreachable' },
};
const refused: PlaceProblem = {
  cluster: 'far',
  namespace: 'argo',
  outcome: { kind: 'rejected', statusCode: 403, reason: 'Forbidden', message: 'forbidden' },
};

describe('planFinalize', () => {
  test('nothing left anywhere: the finalizer goes', () => {
    const plan = planFinalize({ workflowUid: 'u1', pods: [], unobserved: [] });
    assert.deepEqual(plan, { deletes: [], deferred: 0, remaining: 0, removeFinalizer: true });
  });
  test('deletes are capped; the rest continues at once', () => {
    const pods = Array.from({ length: 7 }, (_, i) => pod(`p${i}`, { uid: 'u1' }));
    const plan = planFinalize({ workflowUid: 'u1', pods, unobserved: [], maxDeletes: 3 });
    assert.deepEqual(
      plan.deletes.map((d) => d.name),
      ['p0', 'p1', 'p2'],
    );
    assert.equal(plan.deferred, 4);
    assert.equal(plan.removeFinalizer, false);
    assert.equal(plan.requeueAfterMs, 0);
  });
  test('a terminating pod keeps the finalizer, and is not deleted again', () => {
    const plan = planFinalize({
      workflowUid: 'u1',
      pods: [pod('p', { uid: 'u1', terminating: true })],
      unobserved: [],
    });
    assert.equal(plan.deletes.length, 0);
    assert.equal(plan.removeFinalizer, false);
    assert.ok((plan.requeueAfterMs ?? 0) > 0);
  });
  test("another workflow's pod with the same name is neither deleted nor waited for", () => {
    const plan = planFinalize({ workflowUid: 'u2', pods: [pod('p', { uid: 'u1' })], unobserved: [] });
    assert.equal(plan.deletes.length, 0);
    assert.equal(plan.removeFinalizer, true);
  });
  test('pods made before the UID label are ours', () => {
    const plan = planFinalize({ workflowUid: 'u2', pods: [pod('p')], unobserved: [] });
    assert.equal(plan.deletes.length, 1);
  });
  test('a place that fails for now keeps the finalizer; one that refuses for good does not', () => {
    assert.equal(planFinalize({ workflowUid: 'u', pods: [], unobserved: [down] }).removeFinalizer, false);
    assert.match(
      planFinalize({ workflowUid: 'u', pods: [], unobserved: [down] }).reason ?? '',
      /far\/argo: unreachable/,
    );
    assert.equal(planFinalize({ workflowUid: 'u', pods: [], unobserved: [refused] }).removeFinalizer, true);
  });
});
