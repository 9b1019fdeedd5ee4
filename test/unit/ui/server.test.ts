/** The UI server's guards, over real HTTP: Host check, session cookie, token header on mutations. */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { request } from 'node:http';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { Target } from '../../../src/cli/lib/kube-target.ts';
import { silentLogger } from '../../../src/logger.ts';
import { compileRoutes, matchRoute } from '../../../ui/server/http.ts';
import { startUiServer, UiNotBuiltError, type UiServer } from '../../../ui/server/server.ts';

describe('ui server guards', () => {
  const dir = mkdtempSync(join(tmpdir(), 'argosy-ui-assets-'));
  let ui: UiServer;
  // Only /api/info reads the target; every other request here is refused before a route runs.
  const target = { mainCluster: 'main', namespace: 'argo', context: 'main' } as unknown as Target;

  before(async () => {
    writeFileSync(join(dir, 'index.html'), '<html><head></head><body>app</body></html>');
    ui = await startUiServer({ backend: { target, logger: silentLogger }, port: 0, assetsDir: dir });
  });
  after(async () => {
    await ui.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const get = (path: string, headers: Record<string, string> = {}) =>
    fetch(new URL(path, ui.url), { headers, redirect: 'manual' });
  const cookie = () => ({ cookie: `argosy_ui=${ui.token}` });

  test('binds 127.0.0.1 and refuses other Host names (DNS rebinding)', async () => {
    assert.match(ui.url, /^http:\/\/127\.0\.0\.1:\d+\/$/);
    const port = new URL(ui.url).port;
    const status = await new Promise<number>((resolve, reject) => {
      const req = request(
        { host: '127.0.0.1', port, path: '/api/info', headers: { ...cookie(), host: `evil.example:${port}` } },
        (res) => {
          res.resume();
          resolve(res.statusCode ?? 0);
        },
      );
      req.on('error', reject);
      req.end();
    });
    assert.equal(status, 403);
  });

  test('the page and the API need the session; the printed URL sets it', async () => {
    assert.equal((await get('/')).status, 401);
    assert.equal((await get('/api/info')).status, 401);
    assert.equal((await get('/?token=wrong')).status, 401);
    const login = await get(`/?token=${ui.token}`);
    assert.equal(login.status, 303);
    assert.match(login.headers.get('set-cookie') ?? '', /argosy_ui=[0-9a-f]{64}; HttpOnly; SameSite=Strict/);
    const page = await get('/', cookie());
    assert.equal(page.status, 200);
    assert.match(await page.text(), new RegExp(`<meta name="argosy-token" content="${ui.token}">`));
    assert.match(page.headers.get('content-security-policy') ?? '', /default-src 'self'/);
    assert.deepEqual(await (await get('/api/info', cookie())).json(), {
      mainCluster: 'main',
      namespace: 'argo',
      context: 'main',
    });
  });

  test('mutating requests need the token header as well as the cookie', async () => {
    const res = await fetch(new URL('/api/workflows/argo/x/stop', ui.url), { method: 'POST', headers: cookie() });
    assert.equal(res.status, 403);
    const del = await fetch(new URL('/api/workflows/argo/x', ui.url), {
      method: 'DELETE',
      headers: { ...cookie(), 'x-argosy-token': 'nope' },
    });
    assert.equal(del.status, 403);
  });

  test('no path escapes the assets folder', async () => {
    const res = await get('/..%2f..%2fetc/passwd', cookie());
    assert.notEqual(await res.text(), '');
    assert.equal(res.headers.get('content-type')?.startsWith('text/html'), true, 'falls back to the app page');
  });

  test('an unbuilt UI is reported by name', async () => {
    await assert.rejects(
      startUiServer({ backend: { target, logger: silentLogger }, port: 0, assetsDir: join(dir, 'nope') }),
      UiNotBuiltError,
    );
  });

  test('routes match with decoded named segments', () => {
    const routes = compileRoutes([
      { method: 'GET', pattern: '/api/workflows/:namespace/:name', handler: async () => 1 },
    ]);
    assert.deepEqual(matchRoute(routes, 'GET', '/api/workflows/argo/a%20b')?.params, {
      namespace: 'argo',
      name: 'a b',
    });
    assert.equal(matchRoute(routes, 'POST', '/api/workflows/argo/a'), undefined);
  });
});
