// Choosing a step's cluster among candidates (docs/adr/0013-cluster-choice.md): decided from the
// snapshot's facts only, with failover of pods that cannot start.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { decide, validateWorkflow } from '../../../src/engine/index.ts';
import type { Action, ClusterFacts, Decision, ObservedPod, PlaceLoad, Snapshot } from '../../../src/engine/contract.ts';
import type { NodeStatus, Workflow } from '../../../src/engine/types.ts';
import { applyDecision, applyPodActions } from './kubelet-sim.ts';
import { NOW, wfFromYaml } from './fixtures.ts';

type Create = Extract<Action, { kind: 'CreatePod' }>;
const creates = (d: Decision): Create[] => d.actions.filter((a): a is Create => a.kind === 'CreatePod');
const clusters: ClusterFacts[] = [
  { name: 'gpu-east', labels: { gpu: 'a100', region: 'east' } },
  { name: 'gpu-west', labels: { gpu: 'a100', region: 'west' } },
  { name: 'cpu', labels: { gpu: 'none' } },
];
const base = (wf: Workflow, extra: Partial<Snapshot> = {}): Snapshot => ({
  workflow: wf,
  pods: [],
  controller: { clusterName: 'main' },
  clusters,
  ...extra,
});
const podNodes = (d: Decision): NodeStatus[] => Object.values(d.status.nodes ?? {}).filter((n) => n.type === 'Pod');

function oneStep(placement: string, extra = ''): Workflow {
  return wfFromYaml(`
metadata: {name: wf, namespace: argo}
spec:
  entrypoint: train
  templates:
  - name: train
    placement: ${placement}
${extra}    container: {image: alpine}
`);
}

function fanOut(placement: string, n: number): Workflow {
  return wfFromYaml(`
metadata: {name: wf, namespace: argo}
spec:
  entrypoint: main
  templates:
  - name: main
    steps:
    - - name: s
        template: work
        withSequence: {count: "${n}"}
  - name: work
    placement: ${placement}
    container: {image: alpine}
`);
}

const unreachable = (cluster: string): PlaceLoad => ({ cluster, namespace: 'argo', problem: 'connect ECONNREFUSED' });

describe('choosing the cluster', () => {
  test('a selector picks the first matching cluster by name (Ordered); the choice is recorded in the node', () => {
    const d = decide(base(oneStep('{clusterSelector: {matchLabels: {gpu: a100}}}')), NOW);
    assert.deepEqual(
      creates(d).map((c) => c.cluster),
      ['gpu-east'],
    );
    assert.equal(podNodes(d)[0]?.clusterName, 'gpu-east');
  });

  test('a cluster that cannot be reached is skipped: the step runs in the next candidate', () => {
    const snap = base(oneStep('{clusterSelector: {matchLabels: {gpu: a100}}}'), {
      placeLoads: [unreachable('gpu-east')],
    });
    assert.deepEqual(
      creates(decide(snap, NOW)).map((c) => c.cluster),
      ['gpu-west'],
    );
  });

  test('clusters as written keep their order; the policy filters them before the choice', () => {
    const wf = oneStep('{clusters: [gpu-west, gpu-east]}');
    assert.equal(creates(decide(base(wf), NOW))[0]?.cluster, 'gpu-west');
    const deny = (t: { cluster: string }): string | undefined =>
      t.cluster === 'gpu-west' ? 'placement policy denies gpu-west/argo' : undefined;
    assert.equal(creates(decide(base(wf, { checkPlacement: deny }), NOW))[0]?.cluster, 'gpu-east');
  });

  test('no usable candidate while one may come back: Pending, the message names each candidate and why', () => {
    const deny = (t: { cluster: string }): string | undefined =>
      t.cluster === 'gpu-west' ? 'placement policy denies gpu-west/argo' : undefined;
    const wf = oneStep('{clusterSelector: {matchLabels: {gpu: a100}}}');
    const d = decide(base(wf, { checkPlacement: deny, placeLoads: [unreachable('gpu-east')] }), NOW);
    assert.equal(creates(d).length, 0);
    const node = podNodes(d)[0] as NodeStatus;
    assert.equal(node.phase, 'Pending');
    assert.equal(node.awaitingCluster, true);
    assert.match(node.message ?? '', /gpu-east: cannot be reached now: connect ECONNREFUSED/);
    assert.match(node.message ?? '', /gpu-west: denied: placement policy denies gpu-west\/argo/);
    assert.ok(d.requeueAfterMs !== undefined && d.requeueAfterMs > 0);
    // gpu-east comes back: the waiting node is placed there and its pod created.
    const next = decide(base(applyDecision(wf, d), { checkPlacement: deny }), new Date(NOW.getTime() + 30_000));
    assert.deepEqual(
      creates(next).map((c) => c.cluster),
      ['gpu-east'],
    );
    assert.equal(podNodes(next)[0]?.awaitingCluster, undefined);
  });

  test('when no candidate can ever take the step it ends Error, naming them', () => {
    const d = decide(
      base(oneStep('{clusters: [gpu-east, nowhere]}'), { checkPlacement: () => 'denied by policy' }),
      NOW,
    );
    const node = podNodes(d)[0] as NodeStatus;
    assert.equal(node.phase, 'Error');
    assert.match(node.message ?? '', /gpu-east: denied: denied by policy; nowhere: not a registered cluster/);
    assert.equal(d.status.phase, 'Error');
  });

  test('Spread shares a fan-out evenly; LeastLoaded fills the emptier cluster first', () => {
    const spread = creates(decide(base(fanOut('{clusters: [gpu-east, gpu-west], strategy: Spread}', 6)), NOW));
    assert.deepEqual(count(spread), { 'gpu-east': 3, 'gpu-west': 3 });
    const loads = [
      { cluster: 'gpu-east', namespace: 'argo', pending: 8 },
      { cluster: 'gpu-west', namespace: 'argo', pending: 0 },
    ];
    const wf = fanOut('{clusters: [gpu-east, gpu-west], strategy: LeastLoaded}', 20);
    const least = count(creates(decide(base(wf, { placeLoads: loads }), NOW)));
    assert.deepEqual(least, { 'gpu-east': 6, 'gpu-west': 14 });
  });
});

