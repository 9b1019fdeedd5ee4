// The registry over a static store and a fake clock (no network: clients are built, never used).
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createEntryRegistry } from '../../../src/clusters/registry.ts';
import { staticStore } from '../../../src/clusters/stores/snapshot.ts';
import { isClusterNotConfiguredError, isEntryInvalidError, isSecretStoreError } from '../../../src/clusters/errors.ts';
import { createLogger } from '../../../src/logger.ts';
import type { KubeClient } from '../../../src/ports/kube.ts';
import type { HttpKubeClient } from '../../../src/adapters/kube/http-client.ts';

const entry = (host: string, token = 'secret-token-123456') => ({ Host: host, BearerToken: token });
const fakeMain: KubeClient = {
  cluster: 'main',
  request: async () => assert.fail('no network'),
  stream: async () => assert.fail('no network'),
  watch: async () => assert.fail('no network'),
};

function setup(record: Record<string, unknown>, extra: Partial<Parameters<typeof createEntryRegistry>[0]> = {}) {
  const lines: string[] = [];
  const logger = createLogger({ sink: (l) => lines.push(l) });
  let now = 0;
  const clock = { advance: (ms: number) => (now += ms) };
  const registry = createEntryRegistry({
    mainCluster: 'main',
    mainClient: fakeMain,
    store: staticStore(record),
    cacheMs: 30_000,
    logger,
    now: () => now,
    ...extra,
  });
  return { registry, lines, clock };
}

const server = (c: KubeClient) => (c as HttpKubeClient).server;

