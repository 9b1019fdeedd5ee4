/**
 * The local kubelet's readiness probes (readiness.ts): httpGet succeeds on 200–399 and fails otherwise or
 * when nothing listens, tcpSocket succeeds once a port accepts, named ports resolve through the
 * container's ports, exec probes are reported as not run; and pod IPs are distinct loopback addresses.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { probeOnce, unsupportedProbe, waitUntilReady } from '../../../src/local/kubelet/readiness.ts';
import { allocatePodIp } from '../../../src/local/kubelet/pod-ip.ts';

async function listen(status: number): Promise<{ server: Server; port: number }> {
  const server = createServer((_req, res) => {
    res.statusCode = status;
    res.end('x');
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { server, port: (server.address() as AddressInfo).port };
}

test('httpGet: 2xx/3xx ready, 5xx or nothing listening not ready; named ports', async () => {
  const ok = await listen(204);
  const bad = await listen(503);
  try {
    const c = { name: 'main', ports: [{ name: 'web', containerPort: ok.port }] };
    assert.equal(await probeOnce({ httpGet: { path: '/ping', port: 'web' } }, c, '127.0.0.1'), true);
    assert.equal(await probeOnce({ httpGet: { port: bad.port } }, c, '127.0.0.1'), false);
    assert.equal(await probeOnce({ tcpSocket: { port: ok.port } }, c, '127.0.0.1'), true);
  } finally {
    ok.server.close();
    bad.server.close();
  }
  assert.equal(await probeOnce({ tcpSocket: { port: 1 } }, { name: 'main' }, '127.0.0.1'), false);
});

test('waitUntilReady keeps probing until the port opens, and gives up when stopped', async () => {
  const s = await listen(200);
  const port = (s.server.address() as AddressInfo).port;
  s.server.close();
  await new Promise((r) => setTimeout(r, 50));
  let stopped = false;
  const pending = waitUntilReady(
    { tcpSocket: { port }, periodSeconds: 1 },
    { name: 'main' },
    '127.0.0.1',
    () => stopped,
  );
  const again = createServer((_q, res) => res.end());
  await new Promise<void>((r) => again.listen(port, '127.0.0.1', r));
  assert.equal(await pending, true);
  again.close();
  stopped = true;
  assert.equal(await waitUntilReady({ tcpSocket: { port: 1 } }, { name: 'main' }, '127.0.0.1', () => stopped), false);
});

test('exec probes are named as not run; httpGet/tcpSocket are run', () => {
  assert.match(unsupportedProbe({ exec: { command: ['true'] } } as never) ?? '', /only httpGet and tcpSocket/);
  assert.equal(unsupportedProbe({ tcpSocket: { port: 80 } }), undefined);
});

test('pod IPs are distinct 127/8 addresses other than 127.0.0.1', () => {
  const ips = Array.from({ length: 600 }, () => allocatePodIp());
  assert.equal(new Set(ips).size, ips.length);
  for (const ip of ips) {
    assert.match(ip, /^127\.(\d+)\.(\d+)\.(\d+)$/);
    const [, a, , c] = ip.split('.').map(Number);
    assert.ok((a as number) >= 1 && (c as number) >= 1 && (c as number) <= 254, ip);
  }
});
