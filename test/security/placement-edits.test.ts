// Placement holes found under attack (issue 24): a running workflow whose arguments are patched must
// not move its re-created pods (item 1), and a Deny rule applies in the main cluster's own namespace
// too (item 3). Local stack, sim kubelet; a pod with an unsatisfiable nodeSelector stays Pending, so
// deleting it forces a re-create the attacker would like to redirect.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Workflow } from '../../src/engine/types.ts';
import type { LocalStack } from '../../src/local/stack.ts';
import { LOCAL_PLACEMENT_POLICY } from '../../src/local/stack.ts';
import { adminClient, captureLog, faultStack, podsOf, runToEnd, until } from '../faults/helpers.ts';

const say = { image: 'argoproj/argosay:v2' };
const local = JSON.parse(LOCAL_PLACEMENT_POLICY) as { spec: { rules: unknown[] } };
const POLICY = JSON.stringify({
  ...local,
  spec: { rules: [...local.spec.rules, { name: 'no-privileged', effect: 'Deny', serviceAccounts: ['privileged-*'] }] },
});

function wf(name: string, spec: Record<string, unknown>): Workflow {
  return {
    apiVersion: 'argoproj.io/v1alpha1',
    kind: 'Workflow',
    metadata: { generateName: `${name}-` },
    spec: { entrypoint: 'main', ...spec },
  } as Workflow;
}

describe('placement holes', () => {
  let stack: LocalStack;
  before(async () => {
    stack = await faultStack(captureLog('WARN'), { maxReceiveCount: 3, config: { placementPolicy: POLICY } });
    const other = adminClient(stack, 'other');
    try {
      await other
        .request({
          method: 'POST',
          path: '/api/v1/namespaces',
          body: { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'kube-system' } },
        })
        .catch(() => undefined);
    } finally {
      other.close();
    }
  });
  after(async () => {
    await stack?.stop();
  });

  test('item 3: Deny serviceAccounts applies in the main cluster and in the own namespace', async () => {
    for (const clusterName of ['main', 'other']) {
      const done = await runToEnd(
        stack,
        wf(`deny-${clusterName}`, {
          templates: [{ name: 'main', clusterName, serviceAccountName: 'privileged-admin', container: say }],
        }),
        30_000,
      );
      assert.equal(done.status?.phase, 'Error', `${clusterName}: ${done.status?.message}`);
      assert.match(done.status?.message ?? '', /placement denied.*no-privileged/);
      assert.deepEqual(await podsOf(stack, done.metadata.name!), [], `${clusterName}: no pod`);
    }
  });

  test('item 1: a Pending pod deleted after an argument patch comes back in the recorded place', async () => {
    const created = await stack.submit(
      wf('patched', {
        arguments: { parameters: [{ name: 'ns', value: 'argo' }] },
        templates: [
          {
            name: 'main',
            clusterName: 'other',
            namespace: '{{workflow.parameters.ns}}',
            nodeSelector: { 'argosy.test/never': 'true' },
            container: say,
          },
        ],
      }),
      'argo',
    );
    const name = created.metadata.name!;
    await until(async () => (await podsOf(stack, name)).length === 1, 30_000, 'the Pending pod');
    const [first] = await podsOf(stack, name);
    assert.equal(`${first?.cluster}/${first?.namespace}`, 'other/argo');
    const main = adminClient(stack, 'main');
    const other = adminClient(stack, 'other');
    try {
      await main.request({
        method: 'PATCH',
        path: `/apis/argoproj.io/v1alpha1/namespaces/argo/workflows/${name}`,
        contentType: 'application/merge-patch+json',
        body: { spec: { arguments: { parameters: [{ name: 'ns', value: 'kube-system' }] } } },
      });
      await other.request({
        method: 'DELETE',
        path: `/api/v1/namespaces/argo/pods/${first!.pod.metadata.name}`,
        query: { gracePeriodSeconds: '0' },
      });
      const uid = first!.pod.metadata.uid;
      await until(
        async () => (await podsOf(stack, name)).some((p) => p.pod.metadata.uid !== uid),
        30_000,
        'the re-created pod',
      );
      const places = (await podsOf(stack, name)).map((p) => `${p.cluster}/${p.namespace}`);
      assert.deepEqual(places, ['other/argo']);
    } finally {
      await main
        .request({
          method: 'PATCH',
          path: `/apis/argoproj.io/v1alpha1/namespaces/argo/workflows/${name}`,
          contentType: 'application/merge-patch+json',
          body: { spec: { shutdown: 'Terminate' } },
        })
        .catch(() => undefined);
      main.close();
      other.close();
    }
    const done = await stack.waitFor('argo', name, (w) => w.status?.phase === 'Failed', 30_000);
    assert.match(done.status?.message ?? '', /Stopped with strategy 'Terminate'/);
  });
});
