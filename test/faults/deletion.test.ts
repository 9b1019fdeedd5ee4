// Deleting workflows safely (issue 24 items 8, 10): pods carry their workflow's UID, a new workflow
// with a recycled name never adopts the old one's pod (it waits, saying why), the finalizer goes only
// once the pods are gone in every cluster, and a wide workflow's pods are deleted a capped number per
// reconcile, continuing by self-nudge. Real API servers, kubelet (sim), watcher and queue.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { KubePod } from '../../src/engine/contract.ts';
import type { Workflow } from '../../src/engine/types.ts';
import type { LocalStack } from '../../src/local/stack.ts';
import { adminClient, captureLog, faultStack, isDone, podsOf, until, type CapturedLog } from './helpers.ts';

const HOLD = 'test.argosy.io/hold';
const LONG = { annotations: { 'sim.argosy.io/duration': '120s' } };

function oneStep(name: string, place: { clusterName?: string; namespace?: string }, metadata?: object): Workflow {
  return {
    apiVersion: 'argoproj.io/v1alpha1',
    kind: 'Workflow',
    metadata: { name },
    spec: {
      entrypoint: 'main',
      templates: [
        { name: 'main', ...place, ...(metadata ? { metadata } : {}), container: { image: 'argoproj/argosay:v2' } },
      ],
    },
  } as Workflow;
}

function fanOut(name: string, n: number): Workflow {
  return {
    apiVersion: 'argoproj.io/v1alpha1',
    kind: 'Workflow',
    metadata: { name },
    spec: {
      entrypoint: 'main',
      templates: [
        { name: 'main', steps: [[{ name: 'w', template: 'work', withSequence: { count: String(n) } }]] },
        {
          name: 'work',
          clusterName: 'other',
          namespace: 'argo',
          metadata: LONG,
          container: { image: 'argoproj/argosay:v2' },
        },
      ],
    },
  } as Workflow;
}

describe('workflow deletion and recycled names', () => {
  let stack: LocalStack;
  let log: CapturedLog;
  before(async () => {
    log = captureLog();
    stack = await faultStack(log, { config: { maxPodCreates: 3 } });
  });
  after(async () => {
    await stack?.stop();
  });

  async function holdPod(cluster: string, pod: KubePod, hold: boolean): Promise<void> {
    const client = adminClient(stack, cluster);
    try {
      await client.request({
        method: 'PATCH',
        path: `/api/v1/namespaces/${pod.metadata.namespace}/pods/${pod.metadata.name}`,
        contentType: 'application/merge-patch+json',
        body: { metadata: { finalizers: hold ? [HOLD] : null } },
      });
    } finally {
      client.close();
    }
  }
  const gone = async (name: string) =>
    !(await stack.mainClient
      .request({ method: 'GET', path: `/apis/argoproj.io/v1alpha1/namespaces/argo/workflows/${name}` })
      .then(() => true)
      .catch(() => false));
  const deleteWorkflow = (name: string) =>
    stack.mainClient.request({
      method: 'DELETE',
      path: `/apis/argoproj.io/v1alpha1/namespaces/argo/workflows/${name}`,
    });

  test('pods carry the workflow UID; a recycled name waits for the old terminating pod instead of adopting it', async () => {
    const first = await stack.submit(oneStep('recycled', {}, LONG), 'argo');
    await until(async () => (await podsOf(stack, 'recycled', ['main'])).length === 1, 20_000, 'first pod');
    const [old] = await podsOf(stack, 'recycled', ['main']);
    assert.equal(old!.pod.metadata.labels?.['workflows.argosy.io/workflow-uid'], first.metadata.uid);
    // The old pod stays terminating (held by a finalizer) after its workflow is deleted.
    await holdPod('main', old!.pod, true);
    await deleteWorkflow('recycled');
    await until(() => gone('recycled'), 20_000, 'first workflow deleted');
    await until(
      async () => !!(await podsOf(stack, 'recycled', ['main']))[0]?.pod.metadata.deletionTimestamp,
      20_000,
      'old pod terminating',
    );
    const second = await stack.submit(oneStep('recycled', {}), 'argo');
    assert.notEqual(second.metadata.uid, first.metadata.uid);
    const waiting = await stack.waitFor(
      'argo',
      'recycled',
      (w) => /earlier workflow of this name|being deleted/.test(w.status?.nodes?.recycled?.message ?? ''),
      20_000,
    );
    assert.equal(waiting.status?.nodes?.recycled?.phase, 'Pending', 'not adopted, not ended: waiting');
    await holdPod('main', old!.pod, false);
    const done = await stack.waitFor('argo', 'recycled', isDone, 30_000);
    assert.equal(done.status?.phase, 'Succeeded', JSON.stringify(done.status?.nodes));
    const [now] = await podsOf(stack, 'recycled', ['main']);
    assert.equal(now?.pod.metadata.labels?.['workflows.argosy.io/workflow-uid'], second.metadata.uid);
  });

  test('the finalizer stays until the remote pods are gone; deletes are capped per reconcile', async () => {
    await stack.submit(fanOut('wide', 8), 'argo');
    await until(async () => (await podsOf(stack, 'wide', ['other'])).length === 8, 30_000, '8 remote pods');
    const pods = await podsOf(stack, 'wide', ['other']);
    await holdPod('other', pods[0]!.pod, true);
    await deleteWorkflow('wide');
    // A first round deletes at most 3 (the cap) and comes back for the rest by itself.
    await until(() => log.find(/workflow deletion waits for its pods/).length > 0, 20_000, 'a capped round');
    await until(
      async () => (await podsOf(stack, 'wide', ['other'])).every((p) => p.pod.metadata.deletionTimestamp),
      30_000,
      'every remote pod deleted',
    );
    const rounds = log.find(/workflow deletion waits for its pods/).map((l) => String(l.reason));
    assert.ok(
      rounds.some((l) => /3 deleted now, [1-9]\d* next/.test(l)),
      `a round deferred deletes: ${rounds.join('\n')}`,
    );
    assert.ok(!rounds.some((l) => /([4-9]|\d\d+) deleted now/.test(l)), 'never more than the cap in one round');
    // One pod is still terminating: the workflow keeps its finalizer.
    assert.equal(await gone('wide'), false, 'workflow kept while a remote pod is terminating');
    await holdPod('other', pods[0]!.pod, false);
    await until(() => gone('wide'), 30_000, 'workflow gone once its pods are');
  });
});
