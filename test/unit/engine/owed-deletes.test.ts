// Deletes a finished workflow still owes (issue 13): podGC deletes planned at completion that failed
// used to be dropped (the workflow was labelled completed in that reconcile, its pods left for good),
// and claim deletes (volumeClaimGC) were thrown back to the queue. The engine now decides on each
// outcome: failed for now → asked again with a backoff and the completed label withheld, up to a bound;
// refused → a Warning event naming the object, its place and the server's message, then completed.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { decide } from '../../../src/engine/index.ts';
import type { Action, EffectResult, ObservedPod, Snapshot } from '../../../src/engine/contract.ts';
import type { Workflow, WorkflowStatus } from '../../../src/engine/types.ts';
import { NOW, wfFromYaml } from './fixtures.ts';

const controller = { clusterName: 'main' };
const COMPLETED = 'workflows.argoproj.io/completed';
const at = (ms: number) => new Date(NOW.getTime() + ms).toISOString();

/** A workflow that finished in `phase` (not labelled completed yet), with podGC and volumeClaimGC set. */
function finished(phase: 'Succeeded' | 'Failed', extra: Partial<WorkflowStatus> = {}): Workflow {
  const wf = wfFromYaml(`
metadata: {name: wf}
spec:
  entrypoint: main
  podGC: {strategy: OnWorkflowCompletion}
  volumeClaimGC: {strategy: OnWorkflowCompletion}
  templates:
  - name: main
    clusterName: other
    container: {image: alpine}
`);
  const node = { id: 'wf', name: 'wf', type: 'Pod' as const, phase, finishedAt: at(-1000), message: undefined };
  return {
    ...wf,
    metadata: { ...wf.metadata, labels: { [COMPLETED]: 'false' } },
    status: { phase, startedAt: at(-5000), finishedAt: at(-1000), nodes: { wf: node }, ...extra },
  };
}

const pod: ObservedPod = {
  cluster: 'other',
  namespace: 'argo',
  pod: {
    metadata: { name: 'wf', annotations: { 'workflows.argoproj.io/node-id': 'wf' } },
    spec: { containers: [{ name: 'main' }] },
    status: { phase: 'Succeeded' },
  },
};

const claim = {
  name: 'work',
  persistentVolumeClaim: { claimName: 'wf-work' },
  clusterName: 'other',
  namespace: 'argo',
};

const kinds = (actions: Action[], kind: Action['kind']) => actions.filter((a) => a.kind === kind);
const events = (actions: Action[]) =>
  actions.flatMap((a) => (a.kind === 'EmitEvent' ? [`${a.reason}: ${a.message}`] : []));

function snap(wf: Workflow, effects?: EffectResult[]): Snapshot {
  return { workflow: wf, pods: [pod], controller, ...(effects ? { effects } : {}) };
}

const failing = (kind: 'DeletePod' | 'DeleteClaim', outcome: EffectResult['outcome']): EffectResult => ({
  kind,
  cluster: 'other',
  namespace: 'argo',
  name: kind === 'DeletePod' ? 'wf' : 'wf-work',
  outcome,
});
const unavailable = { kind: 'transient' as const, message: '503 ServiceUnavailable: etcd is down' };
const forbidden = {
  kind: 'rejected' as const,
  statusCode: 403,
  reason: 'Forbidden',
  message: 'pods "wf" is forbidden: User "x" cannot delete resource "pods"',
};

