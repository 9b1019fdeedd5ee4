// Credentials that disappear mid-run (issue 24 item 11): the rest-config Secret loses cluster other's
// entry while a step's pod runs there. Missing credentials are not evidence that the pod is gone: the
// node keeps its phase and says "cannot observe cluster other: no credentials …"; once the entry is
// back the step completes. (The registry's grace period, which would hide this short gap, is set to 0
// here; it is tested in test/unit/clusters/registry.test.ts.)
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Workflow } from '../../src/engine/types.ts';
import type { LocalStack } from '../../src/local/stack.ts';
import { captureLog, faultStack, isDone, podsOf, until, type CapturedLog } from './helpers.ts';

const REST_CONFIG = '/api/v1/namespaces/argosy-system/secrets/rest-config';

const remoteStep: Workflow = {
  apiVersion: 'argoproj.io/v1alpha1',
  kind: 'Workflow',
  metadata: { generateName: 'nocreds-' },
  spec: {
    entrypoint: 'main',
    templates: [
      {
        name: 'main',
        clusterName: 'other',
        namespace: 'argo',
        metadata: { annotations: { 'sim.argosy.io/duration': '4s' } },
        container: { image: 'argoproj/argosay:v2' },
      },
    ],
  },
} as Workflow;

describe('credentials removed mid-run', () => {
  let stack: LocalStack;
  let log: CapturedLog;
  before(async () => {
    log = captureLog();
    stack = await faultStack(log, { config: { removedEntryGraceMs: 0 } });
  });
  after(async () => {
    await stack?.stop();
  });

  const patchEntries = async (data: Record<string, string | null>) => {
    await stack.mainClient.request({
      method: 'PATCH',
      path: REST_CONFIG,
      contentType: 'application/merge-patch+json',
      body: { data },
    });
    await stack.registry.refresh(true);
  };

  test('the node says it cannot observe cluster other, not "pod deleted", and completes once the entry is back', async () => {
    const wf = await stack.submit(remoteStep, 'argo');
    const name = wf.metadata.name!;
    await until(
      async () => (await podsOf(stack, name, ['other']))[0]?.pod.status?.phase === 'Running',
      20_000,
      'pod running in other',
    );
    const secret = await stack.mainClient.request<{ data: Record<string, string> }>({
      method: 'GET',
      path: REST_CONFIG,
    });
    const saved = Object.fromEntries(Object.entries(secret.data).filter(([k]) => k.startsWith('other.')));
    assert.ok(Object.keys(saved).length > 0, 'the stack has an entry for other');
    await patchEntries(Object.fromEntries(Object.keys(saved).map((k) => [k, null])));
    // Without credentials for other nothing watches its pods any more: the periodic resync (off in
    // fault stacks) is what brings the workflow back, so it is run here.
    await stack.resyncNow();
    const blind = await stack.waitFor(
      'argo',
      name,
      (w) => /^cannot observe cluster other: no credentials/.test(w.status?.nodes?.[name]?.message ?? ''),
      20_000,
    );
    assert.notEqual(blind.status?.nodes?.[name]?.phase, 'Error');
    assert.equal(blind.status?.phase, 'Running');
    await patchEntries(saved);
    const done = await stack.waitFor('argo', name, isDone, 30_000);
    assert.equal(done.status?.phase, 'Succeeded', JSON.stringify(done.status?.nodes));
    assert.ok(!log.find(/./).some((l) => /pod deleted/.test(JSON.stringify(l))), 'never read as deleted');
  });
});
