// Files the local kubelet manages inside pods (hosts with hostAliases, a container's /proc/mounts) and
// the busybox nslookup stand-in that answers from them.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { hostsFile, withPodFiles, writeHostsFile } from '../../../src/local/kubelet/pod-files.ts';
import { imageProfile, resolveExecutable } from '../../../src/local/kubelet/images.ts';
import { rewritePaths } from '../../../src/local/kubelet/argoexec/fs.ts';

const pod = {
  metadata: { name: 'p1' },
  spec: { hostAliases: [{ ip: '127.0.0.1', hostnames: ['argo.io', 'www.argo.io'] }] },
};

describe('pod files', () => {
  test('the hosts file carries the hostAliases block as the kubelet writes it', () => {
    const dir = mkdtempSync(join(tmpdir(), 'podfiles-'));
    try {
      writeHostsFile(dir, pod, '127.0.0.9');
      const text = readFileSync(hostsFile(dir), 'utf8');
      assert.match(text, /^127\.0\.0\.9\tp1$/m);
      assert.match(text, /# Entries added by HostAliases\.\n127\.0\.0\.1\targo\.io\twww\.argo\.io\n$/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('a container sees its volumes in /proc/mounts at the paths its commands are rewritten to', () => {
    const dir = mkdtempSync(join(tmpdir(), 'podfiles-'));
    try {
      const mounts = withPodFiles(
        [{ path: '/mnt/vol', host: join(dir, 'volumes/workdir') }],
        dir,
        join(dir, 'rootfs/main'),
      );
      const cmd = rewritePaths('grep -q /mnt/vol /proc/mounts', mounts);
      const r = spawnSync('sh', ['-c', cmd]);
      assert.equal(r.status, 0, cmd);
      const absent = rewritePaths('grep -q /mnt/other /proc/mounts', mounts);
      assert.equal(spawnSync('sh', ['-c', absent]).status, 1);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('nslookup stand-in (busybox, alpine)', () => {
  const nslookup = () => {
    const r = resolveExecutable(['nslookup'], imageProfile('alpine:3.23')?.path);
    assert.ok('argv' in r, 'alpine images find nslookup');
    return r.argv[0]!;
  };
  test('only busybox-based images get it', () => {
    assert.ok(imageProfile('busybox')?.path);
    assert.equal(imageProfile('debian')?.path, undefined);
  });
  test('answers from the pod hosts file in busybox format, NXDOMAIN otherwise', () => {
    const dir = mkdtempSync(join(tmpdir(), 'podfiles-'));
    try {
      writeHostsFile(dir, pod, '127.0.0.9');
      const env = { ...process.env, ARGOSY_POD_DIR: dir };
      const ok = spawnSync(nslookup(), ['www.argo.io'], { env, encoding: 'utf8' });
      assert.equal(ok.status, 0);
      assert.match(ok.stdout, /Name:\twww\.argo\.io\nAddress: 127\.0\.0\.1\n/);
      const missing = spawnSync(nslookup(), ['no-such-name.invalid'], { env, encoding: 'utf8' });
      assert.equal(missing.status, 1);
      assert.match(missing.stdout, /\*\* server can't find no-such-name\.invalid: NXDOMAIN/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
