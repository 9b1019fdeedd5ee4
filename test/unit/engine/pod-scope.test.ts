/**
 * A running workflow's reconcile lists only its pods not labelled completed (engine/pod-scope.ts). What
 * keeps that safe, pinned by counts: a pod is labelled before its node's outcome is stored never
 * (`afterStatusWrite`), the engine asks for the finished pods where it needs them (a Running pod node
 * without an unfinished pod, completion with podGC), and which workflows list everything up front.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { decide } from '../../../src/engine/index.ts';
import type { Action, Decision, ObservedPod, Snapshot } from '../../../src/engine/contract.ts';
import type { Workflow } from '../../../src/engine/types.ts';
import { podListScope, runningWithoutPod } from '../../../src/engine/pod-scope.ts';
import { advancePod, applyDecision, applyPodActions, simulateContainer } from './kubelet-sim.ts';

const now = new Date('2026-01-02T15:00:00Z');

function wide(count: number, podGC?: Workflow['spec']['podGC']): Workflow {
  return {
    apiVersion: 'argoproj.io/v1alpha1',
    kind: 'Workflow',
    metadata: { name: 'wide', namespace: 'argo', uid: 'u-1' },
    spec: {
      entrypoint: 'main',
      ...(podGC ? { podGC } : {}),
      templates: [
        { name: 'main', dag: { tasks: [{ name: 'fan', template: 'work', withSequence: { count: String(count) } }] } },
        { name: 'work', container: { image: 'argoproj/argosay:v2' } },
      ],
    },
  } as Workflow;
}

type Label = Extract<Action, { kind: 'LabelPodCompleted' }>;
const labels = (d: Decision): Label[] => d.actions.filter((a): a is Label => a.kind === 'LabelPodCompleted');
const advance = (pods: ObservedPod[], which: (i: number) => boolean): ObservedPod[] =>
  pods.map((p, i) => (which(i) ? advancePod(p, now, simulateContainer, false) : p));
const isLabelled = (p: ObservedPod): boolean => p.pod.metadata.labels?.['workflows.argoproj.io/completed'] === 'true';

/** Decides, then "stores" the decision: the workflow carries its status, the pods its actions. */
function step(wf: Workflow, pods: ObservedPod[], extra: Partial<Snapshot> = {}) {
  const d = decide({ workflow: wf, pods, controller: { clusterName: 'main' }, ...extra }, now);
  return { d, wf: applyDecision(wf, d), pods: applyPodActions(pods, d) };
}

/** A 4-wide fan-out with every pod Running and that stored. */
function running(podGC?: Workflow['spec']['podGC']) {
  const started = step(wide(4, podGC), []);
  const pods = advance(started.pods, () => true);
  const stored = step(started.wf, pods);
  assert.equal(
    Object.values(stored.wf.status?.nodes ?? {}).filter((n) => n.type === 'Pod' && n.phase === 'Running').length,
    4,
  );
  return { wf: stored.wf, pods };
}

