/**
 * The local web server behind `argosy ui`: the built single-page app (ui/dist) and a small JSON/SSE
 * API over the CLI's Kubernetes clients. Loopback only; see http.ts for the guards (Host check,
 * session cookie from the printed URL's token, token header on mutating requests, CSP).
 */
import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { existsSync, readFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { assetDir } from '../../src/local/assets.ts';
import { isKubeApiError, isKubeUnreachableError } from '../../src/adapters/kube/errors.ts';
import { isCliError } from '../../src/cli/lib/errors.ts';
import { redact } from '../../src/logger.ts';
import { clusterRoutes } from './api-clusters.ts';
import { nodeRoutes } from './api-nodes.ts';
import { streamRoutes } from './api-stream.ts';
import { workflowRoutes } from './api-workflows.ts';
import type { UiBackend } from './backend.ts';
import {
  COOKIE,
  SECURITY_HEADERS,
  TOKEN_HEADER,
  UiHttpError,
  compileRoutes,
  cookieOf,
  isAllowedHost,
  matchRoute,
  readAsset,
  readJsonBody,
  sameSecret,
  sendJson,
  sendText,
  type Route,
} from './http.ts';

/** Where the built app is: ui/dist beside this folder, or assets/ui beside a bundled CLI. */
export const DEFAULT_ASSETS_DIR = assetDir(import.meta.url, join('..', 'dist'), 'ui');

export interface UiServerOptions {
  backend: UiBackend;
  /** Default 2746 (Argo's UI port); 0 = any free port. */
  port?: number;
  assetsDir?: string;
  /** The session token (default: 32 random bytes); tests pass none. */
  token?: string;
}

export interface UiServer {
  server: Server;
  /** `http://127.0.0.1:PORT/` */
  url: string;
  /** The URL to open: sets the session cookie, then shows the app. */
  loginUrl: string;
  token: string;
  close(): Promise<void>;
}

/** Thrown when ui/dist has not been built. */
export class UiNotBuiltError extends Error {
  override name = 'UiNotBuiltError';
}

function infoRoute(b: UiBackend): Route {
  return {
    method: 'GET',
    pattern: '/api/info',
    handler: async () => ({
      mainCluster: b.target.mainCluster,
      namespace: b.target.namespace,
      context: b.target.context,
      dev: b.target.dev ? { clusters: b.target.dev.clusters, external: !!b.target.dev.external } : undefined,
    }),
  };
}

function statusOf(e: unknown): number {
  if (e instanceof UiHttpError) return e.status;
  if (isCliError(e)) return e.exitCode === 2 ? 400 : 404;
  if (isKubeApiError(e)) return e.statusCode >= 400 ? e.statusCode : 502;
  if (isKubeUnreachableError(e)) return 502;
  return 500;
}

/** Starts the server on 127.0.0.1. */
export async function startUiServer(opts: UiServerOptions): Promise<UiServer> {
  const assets = opts.assetsDir ?? DEFAULT_ASSETS_DIR;
  if (!existsSync(join(assets, 'index.html'))) {
    throw new UiNotBuiltError(`the UI is not built (no ${join(assets, 'index.html')})`);
  }
  const token = opts.token ?? randomBytes(32).toString('hex');
  const b = opts.backend;
  const routes = compileRoutes([
    infoRoute(b),
    ...workflowRoutes(b),
    ...nodeRoutes(b),
    ...streamRoutes(b),
    ...clusterRoutes(b),
  ]);
  const indexHtml = readFileSync(join(assets, 'index.html'), 'utf8').replace(
    '</head>',
    `<meta name="argosy-token" content="${token}"></head>`,
  );
  let port = 0;
  const handle = (req: IncomingMessage, res: ServerResponse) =>
    serve({ req, res, port, token, routes, assets, indexHtml, logger: b.logger });
  const server = createServer((req, res) => void handle(req, res));
  server.listen(opts.port ?? 2746, '127.0.0.1');
  await Promise.race([once(server, 'listening'), once(server, 'error').then(([e]) => Promise.reject(e as Error))]);
  port = (server.address() as AddressInfo).port;
  const url = `http://127.0.0.1:${port}/`;
  return {
    server,
    url,
    loginUrl: `${url}?token=${token}`,
    token,
    close: async () => {
      server.closeAllConnections();
      server.close();
      await once(server, 'close').catch(() => undefined);
    },
  };
}

interface ServeContext {
  req: IncomingMessage;
  res: ServerResponse;
  port: number;
  token: string;
  routes: ReturnType<typeof compileRoutes>;
  assets: string;
  indexHtml: string;
  logger: UiBackend['logger'];
}

async function serve(s: ServeContext): Promise<void> {
  const { req, res } = s;
  if (!isAllowedHost(req.headers.host, s.port)) return sendText(res, 403, 'forbidden host');
  const url = new URL(req.url ?? '/', `http://127.0.0.1:${s.port}`);
  const hasSession = sameSecret(cookieOf(req, COOKIE), s.token);
  if (url.pathname.startsWith('/api/')) {
    if (!hasSession) return sendJson(res, 401, { error: 'no session: open the URL `argosy ui` printed' });
    return serveApi(s, url);
  }
  if (url.pathname === '/' && url.searchParams.has('token')) {
    if (!sameSecret(url.searchParams.get('token') ?? '', s.token)) return sendText(res, 401, 'wrong token');
    res.writeHead(303, {
      ...SECURITY_HEADERS,
      location: '/',
      'set-cookie': `${COOKIE}=${s.token}; HttpOnly; SameSite=Strict; Path=/`,
    });
    return void res.end();
  }
  const asset = url.pathname === '/' ? undefined : readAsset(s.assets, url.pathname.slice(1));
  if (asset && !asset.type.startsWith('text/html')) {
    res.writeHead(200, { ...SECURITY_HEADERS, 'content-type': asset.type, 'cache-control': 'no-cache' });
    return void res.end(asset.body);
  }
  if (!hasSession) return sendText(res, 401, 'no session: open the URL `argosy ui` printed (it carries a token)');
  sendText(res, 200, s.indexHtml, 'text/html');
}

async function serveApi(s: ServeContext, url: URL): Promise<void> {
  const { req, res } = s;
  const method = req.method ?? 'GET';
  if (method !== 'GET' && !sameSecret(req.headers[TOKEN_HEADER] as string | undefined, s.token)) {
    return sendJson(res, 403, { error: `mutating requests need the ${TOKEN_HEADER} header` });
  }
  const found = matchRoute(s.routes, method, url.pathname);
  if (!found) return sendJson(res, 404, { error: `no route ${method} ${url.pathname}` });
  const abort = new AbortController();
  res.on('close', () => abort.abort());
  try {
    const result = await found.route.handler({
      req,
      res,
      url,
      params: found.params,
      body: () => readJsonBody(req),
      signal: abort.signal,
    });
    if (!res.headersSent) sendJson(res, 200, result ?? {});
  } catch (e) {
    const message = String(redact((e as Error).message ?? String(e)));
    const hint = isCliError(e) ? e.hint : undefined;
    if (statusOf(e) >= 500) s.logger.warn('ui request failed', { path: url.pathname, error: message });
    if (!res.headersSent) sendJson(res, statusOf(e), { error: message, hint });
    else res.end();
  }
}
