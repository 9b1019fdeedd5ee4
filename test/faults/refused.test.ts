// Pod creates the target API server refuses for good (404 namespace missing, 403 RBAC, 403 missing
// ServiceAccount) end their node Error with the server's message in the reconcile that tried them:
// the refusal goes back to the engine, which decides as for any Error node (retries, continueOn).
// An allow-all placement policy, as a new user would try it. Real API servers, watcher, queue.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { NodeStatus, Workflow } from '../../src/engine/types.ts';
import type { LocalStack } from '../../src/local/stack.ts';
import { adminClient, captureLog, faultStack, runToEnd, type CapturedLog } from './helpers.ts';

const REST_CONFIG = '/api/v1/namespaces/argosy-system/secrets/rest-config';

function wf(name: string, templates: unknown[], entrypoint = 'main'): Workflow {
  return {
    apiVersion: 'argoproj.io/v1alpha1',
    kind: 'Workflow',
    metadata: { generateName: `${name}-` },
    spec: { entrypoint, templates },
  } as Workflow;
}

const container = { image: 'argoproj/argosay:v2' };
const podNodes = (w: Workflow): NodeStatus[] => Object.values(w.status?.nodes ?? {}).filter((n) => n.type === 'Pod');

describe('pod creates refused by the API server', () => {
  let stack: LocalStack;
  let log: CapturedLog;
  /** Every status written, per workflow name, in order. */
  const written = new Map<string, Workflow['status'][]>();
  before(async () => {
    log = captureLog();
    stack = await faultStack(log, {
      maxReceiveCount: 2,
      policy: () => undefined,
      hooks: {
        beforeStatusWrite: () => undefined,
        afterStatusWrite: (w) => {
          const name = w.metadata.name ?? '';
          written.set(name, [...(written.get(name) ?? []), w.status]);
        },
      },
    });
    // Namespace `locked` of cluster other is reached with an identity that may read pods, not create them.
    const other = stack.clusters.get('other');
    await adminClient(stack, 'other').request({
      method: 'POST',
      path: '/api/v1/namespaces',
      body: { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'locked' } },
    });
    const reader = other.createIdentity('reader', [{ verbs: ['get', 'list', 'watch'], resources: ['pods'] }]);
    const entry = { Host: other.url, BearerToken: reader.token, TLSClientConfig: { CAData: b64(other.caPem) } };
    await stack.mainClient.request({
      method: 'PATCH',
      path: REST_CONFIG,
      contentType: 'application/merge-patch+json',
      body: { data: { 'other.locked': b64(JSON.stringify(entry)) } },
    });
    await stack.registry.refresh(true);
  });
  after(async () => {
    await stack?.stop();
  });

  /** The first stored status that has a pod node already shows it Error: decided in that reconcile. */
  function assertErrorOnFirstWrite(done: Workflow): void {
    const first = (written.get(done.metadata.name ?? '') ?? []).find((s) => Object.keys(s?.nodes ?? {}).length > 0);
    const pods = Object.values(first?.nodes ?? {}).filter((n) => n.type === 'Pod');
    assert.ok(pods.length > 0, 'a pod node in the first status written');
    assert.ok(
      pods.every((n) => n.phase === 'Error'),
      `Error in the first write: ${JSON.stringify(pods)}`,
    );
  }

  test('404: a namespace that does not exist in cluster other', async () => {
    const done = await runToEnd(
      stack,
      wf('nons', [{ name: 'main', clusterName: 'other', namespace: 'does-not-exist', container }]),
    );
    const message = 'pod create refused by other/does-not-exist: namespaces "does-not-exist" not found';
    assert.equal(done.status?.phase, 'Error');
    assert.equal(done.status?.message, message);
    assert.deepEqual(
      podNodes(done).map((n) => [n.phase, n.message]),
      [['Error', message]],
    );
    assertErrorOnFirstWrite(done);
  });

  test('403: RBAC of the rest-config entry forbids creating pods there', async () => {
    const done = await runToEnd(
      stack,
      wf('rbac', [{ name: 'main', clusterName: 'other', namespace: 'locked', container }]),
    );
    const [node] = podNodes(done);
    assert.equal(node?.phase, 'Error');
    assert.match(node?.message ?? '', /^pod create refused by other\/locked: pods .*is forbidden: .*cannot create/);
    assert.doesNotMatch(JSON.stringify(done.status), /BearerToken|token/i);
    assertErrorOnFirstWrite(done);
  });

  test('403: a ServiceAccount that does not exist (admission) is not retried forever', async () => {
    const done = await runToEnd(stack, wf('nosa', [{ name: 'main', serviceAccountName: 'github.com', container }]));
    assert.equal(done.status?.phase, 'Error');
    assert.match(
      podNodes(done)[0]?.message ?? '',
      /^pod create refused by main\/argo: pods ".*" is forbidden: error looking up service account argo\/github.com: serviceaccount "github.com" not found$/,
    );
    assertErrorOnFirstWrite(done);
  });

  test('400: a quantity the API server cannot decode (kube-apiserver refuses it before validation)', async () => {
    const done = await runToEnd(
      stack,
      wf('qty', [{ name: 'main', container: { ...container, resources: { limits: { cpu: 'lots' } } } }]),
    );
    assert.equal(done.status?.phase, 'Error');
    assert.match(
      podNodes(done)[0]?.message ?? '',
      /^pod create refused by main\/argo: Pod in version "v1" cannot be handled as a Pod: quantities must match the regular expression/,
    );
    assertErrorOnFirstWrite(done);
  });

  test('422: a label key that is not a qualified name', async () => {
    const done = await runToEnd(
      stack,
      wf('lbl', [{ name: 'main', metadata: { labels: { 'bad label!': 'x' } }, container }]),
    );
    assert.equal(done.status?.phase, 'Error');
    assert.match(
      podNodes(done)[0]?.message ?? '',
      /^pod create refused by main\/argo: Pod ".*" is invalid: metadata\.labels: Invalid value: "bad label!"/,
    );
    assertErrorOnFirstWrite(done);
  });

  test('a refused create counts as an Error attempt for retryStrategy (Always)', async () => {
    const done = await runToEnd(
      stack,
      wf('retried', [
        {
          name: 'main',
          clusterName: 'other',
          namespace: 'does-not-exist',
          retryStrategy: { limit: 2, retryPolicy: 'Always' },
          container,
        },
      ]),
    );
    const attempts = podNodes(done);
    assert.equal(attempts.length, 3, 'first try + 2 retries');
    assert.ok(
      attempts.every(
        (n) => n.phase === 'Error' && /^pod create refused by other\/does-not-exist/.test(n.message ?? ''),
      ),
    );
    assert.notEqual(done.status?.phase, 'Succeeded');
    assert.notEqual(done.status?.phase, 'Running');
  });

  test('continueOn.error lets the workflow go on after a refused create', async () => {
    const done = await runToEnd(
      stack,
      wf('goon', [
        {
          name: 'main',
          steps: [
            [{ name: 'refused', template: 'away', continueOn: { error: true } }],
            [{ name: 'after', template: 'here' }],
          ],
        },
        { name: 'away', clusterName: 'other', namespace: 'does-not-exist', container },
        { name: 'here', container },
      ]),
    );
    assert.equal(done.status?.phase, 'Succeeded', done.status?.message);
    const byName = Object.fromEntries(podNodes(done).map((n) => [n.displayName, n.phase]));
    assert.deepEqual(byName, { refused: 'Error', after: 'Succeeded' });
  });
});

function b64(s: string): string {
  return Buffer.from(s).toString('base64');
}
