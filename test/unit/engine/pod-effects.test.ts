// A pod delete or completed label the API server refused (or that failed for now) is decided by the
// engine (issue 13): the pod's node says so, a Warning event is recorded, the workflow goes on — the
// reconcile no longer throws and retries the same failure forever without writing a status.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { decide } from '../../../src/engine/index.ts';
import type { Action, ObservedPod, PodEffect, Snapshot } from '../../../src/engine/contract.ts';
import type { Workflow } from '../../../src/engine/types.ts';
import { drive } from './drive.ts';
import { NOW, wfFromYaml } from './fixtures.ts';

const controller = { clusterName: 'main' };
const COMPLETED = 'workflows.argoproj.io/completed';
const forbidden = (verb: string, name: string): PodEffect['outcome'] => ({
  kind: 'rejected',
  statusCode: 403,
  reason: 'Forbidden',
  message: `pods "${name}" is forbidden: User "x" cannot ${verb} resource "pods"`,
});
const events = (actions: Action[]) => actions.filter((a) => a.kind === 'EmitEvent');

const twoSteps = `
metadata: {name: wf, namespace: argo}
spec:
  entrypoint: main
  templates:
  - name: main
    steps:
    - [{name: a, template: work}]
    - [{name: b, template: work}]
  - name: work
    container: {image: alpine}
`;

/** Drives until the engine labels a's pod completed; returns that state with the pod not labelled. */
function labelPlanned(): { wf: Workflow; pods: ObservedPod[]; name: string } {
  const driven = drive(wfFromYaml(twoSteps), {
    until: (_wf, d) => d.actions.some((a) => a.kind === 'LabelPodCompleted'),
  });
  const label = driven.decisions.at(-1)?.actions.find((a) => a.kind === 'LabelPodCompleted');
  assert.ok(label && label.kind === 'LabelPodCompleted', 'a label was planned');
  const pods = driven.pods.map((p) => {
    const labels = { ...p.pod.metadata.labels };
    delete labels[COMPLETED];
    return { ...p, pod: { ...p.pod, metadata: { ...p.pod.metadata, labels } } };
  });
  return { wf: driven.workflow, pods, name: label.name };
}

describe('a completed label the API server refused', () => {
  test('the node keeps its phase and says so, a Warning event names it, the workflow goes on', () => {
    const { wf, pods, name } = labelPlanned();
    const effects: PodEffect[] = [
      { kind: 'LabelPodCompleted', cluster: 'main', namespace: 'argo', name, outcome: forbidden('patch', name) },
    ];
    const d = decide({ workflow: wf, pods, controller, effects }, NOW);
    const a = Object.values(d.status.nodes ?? {}).find((n) => n.displayName === 'a');
    const note = `pod ${name} could not be labelled completed in main/argo: pods "${name}" is forbidden: User "x" cannot patch resource "pods" (refused)`;
    assert.equal(a?.phase, 'Succeeded');
    assert.equal(a?.message, note);
    assert.deepEqual(
      events(d.actions).map((e) => e.kind === 'EmitEvent' && [e.type, e.reason, e.message]),
      [['Warning', 'WorkflowPodLabelFailed', `${a?.name}: ${note}`]],
    );
    assert.equal(d.status.phase, 'Running');
    // Deciding again on what was stored, with the same failure: the note is not repeated.
    const again = decide({ workflow: { ...wf, status: d.status }, pods, controller, effects }, NOW);
    assert.equal(Object.values(again.status.nodes ?? {}).find((n) => n.displayName === 'a')?.message, note);
  });
});

describe('a finished workflow whose pod could not be stopped', () => {
  const single = `
metadata: {name: wf, namespace: argo}
spec:
  entrypoint: main
  templates:
  - name: main
    clusterName: other
    namespace: argo
    container: {image: alpine}
`;
  function stopped(outcome: PodEffect['outcome']): { snap: Snapshot; name: string } {
    const first = decide({ workflow: wfFromYaml(single), pods: [], controller }, NOW);
    const create = first.actions.find((a) => a.kind === 'CreatePod');
    assert.ok(create && create.kind === 'CreatePod');
    const name = create.pod.metadata.name as string;
    const node = first.status.nodes?.[create.nodeId];
    const status = {
      ...first.status,
      phase: 'Failed' as const,
      finishedAt: NOW.toISOString(),
      nodes: { ...first.status.nodes, [create.nodeId]: { ...node!, phase: 'Failed' as const, message: 'stopped' } },
    };
    const pod: ObservedPod = {
      cluster: 'other',
      namespace: 'argo',
      pod: { ...create.pod, status: { phase: 'Running' } },
    };
    const effects: PodEffect[] = [{ kind: 'DeletePod', cluster: 'other', namespace: 'argo', name, outcome }];
    return { snap: { workflow: { ...wfFromYaml(single), status }, pods: [pod], controller, effects }, name };
  }

  test('refused for good: not asked again, the node and an event say so, the workflow is completed', () => {
    const { snap, name } = stopped(forbidden('delete', 'p'));
    const d = decide(snap, NOW);
    assert.deepEqual(
      d.actions.filter((a) => a.kind === 'DeletePod'),
      [],
    );
    assert.equal(d.metadata.labels[COMPLETED], 'true');
    const node = Object.values(d.status.nodes ?? {}).find((n) => n.type === 'Pod');
    assert.match(
      node?.message ?? '',
      new RegExp(`^stopped; pod ${name} could not be deleted in other/argo: .*forbidden.* \\(refused; delete it`),
    );
    assert.deepEqual(
      events(d.actions).map((e) => e.kind === 'EmitEvent' && e.reason),
      ['WorkflowPodDeleteFailed'],
    );
  });

  test('failed for now: asked again later, the completed label waits', () => {
    const { snap } = stopped({ kind: 'transient', message: 'unreachable (ECONNREFUSED): connection refused' });
    const d = decide(snap, NOW);
    assert.equal(d.actions.filter((a) => a.kind === 'DeletePod').length, 1);
    assert.equal(d.metadata.labels[COMPLETED], 'false');
    // The first retry after 2 s, doubling per failed attempt up to 30 s (owed-deletes.test.ts).
    assert.equal(d.requeueAfterMs, 2_000);
    const node = Object.values(d.status.nodes ?? {}).find((n) => n.type === 'Pod');
    assert.match(node?.message ?? '', /could not be deleted in other\/argo: unreachable .* \(will be retried\)$/);
  });
});
