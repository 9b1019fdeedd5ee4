// The local node's stand-in for an image's root filesystem: declared output paths outside every mount get
// a private directory per container (so pods never write the host's /mnt or /, and concurrent pods never
// share), and input artifacts on the image's PATH are found by name.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readlinkSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { outputMounts, pathBinDir, preparePrivateMounts } from '../../../src/local/kubelet/argoexec/rootfs.ts';

const volumes = [
  { path: '/tmp', host: '/pod/tmp' },
  { path: '/mnt/in', host: '/pod/volumes/input-artifacts/part' },
];
const template = (paths: string[]) => ({ outputs: { artifacts: paths.map((path, i) => ({ name: `a${i}`, path })) } });

test('output paths outside the mounts get private roots below the image’s standard directories', () => {
  const got = outputMounts(
    template(['/mnt/out/part.json', '/mnt/file', '/outer/inner', '/hello.txt', '/etc', '/tmp/x', '/mnt/in/y']),
    volumes,
    '/pod/rootfs/main',
  );
  assert.deepEqual(
    got.map((m) => [m.path, m.host]),
    [
      ['/mnt/out', '/pod/rootfs/main/mnt/out'],
      ['/mnt/file', '/pod/rootfs/main/mnt/file'],
      ['/outer', '/pod/rootfs/main/outer'],
      ['/hello.txt', '/pod/rootfs/main/hello.txt'],
      ['/etc', '/pod/rootfs/main/etc'],
    ],
  );
});

test('output parameter files count too; /proc and relative paths never do', () => {
  const got = outputMounts(
    {
      outputs: {
        parameters: [{ valueFrom: { path: '/result' } }, { valueFrom: { path: 'rel' } }],
        artifacts: [{ path: '/proc/x' }],
      },
    },
    [],
    '/r',
  );
  assert.deepEqual(got, [{ path: '/result', host: '/r/result' }]);
});

test('a private path that exists on the host starts as its world-readable, small, non-link files', () => {
  const dir = mkdtempSync(join(tmpdir(), 'rootfs-'));
  try {
    const [etc] = outputMounts(template(['/etc']), [], dir);
    preparePrivateMounts([etc!]);
    assert.ok(existsSync(join(dir, 'etc', 'passwd')), 'world-readable /etc/passwd copied');
    assert.ok(!existsSync(join(dir, 'etc', 'shadow')), 'private /etc/shadow left out');
    const [fresh] = outputMounts(template(['/nonexistent-argosy/x']), [], dir);
    preparePrivateMounts([fresh!]);
    assert.ok(!existsSync(fresh!.host), 'a path the host lacks is left for the process to create');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('file mounts on the image’s PATH are linked from a bin directory; others are not', () => {
  const dir = mkdtempSync(join(tmpdir(), 'rootfs-'));
  try {
    const kubectl = join(dir, 'kubectl-file');
    writeFileSync(kubectl, '#!/bin/sh\n');
    assert.equal(pathBinDir([{ path: '/opt/kubectl', host: kubectl }], dir), undefined);
    const bin = pathBinDir([{ path: '/bin/kubectl', host: kubectl }], dir);
    assert.equal(readlinkSync(join(bin!, 'kubectl')), kubectl);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a private directory holding a mount point exists, as the runtime creates mount points', () => {
  const dir = mkdtempSync(join(tmpdir(), 'rootfs-'));
  try {
    // variables-showcase: input artifact /work/in.txt, output parameter /work/echoed.txt.
    const inputs = [{ path: '/work/in.txt', host: join(dir, 'volumes/input-artifacts/in-art') }];
    const [work] = outputMounts(
      { outputs: { parameters: [{ valueFrom: { path: '/work/echoed.txt' } }] } },
      inputs,
      dir,
    );
    assert.deepEqual(work, { path: '/work', host: join(dir, 'work') });
    preparePrivateMounts([work!], inputs);
    assert.ok(existsSync(join(dir, 'work')), '/work exists for the script to write /work/echoed.txt');
    const [alone] = outputMounts(template(['/outer/x']), inputs, dir);
    preparePrivateMounts([alone!], inputs);
    assert.ok(!existsSync(alone!.host), 'with no mount point below it, the process creates it');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
