// Files the local stack writes that can hold a secret (issue 24, item 4): `--data-dir/<cluster>.json`
// holds Secrets (rest-config tokens), `<cluster>.identity.json` the admin token, the kubeconfig the
// admin credentials. Each is 0600 and its folder 0700.
import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { chmodSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startLocalClusters } from '../../src/local/clusters.ts';

const root = mkdtempSync(join(tmpdir(), 'argosy-files-'));
after(() => rmSync(root, { recursive: true, force: true }));

const mode = (p: string) => statSync(p).mode & 0o777;

describe('secret-holding files are owner-only', () => {
  test('data dir 0700, every state file 0600, kubeconfig 0600 (even in a world-readable data dir)', async () => {
    const dataDir = join(root, 'data');
    mkdirSync(dataDir, { mode: 0o755 });
    chmodSync(dataDir, 0o755);
    const kubeconfigPath = join(root, 'kube', 'config');
    const clusters = await startLocalClusters({
      names: ['main'],
      runtime: 'sim',
      kubelet: false,
      dataDir,
      kubeconfigPath,
    });
    try {
      // A Secret, so main.json holds one.
      const main = clusters.get('main');
      main.server.state.create(main.server.state.registry.byKey('/secrets')!, 'default', {
        metadata: { name: 'rest-config', namespace: 'default' },
        data: { 'other.': Buffer.from('{"BearerToken":"planted-token"}').toString('base64') },
      });
    } finally {
      await clusters.stop();
    }
    assert.equal(mode(dataDir).toString(8), '700');
    const files = readdirSync(dataDir);
    assert.ok(files.includes('main.json') && files.includes('main.identity.json'), files.join(','));
    for (const f of files) assert.equal(mode(join(dataDir, f)).toString(8), '600', f);
    assert.equal(mode(kubeconfigPath).toString(8), '600');
    assert.equal(mode(join(root, 'kube')).toString(8), '700');
  });
});
