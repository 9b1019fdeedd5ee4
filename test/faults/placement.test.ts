// Choosing the cluster at run time on the local stack (docs/adr/0013-cluster-choice.md): three
// clusters, two labelled gpu=a100. A stopped cluster is skipped, a cordoned one is failed over from,
// LeastLoaded shares a fan-out, and a policy denial leaves the step Pending with a message naming it.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { LocalStack } from '../../src/local/stack.ts';
import { LOCAL_PLACEMENT_POLICY } from '../../src/local/stack.ts';
import type { NodeStatus, Workflow } from '../../src/engine/types.ts';
import { adminClient, captureLog, faultStack, isDone, podsOf, type CapturedLog } from './helpers.ts';

const CLUSTERS = ['main', 'gpu-east', 'gpu-west'];
const base = JSON.parse(LOCAL_PLACEMENT_POLICY) as { spec: { rules: unknown[] } };
// Service account `restricted` may not use gpu-west (a Deny rule, checked before any choice).
const POLICY = JSON.stringify({
  ...base,
  spec: {
    rules: [
      { name: 'no-west-for-restricted', effect: 'Deny', clusters: ['gpu-west'], serviceAccounts: ['restricted'] },
      ...base.spec.rules,
    ],
  },
});

function workflow(name: string, placement: string, extra = ''): Workflow {
  const yaml = {
    apiVersion: 'argoproj.io/v1alpha1',
    kind: 'Workflow',
    metadata: { generateName: `${name}-` },
    spec: {
      entrypoint: 'main',
      templates: [
        {
          name: 'main',
          steps: [[{ name: 'train', template: 'train', ...(extra ? { withSequence: { count: extra } } : {}) }]],
        },
        { name: 'train', placement: JSON.parse(placement), container: { image: 'alpine', command: ['true'] } },
      ],
    },
  };
  return yaml as unknown as Workflow;
}

const pods = (wf: Workflow): NodeStatus[] => Object.values(wf.status?.nodes ?? {}).filter((n) => n.type === 'Pod');

async function cordon(stack: LocalStack, cluster: string, on: boolean): Promise<void> {
  const client = adminClient(stack, cluster);
  const nodes = await client.request<{ items: { metadata: { name: string } }[] }>({
    method: 'GET',
    path: '/api/v1/nodes',
  });
  for (const n of nodes.items)
    await client.request({
      method: 'PATCH',
      path: `/api/v1/nodes/${n.metadata.name}`,
      contentType: 'application/merge-patch+json',
      body: { spec: { unschedulable: on } },
    });
}

describe('choosing the cluster at run time', () => {
  let stack: LocalStack;
  let log: CapturedLog;
  before(async () => {
    log = captureLog();
    stack = await faultStack(log, {
      clusters: CLUSTERS,
      clusterLabels: { 'gpu-east': { gpu: 'a100', region: 'east' }, 'gpu-west': { gpu: 'a100', region: 'west' } },
      config: { placementPolicy: POLICY },
    });
  });
  after(async () => {
    await stack?.stop();
  });

  const run = async (wf: Workflow, until = isDone): Promise<Workflow> => {
    const created = await stack.submit(wf, 'argo');
    return stack.waitFor('argo', created.metadata.name!, until, 60_000);
  };

  test('with gpu-east stopped, a step selecting gpu=a100 runs in gpu-west', async () => {
    const east = stack.clusters.get('gpu-east');
    await east.stop();
    try {
      const wf = await run(workflow('east-down', '{"clusterSelector": {"matchLabels": {"gpu": "a100"}}}'));
      assert.equal(
        wf.status?.phase,
        'Succeeded',
        JSON.stringify(pods(wf).map((n) => [n.clusterName, n.phase, n.message])),
      );
      assert.equal(pods(wf)[0]?.clusterName, 'gpu-west');
      const placed = await podsOf(stack, wf.metadata.name!, ['gpu-west']);
      assert.equal(placed.length, 1);
    } finally {
      await east.start();
    }
  });

  test('a pod held unschedulable in gpu-east moves to gpu-west after failoverAfter; the node shows both', async () => {
    await cordon(stack, 'gpu-east', true);
    try {
      const wf = await run(workflow('cordoned', '{"clusters": ["gpu-east", "gpu-west"], "failoverAfter": "2s"}'));
      assert.equal(
        wf.status?.phase,
        'Succeeded',
        JSON.stringify(pods(wf).map((n) => [n.clusterName, n.phase, n.message])),
      );
      const node = pods(wf)[0] as NodeStatus;
      assert.equal(node.clusterName, 'gpu-west');
      assert.deepEqual(node.clusterHistory, ['gpu-east']);
      // The pod left in gpu-east was deleted; one pod, in gpu-west.
      assert.equal((await podsOf(stack, wf.metadata.name!, ['gpu-east'])).length, 0);
      assert.equal((await podsOf(stack, wf.metadata.name!, ['gpu-west'])).length, 1);
      const events = await stack.mainClient.request<{ items: { reason: string; message: string }[] }>({
        method: 'GET',
        path: '/api/v1/namespaces/argo/events',
      });
      assert.ok(
        events.items.some(
          (e) => e.reason === 'WorkflowNodeFailover' && /moved from gpu-east to gpu-west/.test(e.message),
        ),
        'a failover event',
      );
    } finally {
      await cordon(stack, 'gpu-east', false);
    }
  });

  test('LeastLoaded shares 20 pods between the two clusters by their Pending pods', async () => {
    const wf = await run(workflow('least', '{"clusters": ["gpu-east", "gpu-west"], "strategy": "LeastLoaded"}', '20'));
    assert.equal(
      wf.status?.phase,
      'Succeeded',
      JSON.stringify(pods(wf).map((n) => [n.clusterName, n.phase, n.message])),
    );
    const count = (c: string) => pods(wf).filter((n) => n.clusterName === c).length;
    assert.equal(count('gpu-east') + count('gpu-west'), 20);
    assert.ok(
      Math.abs(count('gpu-east') - count('gpu-west')) <= 2,
      `east ${count('gpu-east')}, west ${count('gpu-west')}`,
    );
  });

  test('a policy that denies gpu-west, with gpu-east stopped, leaves the step Pending naming the denial', async () => {
    const east = stack.clusters.get('gpu-east');
    await east.stop();
    try {
      const spec = workflow('denied', '{"clusterSelector": {"matchLabels": {"gpu": "a100"}}}');
      (spec.spec.templates?.[1] as { serviceAccountName?: string }).serviceAccountName = 'restricted';
      const waiting = (w: Workflow) => /no candidate cluster can run this step/.test(pods(w)[0]?.message ?? '');
      const wf = await run(spec, waiting);
      const node = pods(wf)[0] as NodeStatus;
      assert.equal(node.phase, 'Pending');
      assert.match(node.message ?? '', /gpu-east: cannot be reached now/);
      assert.match(node.message ?? '', /gpu-west: denied: .*no-west-for-restricted/);
      assert.equal(wf.status?.phase, 'Running');
      await stack.mainClient.request({
        method: 'DELETE',
        path: `/apis/argoproj.io/v1alpha1/namespaces/argo/workflows/${wf.metadata.name}`,
      });
    } finally {
      await east.start();
    }
  });
});
