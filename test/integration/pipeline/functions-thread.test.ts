// The reconcile function on its own thread (src/local/functions-thread.ts, what the throughput bench
// runs): the same pipeline — watcher → SQS emulator → the thread's poller → makeReconcileHandler →
// HTTPS to the API servers with the functions' RBAC — drives a workflow across both clusters, and the
// thread's requests are its own identity's (revoked, it is refused and says so).
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { startLocalStack, type LocalStack } from '../../../src/local/stack.ts';
import { startStackFunctionsThread, type FunctionsThread } from '../../../src/local/functions-thread.ts';
import { chain, isDone, podsOf, until } from './helpers.ts';

describe('the reconcile function on its own thread', () => {
  let stack: LocalStack;
  let thread: FunctionsThread | undefined;
  const logs: string[] = [];
  before(async () => {
    stack = await startLocalStack({ runtime: 'sim', resyncIntervalMs: 0 });
    await stack.control.pause(); // only the thread's poller receives from the work queue
    thread = await startStackFunctionsThread(stack, { onLog: (line) => logs.push(line) });
  });
  after(async () => {
    await thread?.stop();
    await stack?.stop();
  });

  test('a two-cluster chain reaches Succeeded through the thread', async () => {
    const wf = await stack.submit(chain('thread', 2, { other: true }));
    const name = wf.metadata.name ?? '';
    const done = await stack.waitFor('argo', name, isDone, 60_000);
    assert.equal(done.status?.phase, 'Succeeded', done.status?.message);
    const places = (await podsOf(stack, name)).map((p) => p.cluster).sort();
    assert.deepEqual(places, ['main', 'other']);
  });

  test('its requests carry its own identity: revoked, the reconcile is refused and logged', async () => {
    stack.clusters.get('main').revokeIdentity('argosy-functions-thread');
    const wf = await stack.submit(chain('revoked', 1));
    await until(() => logs.some((l) => /401|Unauthorized/i.test(l)), 60_000, 'a refused reconcile in the log');
    const now = await stack.waitFor('argo', wf.metadata.name ?? '', () => true, 5_000);
    assert.notEqual(now.status?.phase, 'Succeeded');
  });
});