describe('podGC deletes a finished workflow still owes', () => {
  test('a finished pod podGC collects is still there: deleted again, completed label withheld', () => {
    const d = decide(snap(finished('Succeeded')), NOW);
    assert.deepEqual(
      kinds(d.actions, 'DeletePod').map((a) => a.kind === 'DeletePod' && `${a.cluster}/${a.namespace}/${a.name}`),
      ['other/argo/wf'],
    );
    assert.equal(d.metadata.labels[COMPLETED], 'false');
    assert.equal(d.requeueAfterMs, 2_000);
  });

  test('the delete failed for now: the node says it will be retried, backoff doubles per attempt', () => {
    const first = decide(snap(finished('Succeeded'), [failing('DeletePod', unavailable)]), NOW);
    assert.equal(first.metadata.labels[COMPLETED], 'false');
    assert.equal(kinds(first.actions, 'DeletePod').length, 1);
    assert.deepEqual(first.status.effectRetries?.['pod:other/argo/wf']?.attempts, 1);
    assert.equal(first.requeueAfterMs, 2_000);
    assert.match(
      first.status.nodes?.wf?.message ?? '',
      /could not be deleted in other\/argo: 503 .*\(will be retried\)$/,
    );
    const retries = { 'pod:other/argo/wf': { attempts: 2, since: at(-10_000), last: at(-4_000), message: 'x' } };
    const third = decide(
      snap(finished('Succeeded', { effectRetries: retries }), [failing('DeletePod', unavailable)]),
      NOW,
    );
    assert.equal(third.status.effectRetries?.['pod:other/argo/wf']?.attempts, 3);
    assert.equal(third.requeueAfterMs, 8_000);
  });

  test('refused for good: no new ask, an event names pod, place and error, the workflow is completed', () => {
    const d = decide(snap(finished('Succeeded'), [failing('DeletePod', forbidden)]), NOW);
    assert.equal(kinds(d.actions, 'DeletePod').length, 0);
    assert.equal(d.metadata.labels[COMPLETED], 'true');
    assert.ok(
      events(d.actions).some((e) =>
        /^WorkflowPodDeleteFailed: wf: pod wf could not be deleted in other\/argo: pods "wf" is forbidden/.test(e),
      ),
      JSON.stringify(events(d.actions)),
    );
  });

  test('failing for longer than the bound: given up with an event naming the last error, then completed', () => {
    const retries = {
      'pod:other/argo/wf': { attempts: 9, since: at(-3_700_000), last: at(-30_000), message: '503 down' },
    };
    const d = decide(snap(finished('Succeeded', { effectRetries: retries })), NOW);
    assert.equal(kinds(d.actions, 'DeletePod').length, 0);
    assert.equal(d.metadata.labels[COMPLETED], 'true');
    assert.equal(d.status.effectRetries, undefined);
    assert.ok(
      events(d.actions).some((e) =>
        /^WorkflowPodDeleteFailed: wf: pod wf could not be deleted in other\/argo: 503 down \(gave up after 1 hour/.test(
          e,
        ),
      ),
      JSON.stringify(events(d.actions)),
    );
  });

  test('a strategy that does not collect (OnWorkflowSuccess of a Failed workflow): nothing owed', () => {
    const wf = finished('Failed');
    wf.spec.podGC = { strategy: 'OnWorkflowSuccess' };
    const d = decide(snap(wf), NOW);
    assert.equal(kinds(d.actions, 'DeletePod').length, 0);
    assert.equal(d.metadata.labels[COMPLETED], 'true');
  });
});

describe('claim deletes (volumeClaimGC) decided by the engine', () => {
  const noPods = (wf: Workflow, effects?: EffectResult[]): Snapshot => ({ ...snap(wf, effects), pods: [] });

  test('failed for now: the claim is put back in the status, asked again with the label withheld', () => {
    const d = decide(noPods(finished('Succeeded'), [failing('DeleteClaim', unavailable)]), NOW);
    assert.deepEqual(d.status.persistentVolumeClaims, [claim]);
    assert.equal(kinds(d.actions, 'DeleteClaim').length, 1);
    assert.equal(d.metadata.labels[COMPLETED], 'false');
    assert.equal(d.requeueAfterMs, 2_000);
    assert.ok(
      events(d.actions).includes(
        'WorkflowClaimDeleteFailed: persistentvolumeclaim wf-work could not be deleted in other/argo: 503 ServiceUnavailable: etcd is down (will be retried)',
      ),
    );
  });

  test('the next reconcile asks again and the claim leaves the status; completed', () => {
    const d = decide(noPods(finished('Succeeded', { persistentVolumeClaims: [claim] })), NOW);
    assert.deepEqual(
      kinds(d.actions, 'DeleteClaim').map((a) => a.kind === 'DeleteClaim' && a.name),
      ['wf-work'],
    );
    assert.equal(d.status.persistentVolumeClaims, undefined);
    assert.equal(d.metadata.labels[COMPLETED], 'true');
  });

  test('refused: the claim stays recorded, an event names it, its place and the error; completed', () => {
    const d = decide(noPods(finished('Succeeded'), [failing('DeleteClaim', { ...forbidden, message: 'no' })]), NOW);
    assert.deepEqual(d.status.persistentVolumeClaims, [claim]);
    assert.equal(kinds(d.actions, 'DeleteClaim').length, 0);
    assert.equal(d.metadata.labels[COMPLETED], 'true');
    assert.ok(
      events(d.actions).includes(
        'WorkflowClaimDeleteFailed: persistentvolumeclaim wf-work could not be deleted in other/argo: no (refused)',
      ),
    );
  });
});
