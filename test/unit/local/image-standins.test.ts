// Image stand-ins behave like the images where Argo's examples notice: busybox/alpine `sh` has $RANDOM
// (dag-with-retries), and a tag that cannot exist fails to pull with containerd's NotFound, as the
// kubelet reports it (unschedulable's `alpine:doesntexist`); the influxdb 1.x, nginx and curl stand-ins
// serve and reach the pod's IP as Argo's daemon and sidecar examples use them.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { fullReference, imageProfile, pullNotFound, resolveExecutable } from '../../../src/local/kubelet/images.ts';
import { ProcessRuntime } from '../../../src/local/kubelet/process-runtime.ts';
import { allocatePodIp } from '../../../src/local/kubelet/pod-ip.ts';

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

/** Runs the curl stand-in as a curlimages/curl container would, with the pod's IP. */
function curl(args: string[], podIp: string): { status: number | null; stdout: string; stderr: string } {
  const path = imageProfile('curlimages/curl:latest')?.path;
  const r = resolveExecutable(['curl', ...args], path);
  assert.ok('argv' in r, JSON.stringify(r));
  const env = { ...process.env, ARGOSY_POD_IP: podIp, ARGOSY_NODE: process.execPath };
  return spawnSync(r.argv[0]!, r.argv.slice(1), { encoding: 'utf8', env });
}

/** Starts a service stand-in the way the kubelet runs the image's entrypoint, at `podIp`. */
function serve(image: string, podIp: string): ChildProcess {
  const profile = imageProfile(image)!;
  const r = resolveExecutable([...profile.entrypoint, ...profile.cmd], profile.path);
  assert.ok('argv' in r, JSON.stringify(r));
  const env = {
    ...process.env,
    PATH: `${profile.path}:${process.env.PATH}`,
    ARGOSY_POD_IP: podIp,
    ARGOSY_NODE: process.execPath,
  };
  return spawn(r.argv[0]!, r.argv.slice(1), { env, stdio: 'ignore' });
}

async function until(ok: () => boolean): Promise<void> {
  for (let i = 0; i < 200 && !ok(); i++) await new Promise((r) => setTimeout(r, 100));
}

test('influxdb 1.x stand-in at the pod IP: ping, create, write, select, errors; curl reaches it via localhost', async () => {
  const ip = allocatePodIp();
  const server = serve('influxdb:1.2', ip);
  try {
    await until(() => curl(['-s', '-f', `http://${ip}:8086/ping`], ip).status === 0);
    const created = curl(['-XPOST', 'http://127.0.0.1:8086/query', '--data-urlencode', 'q=CREATE DATABASE mydb'], ip);
    assert.equal(created.stdout, '{"results":[{"statement_id":0}]}');
    const noDb = curl(['-s', '-XPOST', `http://${ip}:8086/write?db=nope`, '-d', 'cpu load=1'], ip);
    assert.equal(noDb.stdout, '{"error":"database not found: \\"nope\\""}');
    for (const line of ['cpu,host=server01,region=uswest load=1', 'cpu,host=server03,region=useast load=15.4'])
      assert.equal(curl(['-XPOST', `http://${ip}:8086/write?db=mydb`, '-d', line], ip).status, 0);
    const q = ['-sG', `http://${ip}:8086/query`, '--data-urlencode', 'db=mydb', '--data-urlencode'];
    const result = JSON.parse(curl([...q, 'q=SELECT * FROM cpu'], ip).stdout);
    const series = result.results[0].series[0];
    assert.deepEqual(series.columns, ['time', 'host', 'load', 'region']);
    assert.deepEqual(
      series.values.map((v: unknown[]) => v.slice(1)),
      [
        ['server01', 1, 'uswest'],
        ['server03', 15.4, 'useast'],
      ],
    );
    assert.match(series.values[0][0], /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$/);
    const unsupported = curl([...q, 'q=SELECT mean(load) FROM cpu GROUP BY time(1m)'], ip);
    assert.match(
      unsupported.stdout,
      /"error":"error parsing query: the local influxdb stand-in runs .*not: SELECT mean/,
    );
  } finally {
    server.kill('SIGTERM');
  }
});

test('nginx stand-in serves its welcome page on port 80 of the pod IP; curl’s failures are curl’s', async () => {
  const ip = allocatePodIp();
  const server = serve('nginx:1.13', ip);
  try {
    await until(() => curl(['-s', `http://${ip}/`], ip).status === 0);
    assert.match(curl(['--silent', '-G', `http://${ip}:80/`], ip).stdout, /<title>Welcome to nginx!<\/title>/);
    const missing = curl(['-f', `http://${ip}/nope`], ip);
    assert.equal(missing.status, 22);
    assert.equal(missing.stderr.trim(), 'curl: (22) The requested URL returned error: 404');
  } finally {
    server.kill('SIGTERM');
  }
  const refused = curl([`http://${allocatePodIp()}:81/`], ip);
  assert.equal(refused.status, 7);
  assert.match(
    refused.stderr,
    /^curl: \(7\) Failed to connect to 127\.\S+ port 81 after \d+ ms: Couldn't connect to server/,
  );
  assert.equal(curl(['-s', 'http://127.0.0.1:9/'], ip).stderr, '', '-s hides the error');
  const unknown = curl(['--bogus', 'x'], ip);
  assert.equal(unknown.status, 2);
  assert.match(unknown.stderr, /^curl: option --bogus: is unknown/);
});

/** Runs alpine's nc stand-in with the pod's IP (spawned, or to completion with `input`). */
function nc(args: string[], podIp: string): { argv: string[]; env: NodeJS.ProcessEnv } {
  const r = resolveExecutable(['nc', ...args], imageProfile('alpine:3.23')?.path);
  assert.ok('argv' in r, JSON.stringify(r));
  return { argv: r.argv, env: { ...process.env, ARGOSY_POD_IP: podIp, ARGOSY_NODE: process.execPath } };
}

test('nc stand-in: -lk -p PORT -e PROG serves every connection at the pod IP; -z checks; localhost is the pod', async () => {
  const ip = allocatePodIp();
  const listen = nc(['-lk', '-p', '9999', '-e', 'echo', 'pong'], ip);
  const server = spawn(listen.argv[0]!, listen.argv.slice(1), { env: listen.env, stdio: 'ignore' });
  try {
    const probe = nc(['-z', 'localhost', '9999'], ip);
    const check = () => spawnSync(probe.argv[0]!, probe.argv.slice(1), { env: probe.env }).status === 0;
    await until(check);
    assert.ok(check(), 'the listener accepts at the pod IP');
    for (let i = 0; i < 2; i++) {
      const c = nc([ip, '9999'], ip);
      const r = spawnSync(c.argv[0]!, c.argv.slice(1), { env: c.env, encoding: 'utf8', input: '' });
      assert.equal(r.stdout, 'pong\n', `connection ${i + 1}: ${r.stderr}`);
    }
    const refused = nc(['127.0.0.1', '9998'], ip);
    const r = spawnSync(refused.argv[0]!, refused.argv.slice(1), { env: refused.env, encoding: 'utf8' });
    assert.equal(r.status, 1);
    assert.equal(r.stderr, `nc: can't connect to remote host (${ip}): Connection refused\n`);
  } finally {
    server.kill();
  }
});
