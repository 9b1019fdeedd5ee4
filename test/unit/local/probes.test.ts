/**
 * The local kubelet's probes (probe-handlers.ts, probes.ts): each handler's success and the kubelet's
 * failure wording (httpGet status and refused dial, tcpSocket, grpc.health.v1 over HTTP/2, exec with
 * its output and timeout), and the prober workers' counting: failureThreshold before a liveness kill,
 * successThreshold before ready, readiness falling back to unready, liveness and readiness held until the
 * startup probe passes, no probing once stopped; and pod IPs are distinct loopback addresses.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import { createServer as createH2Server, type Http2Server } from 'node:http2';
import type { AddressInfo } from 'node:net';
import { probeOnce, type ProbeSpec } from '../../../src/local/kubelet/probe-handlers.ts';
import { ContainerProber, type ProberHooks } from '../../../src/local/kubelet/probes.ts';
import { allocatePodIp } from '../../../src/local/kubelet/pod-ip.ts';

const IP = '127.0.0.1';

async function listen(status: () => number): Promise<{ server: Server; port: number }> {
  const server = createServer((_req, res) => {
    res.statusCode = status();
    res.end('x');
  });
  await new Promise<void>((r) => server.listen(0, IP, r));
  return { server, port: (server.address() as AddressInfo).port };
}

/** A gRPC health server answering `status` (1 SERVING, 2 NOT_SERVING), or UNIMPLEMENTED when undefined. */
async function healthServer(status: number | undefined): Promise<{ server: Http2Server; port: number }> {
  const server = createH2Server();
  server.on('stream', (stream, headers) => {
    stream.on('data', () => undefined);
    stream.on('end', () => {
      const implemented = status !== undefined && headers[':path'] === '/grpc.health.v1.Health/Check';
      stream.respond({ ':status': 200, 'content-type': 'application/grpc' }, { waitForTrailers: true });
      stream.on('wantTrailers', () =>
        stream.sendTrailers(
          implemented ? { 'grpc-status': '0' } : { 'grpc-status': '12', 'grpc-message': 'unknown service' },
        ),
      );
      stream.end(implemented ? Buffer.from([0, 0, 0, 0, 2, 0x08, status]) : undefined);
    });
  });
  await new Promise<void>((r) => server.listen(0, IP, r));
  return { server, port: (server.address() as AddressInfo).port };
}

const target = (spec: ProbeSpec, exec?: Parameters<typeof probeOnce>[1]['exec']) => ({
  container: { name: 'main', ports: [{ name: 'web', containerPort: 0 }], readinessProbe: spec },
  podIp: IP,
  ...(exec ? { exec } : {}),
});

test('httpGet: 2xx/3xx succeed; other statuses and refused dials fail in the kubelet’s words; named ports', async () => {
  const ok = await listen(() => 204);
  const bad = await listen(() => 503);
  try {
    const c = { name: 'main', ports: [{ name: 'web', containerPort: ok.port }] };
    assert.deepEqual(await probeOnce({ httpGet: { path: '/ping', port: 'web' } }, { container: c, podIp: IP }), {
      ok: true,
      output: '',
    });
    assert.deepEqual(await probeOnce({ httpGet: { port: bad.port } }, { container: c, podIp: IP }), {
      ok: false,
      output: 'HTTP probe failed with statuscode: 503',
    });
  } finally {
    for (const s of [ok, bad]) {
      s.server.closeAllConnections();
      await new Promise((r) => s.server.close(r));
    }
  }
  const refused = await probeOnce({ httpGet: { port: bad.port, path: '/x' } }, target({}));
  assert.equal(
    refused.output,
    `Get "http://${IP}:${bad.port}/x": dial tcp ${IP}:${bad.port}: connect: connection refused`,
  );
});

test('tcpSocket: an accepting port succeeds, a closed one fails with the dial error', async () => {
  const s = await listen(() => 200);
  assert.equal((await probeOnce({ tcpSocket: { port: s.port } }, target({}))).ok, true);
  s.server.close();
  assert.deepEqual(await probeOnce({ tcpSocket: { port: s.port } }, target({})), {
    ok: false,
    output: `dial tcp ${IP}:${s.port}: connect: connection refused`,
  });
});

test('grpc: grpc.health.v1 SERVING succeeds; NOT_SERVING, unimplemented and nothing listening fail', async () => {
  const serving = await healthServer(1);
  const notServing = await healthServer(2);
  const unimplemented = await healthServer(undefined);
  try {
    assert.deepEqual(await probeOnce({ grpc: { port: serving.port } }, target({})), { ok: true, output: '' });
    assert.deepEqual(await probeOnce({ grpc: { port: notServing.port, service: 'db' } }, target({})), {
      ok: false,
      output: 'service unhealthy (responded with "NOT_SERVING")',
    });
    const r = await probeOnce({ grpc: { port: unimplemented.port } }, target({}));
    assert.match(r.output, /does not implement the grpc health protocol \(grpc\.health\.v1\.Health\): unknown service/);
  } finally {
    for (const s of [serving, notServing, unimplemented]) s.server.close();
  }
  const closed = await probeOnce({ grpc: { port: serving.port } }, target({}));
  assert.equal(closed.output, `timeout: failed to connect service "${IP}:${serving.port}" within 1s`);
});

