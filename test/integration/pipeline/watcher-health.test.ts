// The watcher's /healthz covers pod watches in every cluster: a remote cluster whose watch keeps
// failing (here its API server is down) turns /healthz 503 naming the watch, while /livez (the
// Deployment's liveness probe) stays 200; it recovers when the cluster is back.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { startLocalStack, type LocalStack } from '../../../src/local/stack.ts';
import { startWatcher, type Watcher } from '../../../src/watcher/watcher.ts';

async function until(check: () => Promise<boolean>, timeoutMs: number, what: string): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe('watcher health', () => {
  let stack: LocalStack;
  let watcher: Watcher;
  before(async () => {
    stack = await startLocalStack({ runtime: 'sim', resyncIntervalMs: 0, watcher: false });
    watcher = await startWatcher({
      // The watcher's own identity (infra/k8s RBAC for ServiceAccount argo/argosy-watcher).
      registry: stack.watcherRegistry,
      publisher: stack.runtime.publisher,
      logger: (await import('../../../src/logger.ts')).silentLogger,
      http: { host: '127.0.0.1', port: 0 },
      backoffMs: { initial: 100, max: 300 },
      healthGraceMs: 500,
    });
  });
  after(async () => {
    await watcher?.stop();
    await stack?.stop();
  });

  const get = async (path: string) => {
    const res = await fetch(`${watcher.url}${path}`);
    return { status: res.status, body: await res.text() };
  };

  test('a failing pod watch in another cluster fails /healthz by name, not /livez', async () => {
    await until(async () => (await get('/healthz')).status === 200, 20_000, '/healthz 200');
    assert.deepEqual(watcher.podWatches(), ['main/', 'other/']);
    // Its API server goes away (an unreachable endpoint; a missing access entry fails the same way).
    const other = stack.clusters.get('other');
    await other.stop();
    await until(async () => (await get('/healthz')).status === 503, 20_000, '/healthz 503');
    const h = await get('/healthz');
    assert.match(h.body, /pod watch other\/ failing/);
    assert.doesNotMatch(h.body, /main\//);
    assert.equal((await get('/livez')).status, 200);
    assert.equal(watcher.health().ok, false);
    // Back: the watch re-establishes and /healthz recovers.
    await other.start();
    await until(async () => (await get('/healthz')).status === 200, 20_000, '/healthz 200 again');
  });
});
