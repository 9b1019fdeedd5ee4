// The seed example and the fan-out example end to end over the real protocols: HTTPS to embedded API
// servers, the SQS API to fauxqs, the watcher, the same handler factories Lambda runs, and the
// `process` kubelet runtime (argosay really runs). Also: deleting a running multi-cluster workflow
// removes its pods in both clusters (finalizer path).
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { WORKFLOW_FINALIZER } from '../../../src/engine/contract.ts';
import { startLocalStack, type LocalStack } from '../../../src/local/stack.ts';
import { chain, example, isDone, podsOf, until } from './helpers.ts';

describe('seed and fan-out examples', () => {
  let stack: LocalStack;
  before(async () => {
    stack = await startLocalStack({ runtime: 'process', resyncIntervalMs: 5000, visibilityTimeoutSeconds: 2 });
  });
  after(async () => {
    await stack?.stop();
  });

  test('the seed example succeeds with node "other" in cluster other/argo as service account workflow', async () => {
    const created = await stack.submit(example('seed.yaml'), 'argo');
    const name = created.metadata.name!;
    const wf = await stack.waitFor('argo', name, isDone, 60_000);
    assert.equal(wf.status?.phase, 'Succeeded', wf.status?.message);
    const pods = await podsOf(stack, name);
    assert.equal(pods.length, 2);
    const other = pods.find((p) => p.pod.metadata.annotations?.['workflows.argoproj.io/node-name'] === `${name}.other`);
    assert.ok(other, 'node other has a pod');
    assert.equal(other.cluster, 'other');
    assert.equal(other.namespace, 'argo');
    assert.equal(other.pod.spec.serviceAccountName, 'workflow');
    assert.equal(other.pod.metadata.labels?.['workflows.argoproj.io/workflow-cluster-name'], 'main');
    const mine = pods.find((p) => p.pod.metadata.annotations?.['workflows.argoproj.io/node-name'] === `${name}.this`);
    assert.equal(mine?.cluster, 'main');
    assert.ok(wf.metadata.finalizers?.includes(WORKFLOW_FINALIZER), 'remote pods ⇒ finalizer');
    assert.equal(wf.metadata.labels?.['workflows.argoproj.io/completed'], 'true');
    // The outcome is recorded as a Kubernetes Event on the Workflow, as Argo does.
    const events = await stack.mainClient.request<{ items: { reason: string; involvedObject: { name: string } }[] }>({
      method: 'GET',
      path: '/api/v1/namespaces/argo/events',
    });
    const reasons = events.items.filter((e) => e.involvedObject.name === name).map((e) => e.reason);
    assert.deepEqual(reasons, ['WorkflowSucceeded']);
    // kubectl sees it like any Argo workflow (async: the API servers run in this process).
    const { stdout: out } = await promisify(execFile)(
      'kubectl',
      ['get', 'wf', '-n', 'argo', '--kubeconfig', stack.kubeconfigPath, '--context', 'main'],
      { encoding: 'utf8' },
    );
    assert.match(out, new RegExp(`${name}\\s+Succeeded`));
  });

  test('the fan-out example succeeds with its pods where they belong', async () => {
    const created = await stack.submit(example('fan-out-fan-in.yaml'), 'argo');
    const name = created.metadata.name!;
    const wf = await stack.waitFor('argo', name, isDone, 60_000);
    assert.equal(wf.status?.phase, 'Succeeded', wf.status?.message);
    const places = (await podsOf(stack, name)).map((p) => `${p.cluster}/${p.namespace}`).sort();
    assert.deepEqual(places, ['main/argo', 'main/argo', 'other/argo', 'other/batch']);
  });

  test('deleting a running multi-cluster workflow removes its pods in both clusters', async () => {
    const wf = chain('doomed', 2, { other: true });
    // Two long-running steps at once: one here, one in cluster other.
    (wf.spec.templates![0]!.dag!.tasks[1] as { depends?: string }).depends = undefined;
    for (const t of wf.spec.templates!.slice(1)) t.container = { image: 'argoproj/argosay:v2', args: ['sleep', '60s'] };
    const created = await stack.submit(wf, 'argo');
    const name = created.metadata.name!;
    await until(async () => (await podsOf(stack, name)).length === 2, 30_000, 'both pods');
    await stack.waitFor('argo', name, (w) => !!w.metadata.finalizers?.includes(WORKFLOW_FINALIZER), 10_000);
    await stack.mainClient.request({
      method: 'DELETE',
      path: `/apis/argoproj.io/v1alpha1/namespaces/argo/workflows/${name}`,
    });
    await until(async () => (await podsOf(stack, name)).length === 0, 30_000, 'pods deleted in both clusters');
    await until(
      async () => {
        try {
          await stack.mainClient.request({
            method: 'GET',
            path: `/apis/argoproj.io/v1alpha1/namespaces/argo/workflows/${name}`,
          });
          return false;
        } catch {
          return true;
        }
      },
      15_000,
      'workflow gone once the finalizer is removed',
    );
  });
});
