// Network exposure and TLS: every local server binds loopback (API servers, the SQS emulator, the
// watcher's metrics, the dev control endpoint) — checked on the URL each one advertises AND by trying
// the same port on another loopback address and on every non-loopback address of this host (must be
// refused, i.e. not bound to 0.0.0.0); TLS verification is on
// unless an entry says Insecure, which works but logs a warning.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { connect } from 'node:net';
import { networkInterfaces } from 'node:os';
import { startControlServer } from '../../src/cli/commands/dev.ts';
import { clientFromEntry } from '../../src/clusters/client-from-entry.ts';
import { parseEntry } from '../../src/clusters/entry.ts';
import type { LocalStack } from '../../src/local/stack.ts';
import { captureLog, faultStack, type CapturedLog } from '../faults/helpers.ts';

/** Non-loopback IPv4/IPv6 addresses of this host. */
function externalAddresses(): string[] {
  return Object.values(networkInterfaces())
    .flat()
    .filter((a) => a && !a.internal)
    .map((a) => a!.address);
}

/** True when a TCP connection to host:port is accepted (within 1 s). */
function accepts(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = connect({ host, port, timeout: 1000 });
    s.once('connect', () => {
      s.destroy();
      resolve(true);
    });
    s.once('error', () => resolve(false));
    s.once('timeout', () => {
      s.destroy();
      resolve(false);
    });
  });
}

describe('local servers bind loopback only', () => {
  let stack: LocalStack;
  let control: Awaited<ReturnType<typeof startControlServer>> | undefined;
  before(async () => {
    stack = await faultStack(captureLog('WARN'), { watcherHttp: { port: 0 } });
    control = await startControlServer(stack);
  });
  after(async () => {
    control?.server.close();
    await stack?.stop();
  });

  test('API servers, SQS emulator, watcher metrics and dev control endpoint', async () => {
    const urls: Record<string, string> = {
      'API server main': stack.clusters.get('main').url,
      'API server other': stack.clusters.get('other').url,
      'SQS emulator': stack.sqsEndpoint,
      'watcher metrics': stack.watcher!.url!,
      'dev control endpoint': control!.url,
    };
    const external = externalAddresses();
    for (const [what, url] of Object.entries(urls)) {
      const u = new URL(url);
      assert.match(u.hostname, /^127\.\d+\.\d+\.\d+$/, `${what} advertises loopback (${url})`);
      assert.ok(await accepts(u.hostname, Number(u.port)), `${what} answers on ${url}`);
      // Bound to its own address, not to 0.0.0.0: another loopback address is refused too (this also
      // holds on hosts without any external interface).
      const elsewhere = u.hostname === '127.0.0.250' ? '127.0.0.251' : '127.0.0.250';
      assert.equal(await accepts(elsewhere, Number(u.port)), false, `${what} must not accept on ${elsewhere}`);
      for (const addr of external)
        assert.equal(await accepts(addr, Number(u.port)), false, `${what} must not accept on ${addr}:${u.port}`);
    }
  });
});

describe('TLS verification', () => {
  let stack: LocalStack;
  let log: CapturedLog;
  before(async () => {
    log = captureLog();
    stack = await faultStack(log, { watcher: false });
  });
  after(async () => {
    await stack?.stop();
  });

  const get = (entry: Record<string, unknown>) => {
    const client = clientFromEntry('other', parseEntry('other.', entry), { logger: log.logger });
    return client.request<{ gitVersion?: string }>({ method: 'GET', path: '/version' }).finally(() => client.close());
  };

  test('an entry without CAData does not trust the self-signed server', async () => {
    const other = stack.clusters.get('other');
    await assert.rejects(get({ Host: other.url, BearerToken: other.adminToken }), /certificate|verify|self.signed/i);
  });

  test('an entry with the wrong CA is rejected', async () => {
    const other = stack.clusters.get('other');
    const wrong = Buffer.from(stack.clusters.get('main').caPem).toString('base64');
    await assert.rejects(
      get({ Host: other.url, BearerToken: other.adminToken, TLSClientConfig: { CAData: wrong } }),
      /certificate|verify/i,
    );
  });

  test('Insecure: true connects, and says so in the log', async () => {
    const other = stack.clusters.get('other');
    const v = await get({ Host: other.url, BearerToken: other.adminToken, TLSClientConfig: { Insecure: true } });
    assert.ok(v.gitVersion);
    assert.ok(log.find(/TLS verification disabled/).length > 0, 'a warning names the insecure entry');
  });
});
