// The watcher against real API servers: health and metrics endpoints, pod watches that follow the
// rest-config entries (removed → stopped, added back → started), and recovery after the main API
// server restarts (watch restarts, then nudges flow again).
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { startLocalStack, type LocalStack } from '../../../src/local/stack.ts';
import type { Watcher } from '../../../src/watcher/watcher.ts';
import { chain, isDone, podsOf, until } from './helpers.ts';

describe('watcher', () => {
  let stack: LocalStack;
  let watcher: Watcher;
  before(async () => {
    // No grace period for removed entries: this file checks that watches follow the store at once
    // (the grace itself is test/faults/no-credentials.test.ts).
    stack = await startLocalStack({
      runtime: 'sim',
      resyncIntervalMs: 0,
      watcherHttp: { port: 0 },
      config: { removedEntryGraceMs: 0 },
    });
    watcher = stack.watcher!;
  });
  after(async () => {
    await stack?.stop();
  });

  test('serves /healthz and Prometheus /metrics on loopback', async () => {
    assert.match(watcher.url!, /^http:\/\/127\.0\.0\.1:\d+$/);
    await until(() => watcher.ready(), 10_000, 'the workflow watch');
    const health = await fetch(`${watcher.url}/healthz`);
    assert.equal(health.status, 200);
    const metrics = await (await fetch(`${watcher.url}/metrics`)).text();
    assert.match(metrics, /^argosy_watcher_events_seen_total \d+$/m);
    assert.match(metrics, /^argosy_watcher_nudges_sent_total \d+$/m);
    assert.match(metrics, /^argosy_watcher_watch_restarts_total \d+$/m);
  });

  test('pod watches follow the rest-config entries', async () => {
    assert.deepEqual(watcher.podWatches(), ['main/', 'other/']);
    const path = '/api/v1/namespaces/argosy-system/secrets/rest-config';
    const secret = await stack.mainClient.request<{ data: Record<string, string> }>({ method: 'GET', path });
    const entry = secret.data['other.']!;
    await stack.mainClient.request({
      method: 'PATCH',
      path,
      contentType: 'application/merge-patch+json',
      body: { data: { 'other.': null } },
    });
    await stack.registry.refresh(true);
    await watcher.syncTargets();
    assert.deepEqual(watcher.podWatches(), ['main/']);
    await stack.mainClient.request({
      method: 'PATCH',
      path,
      contentType: 'application/merge-patch+json',
      body: { data: { 'other.': entry } },
    });
    await stack.registry.refresh(true);
    await watcher.syncTargets();
    assert.deepEqual(watcher.podWatches(), ['main/', 'other/']);
  });

  test('after the main API server restarts, watches resume and workflows still complete', async () => {
    const main = stack.clusters.get('main');
    const restartsBefore = watcher.metrics.watchRestarts;
    await main.stop();
    await new Promise((r) => setTimeout(r, 1000));
    await main.start();
    await until(() => watcher.metrics.watchRestarts > restartsBefore, 10_000, 'a watch restart');
    await until(() => watcher.ready(), 15_000, 'the workflow watch again');
    const c = await stack.submit(chain('after-restart', 2, { other: true }), 'argo');
    const wf = await stack.waitFor('argo', c.metadata.name!, isDone, 30_000);
    assert.equal(wf.status?.phase, 'Succeeded');
  });
});

describe('watcher after a long disconnect', () => {
  let stack: LocalStack;
  before(async () => {
    // A tiny watch history (etcd compaction) so a watch resumed after the outage is too old: 410.
    stack = await startLocalStack({
      runtime: 'sim',
      resyncIntervalMs: 0,
      visibilityTimeoutSeconds: 1,
      clusterOptions: { historySize: 3 },
    });
  });
  after(async () => {
    await stack?.stop();
  });

  test('410 Gone on resume ⇒ re-list; the workflow still completes without any resync', async () => {
    const watcher = stack.watcher!;
    const c = await stack.submit(chain('gone', 2, { other: true, duration: '1500ms' }), 'argo');
    const name = c.metadata.name!;
    await until(async () => (await podsOf(stack, name, ['other'])).length === 1, 20_000, 'the remote pod');
    const relists = watcher.metrics.relists;
    const other = stack.clusters.get('other');
    await other.stop();
    // Changes in cluster other while the watcher cannot see them, beyond the watch history.
    for (let i = 0; i < 10; i++) {
      other.server.state.store.insert('/configmaps', {
        apiVersion: 'v1',
        kind: 'ConfigMap',
        metadata: { name: `churn-${i}`, namespace: 'default' },
      } as never);
    }
    await new Promise((r) => setTimeout(r, 2000));
    await other.start();
    await until(() => watcher.metrics.relists > relists, 15_000, 'a re-list after 410');
    const wf = await stack.waitFor('argo', name, isDone, 30_000);
    assert.equal(wf.status?.phase, 'Succeeded');
  });
});
