// Image stand-ins behave like the images where Argo's examples notice: busybox/alpine `sh` has $RANDOM
// (dag-with-retries), and a tag that cannot exist fails to pull with containerd's NotFound, as the
// kubelet reports it (unschedulable's `alpine:doesntexist`).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { fullReference, imageProfile, pullNotFound, resolveExecutable } from '../../../src/local/kubelet/images.ts';
import { ProcessRuntime } from '../../../src/local/kubelet/process-runtime.ts';

test('busybox and alpine sh (also /bin/sh) has $RANDOM, as ash does', () => {
  for (const image of ['busybox', 'alpine:3.23']) {
    for (const sh of ['sh', '/bin/sh']) {
      const r = resolveExecutable([sh, '-c', 'echo $(( ${RANDOM} % 5 ))'], imageProfile(image)?.path);
      assert.ok('argv' in r, JSON.stringify(r));
      const out = execFileSync(r.argv[0]!, r.argv.slice(1), { encoding: 'utf8' }).trim();
      assert.match(out, /^[0-4]$/, `${image} ${sh}: ${out}`);
    }
  }
});

test('a tag that cannot exist fails to pull with containerd’s NotFound; real tags pull', () => {
  assert.equal(
    pullNotFound('alpine:doesntexist'),
    'rpc error: code = NotFound desc = failed to pull and unpack image "docker.io/library/alpine:doesntexist": ' +
      'failed to resolve reference "docker.io/library/alpine:doesntexist": docker.io/library/alpine:doesntexist: not found',
  );
  for (const ok of [
    'alpine:3.23',
    'alpine',
    'python:alpine3.23',
    'python:alpine',
    'debian:bookworm-slim',
    'argoproj/argosay:v2',
    'busybox:latest',
  ])
    assert.equal(pullNotFound(ok), undefined, ok);
  const pulled = new ProcessRuntime().pull('alpine:doesntexist');
  assert.equal(pulled.ok, false);
  assert.equal(!pulled.ok && pulled.reason, 'ErrImagePull');
  assert.equal(new ProcessRuntime().pull('alpine:3.23').ok, true);
});

test('references resolve as containerd resolves them', () => {
  assert.equal(fullReference('alpine:x'), 'docker.io/library/alpine:x');
  assert.equal(fullReference('argoproj/argosay:v2'), 'docker.io/argoproj/argosay:v2');
  assert.equal(fullReference('quay.io/argoproj/argoexec:v4.1.2'), 'quay.io/argoproj/argoexec:v4.1.2');
  assert.equal(fullReference('busybox'), 'docker.io/library/busybox:latest');
});
