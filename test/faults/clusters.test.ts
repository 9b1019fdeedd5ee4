// Remote-cluster and credential faults over the real pipeline (sim kubelet, fauxqs, watcher):
//  - cluster `other` unreachable "30 s": scaled to 3 s; the engine decides on the failed list/create
//    (the node says `waiting for cluster other: …`), the timer wakes the workflow with a backoff, and
//    it completes without a DLQ or resync;
//  - unreachable "10 minutes": longer than the bound (ARGOSY_TRANSIENT_TIMEOUT_MS, scaled to 3 s), so
//    the waiting node ends Error with what it waited for;
//  - Argosy's credential in `other` revoked (401) then a new one written to rest-config;
//  - a rest-config entry rotated mid-workflow (new token, old one revoked);
//  - the secret store unreadable for a while (the registry keeps the last good entries).
// The 30 s outage in real time is test/integration/pipeline/faults.test.ts.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { SecretStore } from '../../src/clusters/stores/types.ts';
import type { LocalStack } from '../../src/local/stack.ts';
import { REMOTE_RULES } from '../../src/local/cluster-setup.ts';
import { REMOTE_SUBJECT } from '../../src/local/identities.ts';
import type { Workflow } from '../../src/engine/types.ts';
import { assertClean, captureLog, chain, faultStack, isDone, sleep, until, type CapturedLog } from './helpers.ts';

const REST_CONFIG = '/api/v1/namespaces/argosy-system/secrets/rest-config';

/** Writes a new `other.` entry with `token` (what `argosy cluster add` does on rotation). */
async function writeEntry(stack: LocalStack, token: string): Promise<void> {
  const c = stack.clusters.get('other');
  const entry = {
    Host: c.url,
    BearerToken: token,
    TLSClientConfig: { CAData: Buffer.from(c.caPem).toString('base64') },
    QPS: 100,
    Burst: 200,
  };
  await stack.mainClient.request({
    method: 'PATCH',
    path: REST_CONFIG,
    contentType: 'application/merge-patch+json',
    body: { data: { 'other.': Buffer.from(JSON.stringify(entry)).toString('base64') } },
  });
}

/** Waits until the workflow has a node for task `task` (it was decided and a pod was asked for). */
const hasTask = (task: string) => (w: Workflow) =>
  Object.values(w.status?.nodes ?? {}).some((n) => n.displayName === task);

