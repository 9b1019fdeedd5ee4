// What the reconcile does around the decided actions is the engine's decision (issue 13): the metadata
// stored first when a finalizer must precede a remote pod, the pod-create cap, the phase-transition
// events, and which pods' logs are read. The runtime only executes what these say.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { decide } from '../../../src/engine/index.ts';
import { phaseEvents } from '../../../src/engine/phase-events.ts';
import { wantsMainLog } from '../../../src/engine/logs-wanted.ts';
import { WORKFLOW_FINALIZER, type ObservedPod, type Snapshot } from '../../../src/engine/contract.ts';
import type { Workflow } from '../../../src/engine/types.ts';
import { NOW, wfFromYaml } from './fixtures.ts';

const controller = { clusterName: 'main' };

/** Three parallel steps; `place` puts them in another cluster/namespace. */
function fanOut(place = ''): Workflow {
  return wfFromYaml(`
metadata: {name: wf}
spec:
  entrypoint: main
  templates:
  - name: main
    steps:
    - [{name: a, template: work}, {name: b, template: work}, {name: c, template: work}]
  - name: work
    ${place}
    container: {image: alpine}
`);
}

const creates = (s: Snapshot) => decide(s, NOW).actions.filter((a) => a.kind === 'CreatePod');

describe('pod-create cap', () => {
  test('keeps the first creates of the budget and counts the rest as deferred', () => {
    const snap: Snapshot = { workflow: fanOut(), pods: [], controller, podCreateBudget: 2 };
    const d = decide(snap, NOW);
    const made = d.actions.filter((a) => a.kind === 'CreatePod');
    assert.deepEqual(
      made.map((a) => a.nodeId),
      creates({ ...snap, podCreateBudget: undefined })
        .slice(0, 2)
        .map((a) => a.nodeId),
    );
    assert.equal(d.deferredCreates, 1);
  });

  test('no budget left: no create, every node Pending for the next decide', () => {
    const d = decide({ workflow: fanOut(), pods: [], controller, podCreateBudget: 0 }, NOW);
    assert.equal(d.actions.filter((a) => a.kind === 'CreatePod').length, 0);
    assert.equal(d.deferredCreates, 3);
    const pods = Object.values(d.status.nodes ?? {}).filter((n) => n.type === 'Pod');
    assert.deepEqual(
      pods.map((n) => n.phase),
      ['Pending', 'Pending', 'Pending'],
    );
  });

  test('without a budget every create is kept and nothing is deferred', () => {
    const d = decide({ workflow: fanOut(), pods: [], controller }, NOW);
    assert.equal(d.actions.filter((a) => a.kind === 'CreatePod').length, 3);
    assert.equal(d.deferredCreates, undefined);
  });
});

describe('finalizer before the first remote create', () => {
  test('a create in another cluster with the finalizer not stored yet: metadata first', () => {
    const d = decide({ workflow: fanOut('clusterName: other'), pods: [], controller }, NOW);
    assert.ok(d.metadata.finalizers.includes(WORKFLOW_FINALIZER));
    assert.equal(d.metadataFirst, true);
  });

  test('a create in another namespace of the main cluster: metadata first', () => {
    const d = decide({ workflow: fanOut('namespace: elsewhere'), pods: [], controller }, NOW);
    assert.equal(d.metadataFirst, true);
  });

  test('local creates, or the finalizer already stored: no write first', () => {
    assert.equal(decide({ workflow: fanOut(), pods: [], controller }, NOW).metadataFirst, undefined);
    const wf = fanOut('clusterName: other');
    const stored = { ...wf, metadata: { ...wf.metadata, finalizers: [WORKFLOW_FINALIZER] } };
    assert.equal(decide({ workflow: stored, pods: [], controller }, NOW).metadataFirst, undefined);
  });

  test('remote creates all deferred by the cap: nothing to store first', () => {
    const d = decide({ workflow: fanOut('clusterName: other'), pods: [], controller, podCreateBudget: 0 }, NOW);
    assert.equal(d.metadataFirst, undefined);
  });
});

