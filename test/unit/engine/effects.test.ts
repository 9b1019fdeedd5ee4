// The engine decides what a pod create the API server refused means: the node ends Error with the
// server's message; retries, failFast and continueOn follow as for any Error node.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { decide } from '../../../src/engine/index.ts';
import type { Action, Decision, EffectResult, PlaceProblem, Snapshot } from '../../../src/engine/contract.ts';
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

describe('a cluster that fails for now', () => {
  const transient = (a: Create): EffectResult => ({
    kind: 'CreatePod',
    nodeId: a.nodeId,
    cluster: a.cluster,
    namespace: a.namespace,
    outcome: { kind: 'transient', message: 'unreachable (ETIMEDOUT): no answer' },
  });
  const down = {
    cluster: 'other',
    namespace: 'nope',
    outcome: { kind: 'transient' as const, message: 'connect ETIMEDOUT' },
  };
  const at = (s: number) => new Date(NOW.getTime() + s * 1000);

  function started(): { wf: Workflow; create: Create } {
    const wf = wfFromYaml(single);
    const d = decide({ workflow: wf, pods: [], controller }, NOW);
    return { wf: applyDecision(wf, d), create: creates(d)[0] as Create };
  }

  test('a create that failed for now: the node waits and says why, a Warning event, a backoff', () => {
    const { wf, create } = started();
    const d = decide({ workflow: wf, pods: [], controller, effects: [transient(create)] }, NOW);
    const node = d.status.nodes?.[create.nodeId];
    assert.equal(node?.phase, 'Pending');
    assert.equal(node?.message, 'waiting for cluster other: unreachable (ETIMEDOUT): no answer (retrying, 1 attempt)');
    assert.deepEqual(creates(d), [], 'not created again in the same reconcile');
    assert.equal(d.requeueAfterMs, 1000);
    const events = d.actions.filter((a) => a.kind === 'EmitEvent');
    assert.equal(events.length, 1);
    assert.equal(events[0]?.kind === 'EmitEvent' && events[0].type, 'Warning');
    assert.deepEqual(d.status.effectRetries, {
      [create.nodeId]: { attempts: 1, since: wf.status?.startedAt, last: wf.status?.startedAt },
    });
    // The same snapshot at the same time decides the same (the attempt is not counted twice).
    const again = decide({ workflow: applyDecision(wf, d), pods: [], controller, effects: [transient(create)] }, NOW);
    assert.deepEqual(again.status, d.status);
  });

  test('a place that cannot be listed: later attempts count up with a growing backoff, no new event', () => {
    let { wf } = started();
    let d: Decision | undefined;
    for (let s = 1; s <= 3; s++) {
      d = decide({ workflow: wf, pods: [], controller, unobserved: [down] }, at(s * 10));
      wf = applyDecision(wf, d);
    }
    const node = Object.values(d!.status.nodes ?? {}).find((n) => n.type === 'Pod');
    assert.equal(node?.message, 'waiting for cluster other: connect ETIMEDOUT (retrying, 3 attempts)');
    assert.equal(d!.requeueAfterMs, 4000);
    assert.deepEqual(
      d!.actions.filter((a) => a.kind !== 'EmitEvent'),
      [],
    );
    assert.equal(d!.actions.length, 0, 'the Warning event is recorded once, when the wait starts');
  });

  test('a Running node whose pod cannot be seen is not "pod deleted": it keeps running and waits', () => {
    const { wf, create } = started();
    wf.status!.nodes![create.nodeId]!.phase = 'Running';
    const d = decide({ workflow: wf, pods: [], controller, unobserved: [down] }, at(5));
    assert.equal(d.status.nodes?.[create.nodeId]?.phase, 'Running');
    assert.match(d.status.nodes?.[create.nodeId]?.message ?? '', /^waiting for cluster other/);
    assert.equal(d.status.phase, 'Running');
  });

  test('no credentials for a place: a node that had its pod waits ("cannot observe"), a new node is refused', () => {
    const { wf, create } = started();
    wf.status!.nodes![create.nodeId]!.phase = 'Running';
    const none: PlaceProblem = {
      cluster: 'other',
      namespace: 'nope',
      outcome: { kind: 'transient', message: 'no credentials: cluster-namespace "other.nope" not configured' },
      noCredentials: true,
    };
    const d = decide({ workflow: wf, pods: [], controller, unobserved: [none] }, at(5));
    const node = d.status.nodes?.[create.nodeId];
    assert.equal(node?.phase, 'Running', 'not "pod deleted"');
    assert.equal(
      node?.message,
      'cannot observe cluster other: no credentials: cluster-namespace "other.nope" not configured (retrying, 1 attempt)',
    );
    // A workflow that has not created its pod there yet: the placement check decides (refused by name).
    const fresh = decide(
      {
        workflow: wfFromYaml(single),
        pods: [],
        controller,
        unobserved: [none],
        checkPlacement: () => 'cluster-namespace "other.nope" not configured',
      },
      NOW,
    );
    const pod = Object.values(fresh.status.nodes ?? {}).find((n) => n.type === 'Pod');
    assert.equal(pod?.phase, 'Error');
    assert.match(pod?.message ?? '', /not configured/);
  });

  test('after the bound the node ends Error; the pod seen again clears the wait', () => {
    const { wf, create } = started();
    const waiting = applyDecision(wf, decide({ workflow: wf, pods: [], controller, unobserved: [down] }, at(1)));
    const late = decide(
      { workflow: waiting, pods: [], controller: { ...controller, transientTimeoutMs: 60_000 }, unobserved: [down] },
      at(62),
    );
    const node = late.status.nodes?.[create.nodeId];
    assert.equal(node?.phase, 'Error');
    assert.match(
      node?.message ?? '',
      /^gave up waiting for cluster other after 1 minute 1 seconds \(2 attempts\): connect ETIMEDOUT$/,
    );
    assert.equal(late.status.effectRetries, undefined);
    assert.equal(late.status.phase, 'Error');
    // Default bound: one hour, unless the workflow has its own deadline.
    const hour = decide({ workflow: waiting, pods: [], controller, unobserved: [down] }, at(3602));
    assert.equal(hour.status.nodes?.[create.nodeId]?.phase, 'Error');
    const withDeadline = { ...waiting, spec: { ...waiting.spec, activeDeadlineSeconds: 7200 } };
    const kept = decide({ workflow: withDeadline, pods: [], controller, unobserved: [down] }, at(3602));
    assert.equal(kept.status.nodes?.[create.nodeId]?.phase, 'Pending');
    // The pod is seen again: the message and the record go.
    const pod = { cluster: 'other', namespace: 'nope', pod: { ...create.pod, status: { phase: 'Running' as const } } };
    const back = decide({ workflow: waiting, pods: [pod], controller }, at(5));
    assert.equal(back.status.nodes?.[create.nodeId]?.phase, 'Running');
    assert.equal(back.status.nodes?.[create.nodeId]?.message, undefined);
    assert.equal(back.status.effectRetries, undefined);
  });

  test('a create past a ResourceQuota (403 exceeded quota) stays Pending with the message, with no bound', () => {
    const { wf, create } = started();
    const why =
      '403 pods "wf" is forbidden: exceeded quota: memory-quota, requested: limits.memory=128M, ' +
      'used: limits.memory=0, limited: limits.memory=130M';
    const quota = { ...transient(create), outcome: { kind: 'transient' as const, message: why, quota: true as const } };
    const d = decide({ workflow: wf, pods: [], controller, effects: [quota] }, at(1));
    const node = d.status.nodes?.[create.nodeId];
    assert.equal(node?.phase, 'Pending');
    assert.equal(node?.message, `waiting for quota in cluster other: ${why} (retrying, 1 attempt)`);
    assert.equal(d.status.phase, 'Running');
    // Past the bound of a wait for a cluster it still waits, as Argo's controller keeps such a node Pending.
    const later = decide(
      {
        workflow: applyDecision(wf, d),
        pods: [],
        controller: { ...controller, transientTimeoutMs: 60_000 },
        effects: [quota],
      },
      at(3700),
    );
    assert.equal(later.status.nodes?.[create.nodeId]?.phase, 'Pending');
    assert.match(later.status.nodes?.[create.nodeId]?.message ?? '', /exceeded quota.*\(retrying, 2 attempts\)$/);
    assert.ok(creates(later).length === 0 && later.requeueAfterMs !== undefined);
    // The runtime's classification decides, not the text: the same message without the flag is a
    // wait for the cluster, which ends at its bound.
    const text = { ...quota, outcome: { kind: 'transient' as const, message: why } };
    const first = decide({ workflow: wf, pods: [], controller, effects: [text] }, at(1));
    assert.match(first.status.nodes?.[create.nodeId]?.message ?? '', /^waiting for cluster other: /);
    const bounded = decide(
      {
        workflow: applyDecision(wf, first),
        pods: [],
        controller: { ...controller, transientTimeoutMs: 60_000 },
        effects: [text],
      },
      at(3700),
    );
    assert.equal(bounded.status.nodes?.[create.nodeId]?.phase, 'Error');
  });

  test('a place whose pods may not be listed (403): the node ends Error with the message', () => {
    const { wf, create } = started();
    const refusedList = {
      cluster: 'other',
      namespace: 'nope',
      outcome: { kind: 'rejected' as const, statusCode: 403, reason: 'Forbidden', message: 'pods is forbidden' },
    };
    const d = decide({ workflow: wf, pods: [], controller, unobserved: [refusedList] }, at(1));
    assert.equal(d.status.nodes?.[create.nodeId]?.message, 'pod list refused by other/nope: pods is forbidden');
    assert.equal(d.status.nodes?.[create.nodeId]?.phase, 'Error');
  });
});
