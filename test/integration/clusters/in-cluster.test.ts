// The in-cluster main client (service-account files + KUBERNETES_SERVICE_HOST/PORT via config) against
// a real TLS server, with the token re-read after a minute; and buildClusterRegistry's wiring.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { inClusterClient } from '../../../src/clusters/in-cluster.ts';
import { buildClusterRegistry } from '../../../src/clusters/build.ts';
import { loadConfig } from '../../../src/config.ts';
import { silentLogger } from '../../../src/logger.ts';
import { isSecretStoreError } from '../../../src/clusters/errors.ts';
import { json, startTlsServer, type TlsServer } from './tls-server.ts';

describe('in-cluster client and registry wiring', () => {
  let srv: TlsServer;
  let dir: string;
  before(async () => {
    srv = await startTlsServer();
    dir = mkdtempSync(join(tmpdir(), 'argosy-sa-'));
    writeFileSync(join(dir, 'ca.crt'), srv.caPem);
    writeFileSync(join(dir, 'token'), 'sa-token-1\n');
  });
  after(async () => {
    await srv.stop();
    rmSync(dir, { recursive: true, force: true });
  });
  const env = () => ({
    KUBERNETES_SERVICE_HOST: '127.0.0.1',
    KUBERNETES_SERVICE_PORT: new URL(srv.url).port,
    ARGOSY_SERVICE_ACCOUNT_DIR: dir,
  });

  test('outside a pod there is no in-cluster client', () => {
    assert.equal(inClusterClient(loadConfig({}, {})), undefined);
  });

  test('uses the mounted CA and token, re-reading the token after a minute', async () => {
    let now = 0;
    const kube = inClusterClient(loadConfig({}, env()), { now: () => now })!;
    srv.handler = (_req, res) => json(res, 200, {});
    await kube.request({ method: 'GET', path: '/version' });
    assert.equal(srv.requests.at(-1)!.headers.authorization, 'Bearer sa-token-1');
    writeFileSync(join(dir, 'token'), 'sa-token-2\n');
    now += 30_000;
    await kube.request({ method: 'GET', path: '/version' });
    assert.equal(srv.requests.at(-1)!.headers.authorization, 'Bearer sa-token-1');
    now += 31_000;
    await kube.request({ method: 'GET', path: '/version' });
    assert.equal(srv.requests.at(-1)!.headers.authorization, 'Bearer sa-token-2');
    kube.close();
  });

  test('buildClusterRegistry: in a pod, the kubernetes store is read through the service account', async () => {
    const entry = { Host: 'https://other:6443', BearerToken: 'x' };
    srv.handler = (req, res) => {
      assert.equal(req.url, '/api/v1/namespaces/ops/secrets/rc');
      json(res, 200, {
        kind: 'Secret',
        metadata: { name: 'rc' },
        data: { 'other.': Buffer.from(JSON.stringify(entry)).toString('base64') },
      });
    };
    const config = loadConfig({}, { ...env(), ARGOSY_NAMESPACE: 'ops', ARGOSY_SECRET_NAME: 'rc' });
    const registry = await buildClusterRegistry({ config, logger: silentLogger });
    assert.deepEqual(
      (await registry.targets()).map((t) => t.key),
      ['main.', 'other.'],
    );
    assert.deepEqual(registry.describeTarget('other', 'argo'), { key: 'other.' });
    registry.close();
  });

  test('buildClusterRegistry: kubernetes store without any main client is a clear error', async () => {
    await assert.rejects(
      buildClusterRegistry({ config: loadConfig({}, {}), logger: silentLogger }),
      (e: unknown) => isSecretStoreError(e) && /no main cluster client/.test((e as Error).message),
    );
  });
});