describe('phase-transition events', () => {
  test('derived from phase transitions with Argo reasons, messages and node annotations', () => {
    const events = phaseEvents(
      { phase: 'Running', nodes: { a: { id: 'a', name: 'w.a', type: 'Pod', phase: 'Running' } } },
      {
        phase: 'Failed',
        message: 'child failed',
        nodes: { a: { id: 'a', name: 'w.a', type: 'Pod', phase: 'Failed', message: 'exit code 1' } },
      },
    );
    assert.deepEqual(
      events.map((e) => [e.reason, e.type, e.message]),
      [
        ['WorkflowFailed', 'Warning', 'child failed'],
        ['WorkflowNodeFailed', 'Warning', 'Failed node w.a: exit code 1'],
      ],
    );
    assert.deepEqual(events[1]?.annotations, {
      'workflows.argoproj.io/node-name': 'w.a',
      'workflows.argoproj.io/node-type': 'Pod',
    });
    assert.deepEqual(phaseEvents({ phase: 'Running' }, { phase: 'Running' }), []);
  });

  test('a workflow starting: WorkflowRunning and its Running nodes, Pending ones not', () => {
    const d = decide({ workflow: fanOut(), pods: [], controller }, NOW);
    assert.deepEqual(
      (d.phaseEvents ?? []).map((e) => [e.reason, e.type, e.message]),
      [
        ['WorkflowRunning', 'Normal', 'Workflow Running'],
        ['WorkflowNodeRunning', 'Normal', 'Running node wf'],
        ['WorkflowNodeRunning', 'Normal', 'Running node wf[0]'],
      ],
    );
  });

  test('a later round of the same reconcile: events from the stored status, not the round before', () => {
    const first = decide({ workflow: fanOut(), pods: [], controller }, NOW);
    const round2: Snapshot = { workflow: { ...fanOut(), status: first.status }, pods: [], controller };
    assert.equal(decide(round2, NOW).phaseEvents, undefined);
    const fromStored = decide({ ...round2, storedStatus: {} }, NOW);
    assert.deepEqual(
      (fromStored.phaseEvents ?? []).map((e) => e.reason),
      ['WorkflowRunning', 'WorkflowNodeRunning', 'WorkflowNodeRunning'],
    );
  });
});

describe('which pods main logs are read', () => {
  const wf: Workflow = wfFromYaml(`
spec:
  entrypoint: main
  templates:
  - name: main
    steps:
    - - {name: gen, template: gen}
    - - {name: use, template: gen, arguments: {parameters: [{name: x, value: "{{steps.gen.outputs.result}}"}]}}
  - name: gen
    container: {image: alpine, command: [echo, hi]}
`);
  const genId = 'wf-gen';
  const withGen = (extra: object = {}): Workflow => ({
    ...wf,
    status: {
      phase: 'Running',
      nodes: {
        wf: { id: 'wf', name: 'wf', type: 'Steps', templateName: 'main', phase: 'Running' },
        [genId]: {
          id: genId,
          name: 'wf[0].gen',
          displayName: 'gen',
          type: 'Pod',
          boundaryID: 'wf',
          phase: 'Running',
          ...extra,
        },
      },
    },
  });
  const pod = (phase: 'Running' | 'Succeeded', message?: string): ObservedPod => ({
    cluster: 'other',
    namespace: 'argo',
    pod: {
      metadata: { name: 'wf-gen-1', annotations: { 'workflows.argoproj.io/node-id': genId } },
      spec: { containers: [{ name: 'main' }] },
      status: {
        phase,
        containerStatuses: message ? [{ name: 'main', state: { terminated: { exitCode: 0, message } } }] : [],
      },
    },
  });

  test('a finished pod whose referenced result the node does not hold yet', () => {
    assert.equal(wantsMainLog(withGen(), pod('Succeeded'), undefined), true);
  });

  test('not while the pod runs, nor once the node holds its result or is done', () => {
    assert.equal(wantsMainLog(withGen(), pod('Running'), undefined), false);
    assert.equal(wantsMainLog(withGen({ outputs: { result: 'hi' } }), pod('Succeeded'), undefined), false);
    assert.equal(wantsMainLog(withGen({ phase: 'Succeeded' }), pod('Succeeded'), undefined), false);
  });

  test('an unreferenced result is not read, unless the output document is at the end of the log', () => {
    const plain = wfFromYaml(`
spec:
  entrypoint: gen
  templates:
  - name: gen
    container: {image: alpine}
`);
    const unreferenced: Workflow = {
      ...plain,
      status: { phase: 'Running', nodes: { [genId]: { id: genId, name: 'wf', type: 'Pod', phase: 'Running' } } },
    };
    assert.equal(wantsMainLog(unreferenced, pod('Succeeded'), undefined), false);
    const inLog = JSON.stringify({ argosy: { log: 5000 } });
    assert.equal(wantsMainLog(unreferenced, pod('Succeeded', inLog), undefined), true);
  });
});
