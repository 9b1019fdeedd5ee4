/**
 * The pod-create cap inside decide (`Snapshot.podCreateBudget`): a wide fan-out's pods are built and
 * placement-checked only up to the budget, so a reconcile of 100,000 Pending nodes does the work of the
 * creates it makes, not of all of them (counted: pods built, placement checks).
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { decide } from '../../../src/engine/index.ts';
import type { Action, ObservedPod, Snapshot } from '../../../src/engine/contract.ts';
import type { Workflow } from '../../../src/engine/types.ts';

const now = new Date('2026-01-02T15:00:00Z');

function wide(count: number): Workflow {
  return {
    apiVersion: 'argoproj.io/v1alpha1',
    kind: 'Workflow',
    metadata: { name: 'wide', namespace: 'argo', uid: 'u-1' },
    spec: {
      entrypoint: 'main',
      templates: [
        { name: 'main', dag: { tasks: [{ name: 'fan', template: 'work', withSequence: { count: String(count) } }] } },
        { name: 'work', container: { image: 'argoproj/argosay:v2' } },
      ],
    },
  } as Workflow;
}

const creates = (actions: Action[]) =>
  actions.filter((a): a is Extract<Action, { kind: 'CreatePod' }> => a.kind === 'CreatePod');

describe('pod-create budget', () => {
  test('1,000 Pending pods, a budget of 10: 10 built and checked per decide, the rest deferred and planned next', () => {
    let checks = 0;
    const base: Snapshot = {
      workflow: wide(1000),
      pods: [],
      controller: { clusterName: 'main' },
      checkPlacement: () => (checks++, undefined),
      podCreateBudget: 10,
    };
    const first = decide(base, now);
    assert.equal(creates(first.actions).length, 10);
    assert.equal(first.deferredCreates, 990);
    assert.equal(checks, 10, 'placement checked for the pods built only');
    const nodes = Object.values(first.status.nodes ?? {}).filter((n) => n.type === 'Pod');
    assert.equal(nodes.length, 1000, 'every node exists, Pending');
    assert.ok(nodes.every((n) => n.phase === 'Pending'));
    // The next reconcile sees the 10 pods made and builds the next 10.
    const made: ObservedPod[] = creates(first.actions).map((a) => ({
      cluster: a.cluster,
      namespace: a.namespace,
      pod: a.pod,
    }));
    checks = 0;
    const second = decide({ ...base, workflow: { ...base.workflow, status: first.status }, pods: made }, now);
    const names = new Set(creates(first.actions).map((a) => a.pod.metadata.name));
    assert.equal(creates(second.actions).length, 10);
    assert.ok(creates(second.actions).every((a) => !names.has(a.pod.metadata.name)));
    assert.equal(second.deferredCreates, 980);
    assert.equal(checks, 10);
    // Without a budget (the engine's own callers): every pod, nothing deferred.
    const all = decide({ ...base, podCreateBudget: undefined }, now);
    assert.equal(creates(all.actions).length, 1000);
    assert.equal(all.deferredCreates, undefined);
  });
});
