// The engine decides what a pod create the API server refused means: the node ends Error with the
// server's message; retries, failFast and continueOn follow as for any Error node.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { decide } from '../../../src/engine/index.ts';
import type { Action, Decision, EffectResult, Snapshot } from '../../../src/engine/contract.ts';
import type { Workflow } from '../../../src/engine/types.ts';
import { applyDecision } from './kubelet-sim.ts';
import { NOW, wfFromYaml } from './fixtures.ts';

const controller = { clusterName: 'main' };
type Create = Extract<Action, { kind: 'CreatePod' }>;
const creates = (d: Decision): Create[] => d.actions.filter((a): a is Create => a.kind === 'CreatePod');

function refused(a: Create, message = 'namespaces "nope" not found', statusCode = 404): EffectResult {
  return {
    kind: 'CreatePod',
    nodeId: a.nodeId,
    cluster: a.cluster,
    namespace: a.namespace,
    outcome: { kind: 'rejected', statusCode, reason: 'NotFound', message },
  };
}

/** Decides, then decides again on its own status with every create refused (what the runtime does). */
function refuseAll(wf: Workflow, rounds: number): { wf: Workflow; decisions: Decision[] } {
  let snap: Snapshot = { workflow: wf, pods: [], controller };
  const decisions: Decision[] = [];
  for (let i = 0; i < rounds; i++) {
    const d = decide(snap, NOW);
    decisions.push(d);
    const cs = creates(d);
    snap = { ...snap, workflow: applyDecision(snap.workflow, d), effects: cs.map((c) => refused(c)) };
    if (cs.length === 0) break;
  }
  return { wf: snap.workflow, decisions };
}

const single = `
metadata: {name: wf, namespace: argo}
spec:
  entrypoint: main
  templates:
  - name: main
    clusterName: other
    namespace: nope
    container: {image: alpine}
`;

describe('refused pod creates', () => {
  test('the node ends Error with the API server message; the workflow ends Error', () => {
    const { wf } = refuseAll(wfFromYaml(single), 3);
    const node = Object.values(wf.status?.nodes ?? {})[0];
    const message = 'pod create refused by other/nope: namespaces "nope" not found';
    assert.equal(node?.phase, 'Error');
    assert.equal(node?.message, message);
    assert.ok(node?.finishedAt);
    assert.equal(wf.status?.phase, 'Error');
    assert.equal(wf.status?.message, message);
  });

  test('a refused create is an Error attempt: retryPolicy Always/OnError retries, OnFailure does not', () => {
    for (const [policy, attempts] of [
      ['Always', 3],
      ['OnError', 3],
      ['OnFailure', 1],
    ] as const) {
      const yaml = single.replace('container:', `retryStrategy: {limit: 2, retryPolicy: ${policy}}\n    container:`);
      const { wf } = refuseAll(wfFromYaml(yaml), 10);
      const pods = Object.values(wf.status?.nodes ?? {}).filter((n) => n.type === 'Pod');
      assert.equal(pods.length, attempts, policy);
      assert.ok(pods.every((n) => n.phase === 'Error'));
      assert.ok(['Failed', 'Error'].includes(wf.status?.phase ?? ''), `${policy}: ${wf.status?.phase}`);
    }
  });

  test('an effect for a node that already finished changes nothing', () => {
    const first = decide({ workflow: wfFromYaml(single), pods: [], controller }, NOW);
    const c = creates(first)[0] as Create;
    const done = applyDecision(wfFromYaml(single), first);
    const node = done.status!.nodes![c.nodeId]!;
    node.phase = 'Succeeded';
    const d = decide({ workflow: done, pods: [], controller, effects: [refused(c)] }, NOW);
    assert.equal(d.status.nodes?.[c.nodeId]?.phase, 'Succeeded');
  });
});