describe('cluster faults (retries suffice)', () => {
  let stack: LocalStack;
  let log: CapturedLog;
  const store = { failing: false, failures: 0 };
  /** Node messages of every status written (a wait may be shorter than a poll). */
  const written: { name: string; message: string }[] = [];
  before(async () => {
    log = captureLog();
    stack = await faultStack(log, {
      maxReceiveCount: 8,
      hooks: {
        afterStatusWrite: (w) => {
          for (const m of nodeMessages(w)) written.push({ name: w.metadata.name ?? '', message: m });
        },
      },
      secretStore: (inner: SecretStore): SecretStore => ({
        ...inner,
        load: () => {
          if (!store.failing) return inner.load();
          store.failures++;
          return Promise.reject(new Error('secret store unavailable (injected)'));
        },
      }),
    });
  });
  after(async () => {
    await stack?.stop();
  });

  test('cluster other unreachable for "30 s" (3 s scaled): retries complete the workflow', async () => {
    const c = await stack.submit(chain('outage30', 3, { other: true, duration: '1s' }), 'argo');
    const name = c.metadata.name!;
    await stack.waitFor('argo', name, hasTask('t0'), 20_000);
    const other = stack.clusters.get('other');
    await other.stop();
    await sleep(3000);
    await other.start();
    const wf = await stack.waitFor('argo', name, isDone, 45_000);
    await assertClean(stack, wf);
    assert.ok(
      written.some((w) => w.name === name && /^waiting for cluster other: unreachable/.test(w.message)),
      'the wait was on the node',
    );
  });

  test('credential revoked (403/401), then a new one written: the workflow resumes', async () => {
    const other = stack.clusters.get('other');
    const c = await stack.submit(chain('revoked', 3, { other: true, duration: '1s' }), 'argo');
    const name = c.metadata.name!;
    await stack.waitFor('argo', name, hasTask('t0'), 20_000);
    other.revokeIdentity(REMOTE_SUBJECT.user);
    const mid = await stack.waitFor(
      'argo',
      name,
      (w) => nodeMessages(w).some((m) => /^waiting for cluster other: 401 /.test(m)),
      20_000,
    );
    assert.equal(mid.status?.phase, 'Running', 'a revoked credential is waited for, not a failed workflow');
    const fresh = other.createIdentity(REMOTE_SUBJECT.user, REMOTE_RULES);
    await writeEntry(stack, fresh.token);
    const wf = await stack.waitFor('argo', name, isDone, 45_000);
    await assertClean(stack, wf);
  });

  test('a rest-config entry rotated mid-workflow (old token revoked): no step lost', async () => {
    const other = stack.clusters.get('other');
    const c = await stack.submit(chain('rotated', 4, { other: true, duration: '800ms' }), 'argo');
    const name = c.metadata.name!;
    await stack.waitFor('argo', name, hasTask('t1'), 20_000);
    const next = other.createIdentity('argosy-rotated', REMOTE_RULES);
    await writeEntry(stack, next.token);
    other.revokeIdentity(REMOTE_SUBJECT.user);
    const wf = await stack.waitFor('argo', name, isDone, 45_000);
    await assertClean(stack, wf);
    assert.ok(
      log.find(/rest-config entry changed/).some((r) => r.key === 'other.'),
      'the rotation is in the log',
    );
  });

  test('the secret store unavailable for a while: last good entries keep workflows running', async () => {
    const c = await stack.submit(chain('nostore', 4, { other: true, duration: '600ms' }), 'argo');
    const name = c.metadata.name!;
    await stack.waitFor('argo', name, hasTask('t0'), 20_000);
    store.failing = true;
    await until(() => store.failures >= 2, 15_000, 'failed store reads');
    await sleep(2000);
    store.failing = false;
    const wf = await stack.waitFor('argo', name, isDone, 45_000);
    await assertClean(stack, wf);
    assert.ok(log.find(/secret store unreadable; using the last loaded entries/).length > 0);
  });
});

describe('cluster unreachable for longer than the bound', () => {
  let stack: LocalStack;
  let log: CapturedLog;
  before(async () => {
    log = captureLog();
    // The bound (ARGOSY_TRANSIENT_TIMEOUT_MS, default one hour) scaled to 3 s.
    stack = await faultStack(log, { maxReceiveCount: 3, config: { transientTimeoutMs: 3000 } });
  });
  after(async () => {
    await stack?.stop();
  });

  test('the waiting node ends Error saying what it waited for', async () => {
    const c = await stack.submit(chain('outage10m', 2, { other: true, duration: '1500ms' }), 'argo');
    const name = c.metadata.name!;
    await stack.waitFor('argo', name, hasTask('t0'), 20_000);
    const other = stack.clusters.get('other');
    await other.stop();
    try {
      const wf = await stack.waitFor('argo', name, isDone, 45_000);
      assert.notEqual(wf.status?.phase, 'Succeeded');
      assert.ok(
        nodeMessages(wf).some((m) =>
          /^gave up waiting for cluster other after \d+ seconds \(\d+ attempts?\): unreachable/.test(m),
        ),
        JSON.stringify(nodeMessages(wf)),
      );
      assert.equal(wf.status?.effectRetries, undefined);
      assert.equal(
        log.find(/will be retried/).filter((r) => r.workflow === name).length,
        0,
        'no SQS redelivery needed',
      );
    } finally {
      await other.start();
    }
  });
});

function nodeMessages(w: Workflow): string[] {
  return Object.values(w.status?.nodes ?? {}).flatMap((n) => (n.message ? [n.message] : []));
}
