// `throttle: false` requests (argosy logs' pod log reads, bounded by their own reads in flight) do not
// take a token from the client's QPS/Burst bucket; every other request still does.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createKubeClient, type HttpKubeClient } from '../../../../src/adapters/kube/http-client.ts';

let server: Server;
let kube: HttpKubeClient;
let served = 0;

before(async () => {
  server = createServer((_req, res) => {
    served++;
    res.writeHead(200, { 'content-type': 'text/plain' }).end('line\n');
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  // One token, refilled every ~17 minutes: a second throttled request would wait that long.
  kube = createKubeClient({ cluster: 'c', server: `http://127.0.0.1:${port}`, qps: 0.001, burst: 1 });
});
after(() => {
  kube.close();
  server.close();
});

test('unthrottled reads pass while the bucket is empty; a throttled one waits for a token', async () => {
  const path = '/api/v1/namespaces/argo/pods/p/log';
  assert.equal(await kube.request({ method: 'GET', path }), 'line\n', 'the one token');
  const reads = await Promise.all(
    Array.from({ length: 20 }, () => kube.request({ method: 'GET', path, throttle: false })),
  );
  assert.equal(reads.length, 20);
  assert.equal(served, 21);
  const ac = new AbortController();
  const waiting = kube.stream({ method: 'GET', path }, () => {}, ac.signal);
  await new Promise((r) => setTimeout(r, 50));
  assert.equal(served, 21, 'the throttled stream is still waiting for its token');
  ac.abort();
  await assert.rejects(waiting);
});