test('exec: exit 0 succeeds; otherwise the output is the failure; a timeout says so', async () => {
  const calls: [string[], number][] = [];
  const exec = async (argv: string[], timeoutMs: number) => {
    calls.push([argv, timeoutMs]);
    if (argv[0] === 'true') return { exitCode: 0, output: '' };
    if (argv[0] === 'slow') return { exitCode: 137, output: '', timedOut: true };
    return { exitCode: 1, output: 'cat: /tmp/healthy: No such file or directory\n' };
  };
  assert.equal((await probeOnce({ exec: { command: ['true'] }, timeoutSeconds: 3 }, target({}, exec))).ok, true);
  assert.deepEqual(await probeOnce({ exec: { command: ['cat', '/tmp/healthy'] } }, target({}, exec)), {
    ok: false,
    output: 'cat: /tmp/healthy: No such file or directory\n',
  });
  assert.equal(
    (await probeOnce({ exec: { command: ['slow', '5'] } }, target({}, exec))).output,
    'command "slow 5" timed out',
  );
  assert.deepEqual(calls[0], [['true'], 3000], 'timeoutSeconds bounds the command');
});

/** Hooks that record what the prober decided, in order. */
function recorder(): { hooks: ProberHooks; log: string[]; next: (what: RegExp) => Promise<void> } {
  const log: string[] = [];
  const waiters: { re: RegExp; done: () => void }[] = [];
  const push = (entry: string) => {
    log.push(entry);
    for (const w of waiters.filter((x) => x.re.test(entry))) {
      waiters.splice(waiters.indexOf(w), 1);
      w.done();
    }
  };
  return {
    log,
    hooks: {
      ready: (ok) => push(`ready ${ok}`),
      started: () => push('started'),
      failed: (kind) => push(`failed ${kind}`),
      event: (type, reason, message) => push(`${type} ${reason} ${message}`),
    },
    next: (re) =>
      log.some((e) => re.test(e)) ? Promise.resolve() : new Promise<void>((done) => waiters.push({ re, done })),
  };
}

test('liveness: killed only after failureThreshold failures in a row, and probing stops', async () => {
  const outcomes = [false, true, false, false, false];
  let probes = 0;
  const exec = async () => ({ exitCode: (outcomes[probes++] ?? true) ? 0 : 1, output: 'unhealthy' });
  const r = recorder();
  const container = {
    name: 'main',
    livenessProbe: { exec: { command: ['check'] }, periodSeconds: 1, failureThreshold: 2 },
  };
  const prober = new ContainerProber({ container, podIp: IP, exec }, r.hooks);
  await r.next(/failed liveness/);
  prober.stop();
  // false, true (resets the run), false, false → killed on the fourth probe, not the first or third.
  assert.equal(probes, 4);
  assert.deepEqual(r.log, [
    'Warning Unhealthy Liveness probe failed: unhealthy',
    'Warning Unhealthy Liveness probe failed: unhealthy',
    'failed liveness',
  ]);
});

test('readiness: ready after successThreshold successes, unready again after failureThreshold failures', async () => {
  const outcomes = [true, true, false, true, true, false];
  let probes = 0;
  const exec = async () => ({ exitCode: (outcomes[probes++] ?? false) ? 0 : 1, output: `no ${probes}` });
  const r = recorder();
  const container = {
    name: 'main',
    readinessProbe: { exec: { command: ['check'] }, periodSeconds: 1, successThreshold: 2, failureThreshold: 1 },
  };
  const prober = new ContainerProber({ container, podIp: IP, exec }, r.hooks);
  await r.next(/ready false/);
  prober.stop();
  assert.deepEqual(
    r.log.filter((e) => e.startsWith('ready')),
    ['ready true', 'ready false'],
  );
  assert.ok(r.log.includes('Warning Unhealthy Readiness probe failed: no 3'), r.log.join('\n'));
});

test('startup: liveness and readiness wait until it passes; a failing startup probe kills', async () => {
  const seen: string[] = [];
  let startupProbes = 0;
  const exec = async (argv: string[]) => {
    seen.push(argv[0]!);
    if (argv[0] === 'startup') return { exitCode: ++startupProbes >= 2 ? 0 : 1, output: 'starting' };
    return { exitCode: 0, output: '' };
  };
  const r = recorder();
  const probe = (name: string) => ({ exec: { command: [name] }, periodSeconds: 1, failureThreshold: 5 });
  const container = {
    name: 'main',
    startupProbe: probe('startup'),
    readinessProbe: probe('readiness'),
    livenessProbe: probe('liveness'),
  };
  const prober = new ContainerProber({ container, podIp: IP, exec }, r.hooks);
  await r.next(/ready true/);
  prober.stop();
  assert.deepEqual(seen.slice(0, 2), ['startup', 'startup'], 'nothing else before startup passed');
  assert.ok(r.log.indexOf('started') < r.log.indexOf('ready true'));

  const failing = recorder();
  const never = async () => ({ exitCode: 1, output: 'not yet' });
  const stuck = {
    name: 'main',
    startupProbe: { exec: { command: ['s'] }, periodSeconds: 1, failureThreshold: 2 },
    livenessProbe: probe('l'),
  };
  const second = new ContainerProber({ container: stuck, podIp: IP, exec: never }, failing.hooks);
  await failing.next(/failed startup/);
  second.stop();
  assert.deepEqual(failing.log, ['Warning Unhealthy Startup probe failed: not yet', 'failed startup']);
});

test('a stopped prober probes no more', async () => {
  let probes = 0;
  const exec = async () => {
    probes++;
    return { exitCode: 1, output: 'x' };
  };
  const container = {
    name: 'main',
    readinessProbe: { exec: { command: ['c'] }, initialDelaySeconds: 1, periodSeconds: 1 },
  };
  const prober = new ContainerProber({ container, podIp: IP, exec }, recorder().hooks);
  prober.stop();
  await new Promise((r) => setTimeout(r, 1500));
  assert.equal(probes, 0);
});

test('pod IPs are distinct loopback addresses', () => {
  const a = allocatePodIp();
  const b = allocatePodIp();
  assert.notEqual(a, b);
  for (const ip of [a, b]) assert.match(ip, /^127\.(\d+)\.(\d+)\.(\d+)$/);
});
