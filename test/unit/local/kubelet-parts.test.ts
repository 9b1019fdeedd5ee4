import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { IMAGES_DIR, imageProfile, repositoryOf, resolveExecutable } from '../../../src/local/kubelet/images.ts';
import { parseDuration } from '../../../src/local/kubelet/sim-runtime.ts';
import { hostPath } from '../../../src/local/kubelet/process-runtime.ts';
import { humanDuration } from '../../../src/local/apiserver/table.ts';

describe('images', () => {
  test('repository names are normalised', () => {
    assert.deepEqual(repositoryOf('docker.io/library/python:3.12'), { repo: 'python', tag: '3.12' });
    assert.deepEqual(repositoryOf('argoproj/argosay:v2'), { repo: 'argoproj/argosay', tag: 'v2' });
    assert.deepEqual(repositoryOf('localhost:5000/busybox'), { repo: 'busybox', tag: 'latest' });
  });
  test('profiles for images the host can stand in for, none for others', () => {
    const v2 = imageProfile('argoproj/argosay:v2');
    assert.deepEqual({ ...v2, path: undefined }, { entrypoint: ['/argosay'], cmd: [], path: undefined, ash: true });
    const v1 = imageProfile('argoproj/argosay:v1');
    assert.deepEqual({ ...v1, path: undefined }, { entrypoint: [], cmd: ['cowsay'], path: undefined });
    // Argo's conditionals.yaml runs `sh -c "cowsay hello"` in argosay:v1, and its e2e
    // retry-with-recreated-pvc-test.yaml `cowsay hello world | tee …` in v2 (built FROM v1): on the PATH in both.
    for (const profile of [v1, v2]) {
      const viaShell = spawnSync('sh', ['-c', 'cowsay hello'], {
        encoding: 'utf8',
        env: { ...process.env, PATH: `${profile?.path}:${process.env.PATH}` },
      });
      assert.equal(viaShell.status, 0, viaShell.stderr);
      assert.match(viaShell.stdout, /< hello >/);
    }
    assert.ok(imageProfile('python:alpine3.23'));
    assert.equal(imageProfile('redis:7.2'), undefined);
    assert.equal(imageProfile('influxdb:2.7'), undefined, 'influxdb 2.x has another API: not stood in');
  });
  test('executables resolve to host tools or shipped scripts', () => {
    assert.deepEqual(resolveExecutable(['/argosay', 'echo']), { argv: ['sh', join(IMAGES_DIR, 'argosay.sh'), 'echo'] });
    const py = resolveExecutable(['python', '-c', 'print(1)']);
    assert.ok('argv' in py && /python3?$/.test(py.argv[0]!));
    // busybox ash (alpine, argosay:v2) understands `[[ ]]`, which a host's dash does not: sh runs as bash.
    const ash = resolveExecutable(['sh', '-c', '[[ a == a ]]'], undefined, imageProfile('argoproj/argosay:v2')?.ash);
    assert.ok('argv' in ash && /bash$/.test(ash.argv[0]!), JSON.stringify(ash));
    const plain = resolveExecutable(['sh', '-c', 'true'], undefined, imageProfile('debian')?.ash);
    assert.ok('argv' in plain && !/bash$/.test(plain.argv[0]!));
    // Argo's TestWorkflowLevelHooksWithRetry runs `/bin/sh -c /argosay` in argosay:v2: the stand-in answers.
    for (const script of ['/argosay', 'sleep 0; /argosay echo hi']) {
      const byPath = resolveExecutable(['/bin/sh', '-c', script], imageProfile('argoproj/argosay:v2')?.path, true);
      assert.ok('argv' in byPath, JSON.stringify(byPath));
      const ran = spawnSync(byPath.argv[0]!, byPath.argv.slice(1), { encoding: 'utf8' });
      assert.equal(ran.status, 0, ran.stderr);
      assert.match(ran.stdout, /^(hello argo|hi)$/m);
    }
    const missing = resolveExecutable(['no-such-binary-here']);
    assert.ok('error' in missing && /executable file not found in \$PATH/.test(missing.error));
  });
});

describe('argosay.sh (argoproj/argosay:v2 semantics)', () => {
  const run = (...args: string[]) => spawnSync('sh', [join(IMAGES_DIR, 'argosay.sh'), ...args], { encoding: 'utf8' });
  const cases: Array<[string[], string, number]> = [
    [[], 'hello argo\n', 0],
    [['echo'], 'hello argo\n', 0],
    [['echo', 'hi there'], 'hi there\n', 0],
    [['echo', 'a', 'b', 'c'], '', 0],
    [['exit', '3'], '', 3],
    [['exit'], '', 0],
    [['exit 1'], '', 1],
    [['http'], '', 1],
  ];
  for (const [args, out, code] of cases) {
    test(`argosay ${JSON.stringify(args)}`, () => {
      const r = run(...args);
      assert.equal(r.stdout, out);
      assert.equal(r.status, code);
    });
  }
});

describe('small parsers', () => {
  test('durations', () => {
    assert.equal(parseDuration('100ms'), 100);
    assert.equal(parseDuration('1.5s'), 1500);
    assert.equal(parseDuration('1m30s'), 90_000);
    assert.equal(parseDuration('2'), 2000);
    assert.equal(parseDuration('soon'), undefined);
  });
  test('human durations like kubectl AGE', () => {
    assert.equal(humanDuration(5_000), '5s');
    assert.equal(humanDuration(150_000), '2m30s');
    assert.equal(humanDuration(3 * 3600_000), '3h');
    assert.equal(humanDuration(3 * 86400_000), '3d');
  });
  test('/tmp maps into the pod directory; other paths stay', () => {
    assert.equal(hostPath('/pods/p', '/tmp/out.txt'), '/pods/p/tmp/out.txt');
    assert.equal(hostPath('/pods/p', '/var/tmp/x'), '/var/tmp/x');
  });
});
