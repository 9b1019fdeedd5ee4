// Remote-cluster and credential faults over the real pipeline (sim kubelet, fauxqs, watcher):
//  - cluster `other` unreachable "30 s": scaled to 3 s, shorter than a record's retries
//    (maxReceiveCount 8 × backoff 1, 2, 4 … s), so SQS redelivery alone completes the workflow;
//  - unreachable "10 minutes": scaled to an outage longer than every retry of the record
//    (maxReceiveCount 3: receives at ~0, 1, 3 s), so the nudge is dead-lettered, nothing else moves the
//    workflow (no resync), and `argosy replay --workflow` completes it;
//  - Argosy's credential in `other` revoked (403/401) then a new one written to rest-config;
//  - a rest-config entry rotated mid-workflow (new token, old one revoked);
//  - the secret store unreadable for a while (the registry keeps the last good entries).
// The 30 s outage (real time) with the resync as recovery is test/integration/pipeline/faults.test.ts.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { GetQueueAttributesCommand, ReceiveMessageCommand } from '@aws-sdk/client-sqs';
import { makeReplayCommand } from '../../src/cli/ops/replay.ts';
import type { SecretStore } from '../../src/clusters/stores/types.ts';
import { REMOTE_RULES, type LocalStack } from '../../src/local/stack.ts';
import { REMOTE_SUBJECT } from '../../src/local/identities.ts';
import type { Workflow } from '../../src/engine/types.ts';
import {
  assertClean,
  captureLog,
  chain,
  faultStack,
  isDone,
  podsOf,
  sleep,
  until,
  type CapturedLog,
} from './helpers.ts';

const REST_CONFIG = '/api/v1/namespaces/argo/secrets/rest-config';

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
  before(async () => {
    log = captureLog();
    stack = await faultStack(log, {
      maxReceiveCount: 8,
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
    assert.ok(log.find(/reconcile failed; the message will be retried/).some((r) => r.workflow === name));
  });

  test('credential revoked (403/401), then a new one written: the workflow resumes', async () => {
    const other = stack.clusters.get('other');
    const c = await stack.submit(chain('revoked', 3, { other: true, duration: '1s' }), 'argo');
    const name = c.metadata.name!;
    await stack.waitFor('argo', name, hasTask('t0'), 20_000);
    other.revokeIdentity(REMOTE_SUBJECT.user);
    await until(
      () => log.find(/will be retried/).some((r) => r.workflow === name && /40[13]/.test(JSON.stringify(r.error))),
      20_000,
      'a 401/403 from cluster other',
    );
    const mid = await stack.waitFor('argo', name, () => true, 1000);
    assert.equal(mid.status?.phase, 'Running', 'a revoked credential is retried, not a failed workflow');
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

describe('cluster unreachable for "10 minutes": DLQ, then replay', () => {
  let stack: LocalStack;
  let log: CapturedLog;
  before(async () => {
    log = captureLog();
    stack = await faultStack(log, { maxReceiveCount: 3 });
  });
  after(async () => {
    await stack?.stop();
  });

  test('the nudge is dead-lettered; `argosy replay --workflow` completes the workflow', async () => {
    const c = await stack.submit(chain('outage10m', 2, { other: true, duration: '1500ms' }), 'argo');
    const name = c.metadata.name!;
    await stack.waitFor('argo', name, hasTask('t0'), 20_000);
    const other = stack.clusters.get('other');
    await other.stop();
    // t0 ends; its nudge asks for t1 in `other`, which fails every receive until dead-lettered.
    await until(
      async () => {
        const out = await stack.queues.client.send(
          new ReceiveMessageCommand({ QueueUrl: stack.queueUrls.dlq, MaxNumberOfMessages: 10, VisibilityTimeout: 0 }),
        );
        return (out.Messages ?? []).some((m) => (m.Body ?? '').includes(name));
      },
      30_000,
      'the nudge in the DLQ',
    );
    // Every other record of the workflow too: the work queue is empty (nothing in flight either).
    await until(
      async () => {
        const a = await stack.queues.client.send(
          new GetQueueAttributesCommand({
            QueueUrl: stack.queueUrls.work,
            AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible'],
          }),
        );
        return (
          Number(a.Attributes?.ApproximateNumberOfMessages) +
            Number(a.Attributes?.ApproximateNumberOfMessagesNotVisible) ===
          0
        );
      },
      30_000,
      'an empty work queue',
    );
    await other.start();
    await sleep(2000);
    const stuck = await stack.waitFor('argo', name, () => true, 1000);
    assert.ok(!isDone(stuck), 'without replay (and no resync) nothing moves the workflow');
    assert.equal((await podsOf(stack, name, ['other'])).length, 0);
    let out = '';
    const cmd = makeReplayCommand({
      io: { out: (t) => void (out += t), err: (t) => void (out += t), isTTY: false },
      sqs: () => stack.queues.client,
      setExitCode: () => undefined,
    });
    cmd.exitOverride();
    await cmd.parseAsync(
      [
        '--queue-url',
        stack.queueUrls.work,
        '--dlq-url',
        stack.queueUrls.dlq,
        '--region',
        'us-east-1',
        '--workflow',
        `argo/${name}`,
      ],
      { from: 'user' },
    );
    assert.match(out, new RegExp(`moved argo/${name}`));
    const wf = await stack.waitFor('argo', name, isDone, 30_000);
    await assertClean(stack, wf);
    assert.ok(
      log.find(/will be retried/).some((r) => r.workflow === name),
      'the failures are in the log',
    );
  });
});
