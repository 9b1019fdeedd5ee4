// The thin Kubernetes client against a real TLS server on 127.0.0.1: auth headers, CA checks,
// errors mapped from Status objects, watch events (410 as ERROR), log streams, timeouts.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { gzipSync } from 'node:zlib';
import { createKubeClient } from '../../../src/adapters/kube/http-client.ts';
import {
  isAlreadyExists,
  isConflict,
  isGone,
  isKubeApiError,
  isKubeUnreachableError,
  isNotFound,
  isTransient,
} from '../../../src/adapters/kube/errors.ts';
import { createPod, getServerVersion, podsPath } from '../../../src/adapters/kube/resources.ts';
import { json, startTlsServer, type TlsServer } from './tls-server.ts';

const TOKEN = 'sekret-token-abcdefghijk';

describe('http kube client', () => {
  let srv: TlsServer;
  before(async () => {
    srv = await startTlsServer();
  });
  after(async () => {
    await srv.stop();
  });
  const client = (extra: Partial<Parameters<typeof createKubeClient>[0]> = {}) =>
    createKubeClient({
      cluster: 'other',
      server: srv.url,
      tls: { caPem: srv.caPem },
      auth: { kind: 'bearer', token: TOKEN },
      ...extra,
    });

  test('sends bearer token, user agent and JSON; parses JSON (gzip too)', async () => {
    srv.handler = (req, res) => {
      res.writeHead(200, { 'content-type': 'application/json', 'content-encoding': 'gzip' });
      res.end(gzipSync(JSON.stringify({ gitVersion: 'v1.32.0', ua: req.headers['user-agent'] })));
    };
    const kube = client({ userAgent: 'argosy-test' });
    const v = (await getServerVersion(kube)) as { gitVersion: string; ua: string };
    assert.equal(v.gitVersion, 'v1.32.0');
    assert.equal(v.ua, 'argosy-test');
    const last = srv.requests.at(-1)!;
    assert.equal(last.headers.authorization, `Bearer ${TOKEN}`);
    assert.equal(last.url, '/version');
    kube.close();
  });

  test('basic auth, path prefix and query', async () => {
    srv.handler = (_req, res) => json(res, 200, { items: [] });
    const kube = client({ server: `${srv.url}/k8s/c1/`, auth: { kind: 'basic', username: 'u', password: 'p' } });
    await kube.request({ method: 'GET', path: podsPath('argo'), query: { labelSelector: 'a=b', limit: undefined } });
    const last = srv.requests.at(-1)!;
    assert.equal(last.url, '/k8s/c1/api/v1/namespaces/argo/pods?labelSelector=a%3Db');
    assert.equal(last.headers.authorization, `Basic ${Buffer.from('u:p').toString('base64')}`);
    kube.close();
  });

  test('maps Status answers to KubeApiError with guards; message has no token', async () => {
    const cases: [number, string, (e: unknown) => boolean, boolean][] = [
      [404, 'NotFound', isNotFound, false],
      [409, 'AlreadyExists', isAlreadyExists, false],
      [409, 'Conflict', isConflict, true],
      [410, 'Expired', isGone, true],
      [429, 'TooManyRequests', (e) => isKubeApiError(e) && e.retryAfterSeconds === 2, true],
      [503, 'ServiceUnavailable', isKubeApiError, true],
      [403, 'Forbidden', (e) => isKubeApiError(e) && e.statusMessage.includes('cannot'), false],
    ];
    for (const [code, reason, guard, transient] of cases) {
      srv.handler = (_req, res) => {
        res.setHeader('retry-after', '2');
        json(res, code, { kind: 'Status', status: 'Failure', code, reason, message: `pods "x" cannot ${reason}` });
      };
      const kube = client();
      const err = await createPod(kube, 'argo', { metadata: { name: 'x' } }).then(
        () => assert.fail('expected an error'),
        (e: unknown) => e,
      );
      assert.ok(guard(err), `${code} ${reason}`);
      assert.equal(isTransient(err), transient, `transient ${code} ${reason}`);
      assert.ok(isKubeApiError(err));
      assert.equal(err.cluster, 'other');
      assert.equal(err.verb, 'POST');
      assert.ok(!String(err.message).includes(TOKEN));
      kube.close();
    }
  });

  test('wrong CA gives an x509 diagnosis; Insecure skips verification', async () => {
    srv.handler = (_req, res) => json(res, 200, {});
    const bad = client({ tls: { caPem: srv.otherCaPem } });
    const err = await bad.request({ method: 'GET', path: '/version' }).catch((e: unknown) => e);
    assert.ok(isKubeUnreachableError(err));
    assert.equal(err.kind, 'x509');
    assert.match(err.diagnosis, /x509/);
    assert.ok(isTransient(err));
    bad.close();
    const lines: string[] = [];
    const { createLogger } = await import('../../../src/logger.ts');
    const insecure = client({ tls: { insecure: true }, logger: createLogger({ sink: (l) => lines.push(l) }) });
    assert.deepEqual(await insecure.request({ method: 'GET', path: '/version' }), {});
    assert.ok(lines.some((l) => l.includes('TLS verification disabled')));
    insecure.close();
  });

  test('ServerName is checked against the certificate', async () => {
    srv.handler = (_req, res) => json(res, 200, {});
    const good = client({ tls: { caPem: srv.caPem, serverName: 'kube.test' } });
    assert.deepEqual(await good.request({ method: 'GET', path: '/version' }), {});
    good.close();
    const bad = client({ tls: { caPem: srv.caPem, serverName: 'wrong.test' } });
    const err = await bad.request({ method: 'GET', path: '/version' }).catch((e: unknown) => e);
    assert.ok(isKubeUnreachableError(err) && err.kind === 'x509');
    bad.close();
  });

  test('refused connection and timeout are diagnosed', async () => {
    const refused = createKubeClient({ cluster: 'gone', server: 'https://127.0.0.1:1', tls: { caPem: srv.caPem } });
    const e1 = await refused.request({ method: 'GET', path: '/version' }).catch((e: unknown) => e);
    assert.ok(isKubeUnreachableError(e1) && e1.kind === 'refused');
    srv.handler = () => undefined; // never answers
    const slow = client({ timeoutMs: 200 });
    const e2 = await slow.request({ method: 'GET', path: '/version' }).catch((e: unknown) => e);
    assert.ok(isKubeUnreachableError(e2) && e2.kind === 'timeout', String(e2));
    slow.close();
  });

  test('watch delivers events and rejects 410 ERROR events with KubeApiError', async () => {
    srv.handler = (req, res) => {
      assert.match(req.url ?? '', /watch=true/);
      res.writeHead(200, { 'content-type': 'application/json' });
      res.write(JSON.stringify({ type: 'ADDED', object: { metadata: { name: 'a' } } }) + '\n');
      res.write(JSON.stringify({ type: 'MODIFIED', object: { metadata: { name: 'a' } } }).slice(0, 10));
      setTimeout(() => {
        res.write(JSON.stringify({ type: 'MODIFIED', object: { metadata: { name: 'a' } } }).slice(10) + '\n');
        res.end(
          JSON.stringify({
            type: 'ERROR',
            object: { kind: 'Status', code: 410, reason: 'Expired', message: 'too old' },
          }) + '\n',
        );
      }, 20);
    };
    const kube = client();
    const seen: string[] = [];
    const err = await kube
      .watch(podsPath('argo'), { resourceVersion: '5' }, (type) => seen.push(type))
      .catch((e: unknown) => e);
    assert.deepEqual(seen, ['ADDED', 'MODIFIED']);
    assert.ok(isGone(err));
    kube.close();
  });

  test('watch resolves when the server ends it, and on abort', async () => {
    srv.handler = (_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ type: 'DELETED', object: {} }) + '\n');
    };
    const kube = client();
    const seen: string[] = [];
    await kube.watch(podsPath(''), {}, (t) => seen.push(t));
    assert.deepEqual(seen, ['DELETED']);
    srv.handler = (_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.write(JSON.stringify({ type: 'ADDED', object: {} }) + '\n');
    };
    const ac = new AbortController();
    await kube.watch(podsPath(''), {}, () => ac.abort(), ac.signal);
    kube.close();
  });

  test('stream delivers text chunks; errors map like requests', async () => {
    srv.handler = (_req, res) => {
      res.writeHead(200, { 'content-type': 'text/plain' });
      res.write('line 1\n');
      res.end('line 2\n');
    };
    const kube = client();
    let text = '';
    await kube.stream({ method: 'GET', path: '/api/v1/namespaces/a/pods/p/log' }, (t) => (text += t));
    assert.equal(text, 'line 1\nline 2\n');
    srv.handler = (_req, res) => json(res, 404, { kind: 'Status', code: 404, reason: 'NotFound', message: 'no pod' });
    const err = await kube.stream({ method: 'GET', path: '/x' }, () => undefined).catch((e: unknown) => e);
    assert.ok(isNotFound(err));
    kube.close();
  });

  test('token function is called per request (refreshing tokens)', async () => {
    srv.handler = (_req, res) => json(res, 200, {});
    let n = 0;
    const kube = client({ auth: { kind: 'bearer', token: async () => `tok-${++n}` } });
    await kube.request({ method: 'GET', path: '/version' });
    await kube.request({ method: 'GET', path: '/version' });
    assert.equal(srv.requests.at(-1)!.headers.authorization, 'Bearer tok-2');
    kube.close();
  });
});