describe('cluster registry', () => {
  test('exact entry wins over cluster-wide; both present warns once', async () => {
    const { registry: p, lines } = setup({ 'other.argo': entry('https://exact'), 'other.': entry('https://wide') });
    const r = await p;
    assert.equal(server(await r.clientFor('other', 'argo')), 'https://exact');
    assert.equal(server(await r.clientFor('other', 'argo')), 'https://exact');
    assert.equal(server(await r.clientFor('other', 'batch')), 'https://wide');
    const warnings = lines.filter((l) => l.includes('the exact one wins'));
    assert.equal(warnings.length, 1);
    assert.match(warnings[0]!, /"used":"other\.argo","shadowed":"other\."/);
    assert.deepEqual(r.describeTarget('other', 'batch'), { key: 'other.' });
    r.close();
  });

  test('slash keys from a store are normalised; invalid keys are reported, not fatal', async () => {
    const { registry: p, lines } = setup({ 'other/argo': entry('https://slash'), 'bad.key.x': entry('https://x') });
    const r = await p;
    assert.equal(server(await r.clientFor('other', 'argo')), 'https://slash');
    assert.ok(lines.some((l) => l.includes('ignoring invalid rest-config key') && l.includes('bad.key.x')));
    r.close();
  });

  test('not configured: terminal error naming what is missing and the fix', async () => {
    const r = await setup({ 'other.argo': entry('https://h') }).registry;
    const err = await r.clientFor('other', 'default').catch((e: unknown) => e);
    assert.ok(isClusterNotConfiguredError(err));
    assert.match(err.message, /^cluster-namespace "other\.default" not configured/);
    assert.match(err.message, /argosy cluster add other\.default <kube-context>/);
    const d = r.describeTarget('gpu', 'argo');
    assert.ok('error' in d && d.error.includes('cluster-namespace "gpu.argo" not configured'));
  });

  test('main cluster: exact entry first, else the main client; namespaced install limits it', async () => {
    const r = await setup({ 'main.special': entry('https://special'), 'main.': entry('https://main-wide') }).registry;
    assert.equal(server(await r.clientFor('main', 'special')), 'https://special');
    assert.equal(await r.clientFor('main', 'argo'), fakeMain);
    assert.equal(r.mainClient(), fakeMain);
    const n = await setup({}, { mainNamespace: 'argo' }).registry;
    assert.equal(await n.clientFor('main', 'argo'), fakeMain);
    assert.ok(isClusterNotConfiguredError(await n.clientFor('main', 'other').catch((e: unknown) => e)));
    assert.deepEqual(await n.targets(), [{ key: 'main.argo', cluster: 'main', namespace: 'argo' }]);
    r.close();
  });

  test('Lambda: the main client comes from the <main>. entry', async () => {
    const r = await setup({ 'main.': entry('https://main-api') }, { mainClient: undefined }).registry;
    assert.equal(server(r.mainClient()), 'https://main-api');
    assert.equal(server(await r.clientFor('main', 'argo')), 'https://main-api');
    r.close();
    await assert.rejects(setup({ 'other.': entry('https://h') }, { mainClient: undefined }).registry, (e: unknown) =>
      isClusterNotConfiguredError(e),
    );
  });

  test('a malformed entry fails only the targets that use it', async () => {
    const { registry: p, lines } = setup({
      'other.': entry('https://ok'),
      'other.argo': { BearerToken: 'secret-token-123456' },
      'gpu.': 'not json at all!',
    });
    const r = await p;
    assert.equal(server(await r.clientFor('other', 'batch')), 'https://ok');
    const e1 = await r.clientFor('other', 'argo').catch((e: unknown) => e);
    assert.ok(isEntryInvalidError(e1) && e1.key === 'other.argo' && e1.field === 'Host');
    const e2 = await r.clientFor('gpu', 'x').catch((e: unknown) => e);
    assert.ok(isEntryInvalidError(e2) && e2.key === 'gpu.');
    const d = r.describeTarget('other', 'argo');
    assert.ok('error' in d && d.error.includes('Host'));
    assert.deepEqual(
      (await r.targets()).map((t) => t.key),
      ['main.', 'other.'],
    );
    assert.ok(!lines.join('\n').includes('secret-token-123456'));
    r.close();
  });

  test('rotation: picked up after the cache lifetime; unchanged entries keep their client', async () => {
    const record: Record<string, unknown> = { 'other.': entry('https://v1'), 'gpu.': entry('https://gpu') };
    const { registry: p, clock } = setup(record);
    const r = await p;
    const gpu1 = await r.clientFor('gpu', 'a');
    assert.equal(server(await r.clientFor('other', 'a')), 'https://v1');
    record['other.'] = entry('https://v2');
    clock.advance(29_999);
    assert.equal(server(await r.clientFor('other', 'a')), 'https://v1', 'still cached');
    clock.advance(2);
    assert.equal(server(await r.clientFor('other', 'a')), 'https://v2', 'rotated');
    assert.equal(await r.clientFor('gpu', 'a'), gpu1, 'same content, same client');
    delete record['other.'];
    await r.refresh(true);
    assert.ok(isClusterNotConfiguredError(await r.clientFor('other', 'a').catch((e: unknown) => e)));
    r.close();
  });

  test('mainClient() from the <main>. entry follows a rotation of that entry (resync, warm Lambdas)', async () => {
    const record: Record<string, unknown> = { 'main.': entry('https://127.0.0.1:1', 'old-token-123456') };
    const { registry: p, clock } = setup(record, { mainClient: undefined });
    const r = await p;
    const main = r.mainClient();
    assert.equal(server(main), 'https://127.0.0.1:1');
    record['main.'] = entry('https://127.0.0.2:1', 'new-token-123456');
    clock.advance(30_001);
    // The held client re-reads the store before its next call (refused here: nothing listens).
    await assert.rejects(main.request({ method: 'GET', path: '/version' }));
    assert.equal(server(main), 'https://127.0.0.2:1');
    assert.equal(r.mainClient(), main, 'one stable client to hold');
    r.close();
  });

  test('an entry removed from the store is still used for the grace period (issue 24 item 11)', async () => {
    const record: Record<string, unknown> = { 'other.': entry('https://v1') };
    const { registry: p, clock, lines } = setup(record, { removedGraceMs: 60_000 });
    const r = await p;
    delete record['other.'];
    await r.refresh(true);
    assert.equal(server(await r.clientFor('other', 'a')), 'https://v1', 'kept while the grace lasts');
    assert.ok(lines.some((l) => l.includes('still used for the grace period') && l.includes('other.')));
    clock.advance(30_000);
    await r.refresh(true);
    assert.equal(server(await r.clientFor('other', 'a')), 'https://v1');
    clock.advance(30_000);
    await r.refresh(true);
    assert.ok(isClusterNotConfiguredError(await r.clientFor('other', 'a').catch((e: unknown) => e)), 'gone after');
    // Back in the store: used again, and a later removal starts a new grace period.
    record['other.'] = entry('https://v2');
    await r.refresh(true);
    assert.equal(server(await r.clientFor('other', 'a')), 'https://v2');
    r.close();
  });

  test('an entry whose certificate/key data cannot be loaded is refused by name, with the fix', async () => {
    const pem = (kind: string) => `-----BEGIN ${kind}-----\nnot-base64!\n-----END ${kind}-----\n`;
    const b64 = (x: string) => Buffer.from(x).toString('base64');
    const bad = {
      Host: 'https://bad',
      TLSClientConfig: { CertData: b64(pem('CERTIFICATE')), KeyData: b64(pem('PRIVATE KEY')) },
    };
    const r = await setup({ 'bad.': bad, 'other.': entry('https://ok') }).registry;
    const described = r.describeTarget('bad', 'argo');
    assert.ok('error' in described, 'the placement check refuses it');
    assert.match(described.error, /rest-config entry "bad\.": TLSClientConfig: certificate\/key data cannot be loaded/);
    assert.match(described.error, /argosy cluster add bad\. <kube-context>/);
    const e = await r.clientFor('bad', 'argo').catch((x: unknown) => x);
    assert.ok(isEntryInvalidError(e), 'a terminal invalid-entry error, not a bare OpenSSL error');
    assert.equal(server(await r.clientFor('other', 'argo')), 'https://ok', 'other entries unaffected');
    r.close();
  });

  test('store outage after the first load keeps the last entries; before it, fails', async () => {
    let fail = false;
    const inner = staticStore({ 'other.': entry('https://h') });
    const store = { ...inner, load: () => (fail ? Promise.reject(new Error('boom')) : inner.load()) };
    const { registry: p, lines } = setup({}, { store });
    const r = await p;
    fail = true;
    await r.refresh(true);
    assert.equal(server(await r.clientFor('other', 'x')), 'https://h');
    assert.ok(lines.some((l) => l.includes('secret store unreadable')));
    const { SecretStoreError } = await import('../../../src/clusters/errors.ts');
    const failing = { ...inner, load: () => Promise.reject(new SecretStoreError('static', 'down')) };
    await assert.rejects(setup({}, { store: failing }).registry, (e: unknown) => isSecretStoreError(e));
    r.close();
  });
});

describe('cluster labels (placement.clusterSelector)', () => {
  test('every registered cluster with the labels of its entries; the main cluster too; invalid labels refused', async () => {
    const { registry: pending } = setup({
      'gpu-east.argo': { ...entry('https://east'), Labels: { gpu: 'a100', region: 'east' } },
      'gpu-east.batch': { ...entry('https://east'), Labels: { 'example.com/tier': 'spot' } },
      'cpu.argo': entry('https://cpu'),
      'bad.argo': { ...entry('https://bad'), Labels: { 'bad key!': 'x' } },
    });
    const registry = await pending;
    const facts = Object.fromEntries((await registry.clusterFacts()).map((c) => [c.name, c.labels]));
    assert.deepEqual(facts, {
      main: {},
      'gpu-east': { gpu: 'a100', region: 'east', 'example.com/tier': 'spot' },
      cpu: {},
    });
    assert.match(
      JSON.stringify(registry.describeTarget('bad', 'argo')),
      /Labels: \\"bad key!\\" is not a valid label key/,
    );
  });
});