describe('listing only unfinished pods', () => {
  test('a pod whose node finishes in this decide is labelled after the status write; once stored, at once', () => {
    const { wf, pods } = running();
    const ended = advance(pods, (i) => i < 2);
    const first = step(wf, ended, { unfinishedPodsOnly: true });
    const after = labels(first.d);
    assert.equal(after.length, 2, 'two pods finished');
    assert.equal(after.filter((a) => a.afterStatusWrite).length, 2, 'both wait for the status write');
    // The status write was lost: the next decide sees the same stored status, so the labels still wait.
    const again = decide({ workflow: wf, pods: ended, controller: { clusterName: 'main' } }, now);
    assert.equal(labels(again).filter((a) => a.afterStatusWrite).length, 2);
    // Stored: the next decide labels them as any other (before its own write, failures on the node).
    const next = decide({ workflow: first.wf, pods: ended, controller: { clusterName: 'main' } }, now);
    assert.equal(labels(next).length, 2);
    assert.equal(labels(next).filter((a) => a.afterStatusWrite).length, 0);
  });

  test('a Running pod node without an unfinished pod: the engine asks for the finished pods, then decides on them', () => {
    const { wf, pods } = running();
    // Pod 0 finished and was labelled, but the status recording it was lost: it is not listed.
    const ended = advance(pods, (i) => i === 0);
    const labelled = ended.map((p, i) =>
      i === 0
        ? {
            ...p,
            pod: {
              ...p.pod,
              metadata: {
                ...p.pod.metadata,
                labels: { ...p.pod.metadata.labels, 'workflows.argoproj.io/completed': 'true' },
              },
            },
          }
        : p,
    );
    const unfinished = labelled.filter((p) => !isLabelled(p));
    assert.equal(unfinished.length, 3);
    const partial = decide(
      { workflow: wf, pods: unfinished, controller: { clusterName: 'main' }, unfinishedPodsOnly: true },
      now,
    );
    const id = labelled[0]!.pod.metadata.annotations?.['workflows.argoproj.io/node-id'] ?? '';
    assert.match(partial.finishedPodsWanted ?? '', new RegExp(`running node ${id}`));
    // With every pod (what the runtime adds on that request): the node's outcome is read back, not lost.
    const full = decide({ workflow: wf, pods: labelled, controller: { clusterName: 'main' } }, now);
    assert.equal(full.finishedPodsWanted, undefined);
    assert.equal(full.status.nodes?.[id]?.phase, 'Succeeded');
    // Nothing missing: nothing asked.
    const none = decide({ workflow: wf, pods, controller: { clusterName: 'main' }, unfinishedPodsOnly: true }, now);
    assert.equal(none.finishedPodsWanted, undefined);
  });

  test('runningWithoutPod visits the nodes once and builds one set of the pods (counted)', () => {
    const { wf, pods } = running();
    let reads = 0;
    const nodes = new Proxy(wf.status?.nodes ?? {}, {
      get: (t, k) => (typeof k === 'string' && k in t && reads++, Reflect.get(t, k)),
    });
    assert.equal(runningWithoutPod(nodes, pods), undefined);
    assert.equal(reads, Object.keys(wf.status?.nodes ?? {}).length, 'each node read once');
  });

  test('completing with podGC asks for the finished pods, so every pod is collected; without podGC it does not', () => {
    for (const podGC of [{ strategy: 'OnWorkflowSuccess' }, undefined] as const) {
      const { wf, pods } = running(podGC);
      const half = step(
        wf,
        advance(pods, (i) => i < 2),
      );
      const stored = step(half.wf, half.pods).pods; // the two finished pods labelled now
      assert.equal(stored.filter(isLabelled).length, 2);
      const all = advance(stored, (i) => i >= 2);
      const unfinished = all.filter((p) => !isLabelled(p));
      const last = decide(
        { workflow: half.wf, pods: unfinished, controller: { clusterName: 'main' }, unfinishedPodsOnly: true },
        now,
      );
      assert.equal(last.status.phase, 'Succeeded');
      if (!podGC) {
        assert.equal(last.finishedPodsWanted, undefined);
        continue;
      }
      assert.match(last.finishedPodsWanted ?? '', /podGC OnWorkflowSuccess at completion/);
      const full = decide({ workflow: half.wf, pods: all, controller: { clusterName: 'main' } }, now);
      assert.equal(full.actions.filter((a) => a.kind === 'DeletePod').length, 4, 'every pod collected');
    }
  });

  test('finished, deleted and delayed pod-level podGC workflows list every pod up front', () => {
    const wf = wide(2);
    assert.equal(podListScope(wf), 'unfinished');
    assert.equal(podListScope({ ...wf, status: { phase: 'Running' } }), 'unfinished');
    for (const phase of ['Succeeded', 'Failed', 'Error'] as const)
      assert.equal(podListScope({ ...wf, status: { phase } }), 'all', phase);
    assert.equal(podListScope({ ...wf, metadata: { ...wf.metadata, deletionTimestamp: now.toISOString() } }), 'all');
    assert.equal(podListScope(wide(2, { strategy: 'OnPodCompletion', deleteDelayDuration: '30s' })), 'all');
    assert.equal(podListScope(wide(2, { strategy: 'OnPodSuccess', deleteDelayDuration: '1m' })), 'all');
    assert.equal(podListScope(wide(2, { strategy: 'OnPodCompletion' })), 'unfinished');
    assert.equal(podListScope(wide(2, { strategy: 'OnWorkflowCompletion', deleteDelayDuration: '30s' })), 'unfinished');
  });
});