function count(cs: Create[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const c of cs) out[c.cluster] = (out[c.cluster] ?? 0) + 1;
  return out;
}

/** The created pod observed Pending and unschedulable since `since`. */
function unschedulable(c: Create, since: Date): ObservedPod {
  const condition = {
    type: 'PodScheduled',
    status: 'False',
    reason: 'Unschedulable',
    message: '0/1 nodes are available: 1 node(s) were unschedulable.',
    lastTransitionTime: since.toISOString(),
  };
  return {
    cluster: c.cluster,
    namespace: c.namespace,
    pod: { ...c.pod, status: { phase: 'Pending', conditions: [condition] } },
  };
}

describe('failover', () => {
  const later = (ms: number): Date => new Date(NOW.getTime() + ms);

  test('an unschedulable pod moves after failoverAfter: deleted there, recreated in the next candidate', () => {
    const wf = oneStep('{clusters: [gpu-east, gpu-west], failoverAfter: 2m}');
    const first = decide(base(wf), NOW);
    const pod = unschedulable(creates(first)[0] as Create, NOW);
    // Not yet due: nothing moves, and the engine asks to look again when it is.
    const early = decide(base(applyDecision(wf, first), { pods: [pod] }), later(60_000));
    assert.equal(early.actions.filter((a) => a.kind === 'DeletePod').length, 0);
    assert.ok((early.requeueAfterMs ?? Infinity) <= 60_000);
    const wf1 = applyDecision(wf, early);
    const moved = decide(base(wf1, { pods: [pod] }), later(121_000));
    assert.deepEqual(
      moved.actions.filter((a) => a.kind === 'DeletePod').map((a) => a.cluster),
      ['gpu-east'],
    );
    const node = podNodes(moved)[0] as NodeStatus;
    assert.equal(node.clusterName, 'gpu-west');
    assert.deepEqual(node.clusterHistory, ['gpu-east']);
    assert.match(node.message ?? '', /^moved from gpu-east to gpu-west: pod unschedulable: 0\/1 nodes/);
    assert.ok(moved.actions.some((a) => a.kind === 'EmitEvent' && a.reason === 'WorkflowNodeFailover'));
    // The old pod, still terminating in gpu-east, is not the node's pod: the new one goes to gpu-west.
    const going = {
      ...pod,
      pod: { ...pod.pod, metadata: { ...pod.pod.metadata, deletionTimestamp: later(121_000).toISOString() } },
    };
    const next = decide(base(applyDecision(wf1, moved), { pods: [going] }), later(122_000));
    assert.deepEqual(
      creates(next).map((c) => c.cluster),
      ['gpu-west'],
    );
    assert.equal(podNodes(next)[0]?.phase, 'Pending');
  });

  test('with a retryStrategy the attempt fails and is retried in another cluster', () => {
    const wf = oneStep('{clusters: [gpu-east, gpu-west], failoverAfter: 60}', '    retryStrategy: {limit: 2}\n');
    const first = decide(base(wf), NOW);
    const pod = unschedulable(creates(first)[0] as Create, NOW);
    assert.equal(pod.cluster, 'gpu-east');
    let w = applyDecision(wf, first);
    let pods = [pod];
    let d = decide(base(w, { pods }), later(61_000));
    for (let i = 0; i < 3 && creates(d).length === 0; i++) {
      w = applyDecision(w, d);
      pods = applyPodActions(pods, d);
      d = decide(base(w, { pods }), later(62_000 + i * 1000));
    }
    const attempts = podNodes(d).sort((a, b) => a.name.localeCompare(b.name));
    assert.equal(attempts[0]?.phase, 'Failed');
    assert.equal(attempts[0]?.failedOver, true);
    assert.match(attempts[0]?.message ?? '', /in cluster gpu-east for 1 minute 1 seconds; retrying on another cluster/);
    assert.deepEqual(
      creates(d).map((c) => c.cluster),
      ['gpu-west'],
    );
  });

  test('a stuck pod of a DAG task moves too (the DAG fast path looks at stuck pods)', () => {
    const wf = wfFromYaml(`
metadata: {name: wf, namespace: argo}
spec:
  entrypoint: main
  templates:
  - name: main
    dag:
      tasks:
      - {name: a, template: work}
  - name: work
    placement: {clusters: [gpu-east, gpu-west], failoverAfter: 30s}
    container: {image: alpine}
`);
    const first = decide(base(wf), NOW);
    const pod = unschedulable(creates(first)[0] as Create, NOW);
    const settled = decide(base(applyDecision(wf, first), { pods: [pod] }), later(1000));
    const d = decide(base(applyDecision(applyDecision(wf, first), settled), { pods: [pod] }), later(31_000));
    assert.equal(podNodes(d)[0]?.clusterName, 'gpu-west');
  });

  test('antiAffinity: an attempt that failed on its own retries on a cluster no earlier attempt used', () => {
    for (const [anti, expected] of [
      [true, 'gpu-west'],
      [false, 'gpu-east'],
    ] as const) {
      const wf = oneStep(`{clusters: [gpu-east, gpu-west], antiAffinity: ${anti}}`, '    retryStrategy: {limit: 2}\n');
      const first = decide(base(wf), NOW);
      const c = creates(first)[0] as Create;
      const failed: ObservedPod = {
        cluster: c.cluster,
        namespace: c.namespace,
        pod: {
          ...c.pod,
          status: {
            phase: 'Failed',
            containerStatuses: [{ name: 'main', state: { terminated: { exitCode: 1, reason: 'Error' } } }],
          },
        },
      };
      let w = applyDecision(wf, first);
      let d = decide(base(w, { pods: [failed] }), later(1000));
      for (let i = 0; i < 3 && creates(d).length === 0; i++) {
        w = applyDecision(w, d);
        d = decide(base(w, { pods: [failed] }), later(60_000 + i * 60_000));
      }
      assert.deepEqual(
        creates(d).map((x) => x.cluster),
        [expected],
        `antiAffinity ${anti}`,
      );
    }
  });

  test('failoverAfter 0 never moves a pod', () => {
    const wf = oneStep('{clusters: [gpu-east, gpu-west], failoverAfter: "0"}');
    const first = decide(base(wf), NOW);
    const pod = unschedulable(creates(first)[0] as Create, NOW);
    const d = decide(base(applyDecision(wf, first), { pods: [pod] }), later(3_600_000));
    assert.equal(d.actions.filter((a) => a.kind === 'DeletePod').length, 0);
    assert.equal(podNodes(d)[0]?.clusterName, 'gpu-east');
  });
});

