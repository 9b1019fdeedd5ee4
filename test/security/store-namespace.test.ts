// Workflows never see the controller's credentials (issue 24, item 2): Secret rest-config lives in its
// own namespace by default (locally too), and a workflow that would run a pod there — where it could
// mount the Secret with secretKeyRef — is refused by `argosy submit` and by the controller.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import type { Workflow } from '../../src/engine/types.ts';
import type { LocalStack } from '../../src/local/stack.ts';
import { DEFAULT_CONTROLLER_NAMESPACE } from '../../src/config.ts';
import { adminClient, captureLog, faultStack, isDone, podsOf } from '../faults/helpers.ts';
import { runCli, scratch, writeFile } from '../integration/cli/cli-helpers.ts';

const mountsStore = {
  image: 'argoproj/argosay:v2',
  env: [{ name: 'TOKENS', valueFrom: { secretKeyRef: { name: 'rest-config', key: 'other.' } } }],
};

function wf(name: string, templates: unknown[]): Workflow {
  return {
    apiVersion: 'argoproj.io/v1alpha1',
    kind: 'Workflow',
    metadata: { generateName: `${name}-` },
    spec: { entrypoint: 'main', templates },
  } as Workflow;
}

describe('the credential store is kept away from workflows', () => {
  let stack: LocalStack;
  const dir = scratch();
  before(async () => {
    stack = await faultStack(captureLog('WARN'), { maxReceiveCount: 3 });
  });
  after(async () => {
    await stack?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  test('the local stack keeps Secret rest-config in its own namespace, not in argo', async () => {
    assert.notEqual(DEFAULT_CONTROLLER_NAMESPACE, 'argo');
    const main = adminClient(stack, 'main');
    try {
      const secret = await main.request<{ metadata: { namespace: string } }>({
        method: 'GET',
        path: `/api/v1/namespaces/${DEFAULT_CONTROLLER_NAMESPACE}/secrets/rest-config`,
      });
      assert.equal(secret.metadata.namespace, DEFAULT_CONTROLLER_NAMESPACE);
      await assert.rejects(
        main.request({ method: 'GET', path: '/api/v1/namespaces/argo/secrets/rest-config' }),
        /not found/i,
      );
    } finally {
      main.close();
    }
  });

  const refusedRuns: [string, string, Workflow][] = [
    [
      'a template placed in the store namespace',
      'argo',
      wf('placed', [{ name: 'main', namespace: DEFAULT_CONTROLLER_NAMESPACE, container: mountsStore }]),
    ],
    [
      'a workflow created in the store namespace',
      DEFAULT_CONTROLLER_NAMESPACE,
      wf('inside', [{ name: 'main', container: mountsStore }]),
    ],
  ];
  for (const [what, namespace, workflow] of refusedRuns) {
    test(`the controller refuses ${what}: Error naming the credentials, no pod`, async () => {
      const created = await stack.submit(workflow, namespace);
      const done = await stack.waitFor(namespace, created.metadata.name!, isDone, 30_000);
      assert.equal(done.status?.phase, 'Error');
      assert.match(done.status?.message ?? '', /holds Argosy's credentials \(Secret "rest-config"\)/);
      assert.deepEqual(await podsOf(stack, done.metadata.name!), []);
    });
  }

  test('argosy submit refuses the store namespace before creating anything', async () => {
    const file = writeFile(
      dir,
      'wf.yaml',
      JSON.stringify(wf('cli', [{ name: 'main', namespace: DEFAULT_CONTROLLER_NAMESPACE, container: mountsStore }])),
    );
    const r = await runCli(['submit', file, '--kubeconfig', stack.kubeconfigPath], dir);
    assert.equal(r.code, 2, r.stderr);
    assert.match(
      r.stderr,
      /spec\.templates\[0\]\.namespace: placement denied: namespace "argosy-system" .* holds Argosy's credentials/,
    );
    const r2 = await runCli(
      ['submit', '-n', DEFAULT_CONTROLLER_NAMESPACE, file, '--kubeconfig', stack.kubeconfigPath],
      dir,
    );
    assert.equal(r2.code, 2, r2.stderr);
    const main = adminClient(stack, 'main');
    try {
      const list = await main.request<{ items: Workflow[] }>({
        method: 'GET',
        path: '/apis/argoproj.io/v1alpha1/workflows',
      });
      assert.deepEqual(
        list.items.filter((w) => w.metadata.name?.startsWith('cli-')),
        [],
      );
    } finally {
      main.close();
    }
  });
});