describe('placement validation', () => {
  const problems = (placement: string, extra = ''): string[] =>
    validateWorkflow(oneStep(placement, extra)).map((e) => `${e.path}: ${e.message}`);

  test('names the field and what is wrong', () => {
    assert.deepEqual(problems('{clusters: [a], strategy: Cheapest}'), [
      'spec.templates[0].placement.strategy: must be one of Ordered, Spread, LeastLoaded',
    ]);
    assert.deepEqual(problems('{clusters: [a], clusterSelector: {matchLabels: {x: z}}}'), [
      'spec.templates[0].placement: name the candidates with exactly one of clusters or clusterSelector',
    ]);
    assert.deepEqual(problems('{clusters: [a], failoverAfter: soon, region: x}'), [
      'spec.templates[0].placement.region: unknown field',
      'spec.templates[0].placement.failoverAfter: must be a duration such as 5m or a number of seconds',
    ]);
    assert.deepEqual(problems('{clusters: [a]}', '    clusterName: other\n'), [
      'spec.templates[0].placement: clusterName and placement are exclusive: name one cluster, or candidates',
    ]);
    assert.deepEqual(
      problems('{clusterSelector: {matchLabels: {gpu: a100}}, strategy: LeastLoaded, failoverAfter: 5m}'),
      [],
    );
  });
});
