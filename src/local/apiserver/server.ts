/**
 * One embedded API server: HTTPS on a loopback address with its own CA, bearer-token
 * authentication, RBAC-like authorization, discovery, OpenAPI, and the resource handlers. It can
 * be stopped and started again on the same address with the same certificate and state.
 */
import { createServer, type Server } from 'node:https';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import type { Logger } from '../../logger.ts';
import { apiGroup, apiGroupList, apiResourceList, apiVersions, KUBE_VERSION } from './discovery.ts';
import { sendJson } from './body.ts';
import { handleResource, type HandlerContext } from './handlers.ts';
import { LogStore } from './logs.ts';
import { ClusterState, type ClusterStateOptions } from './objects.ts';
import { openApiV2, openApiV2Protobuf, openApiV3Doc, openApiV3Root } from './openapi.ts';
import { Authenticator, type Principal } from './rbac.ts';
import { parsePath, type ResourceRequest } from './router.ts';
import { ApiStatsCounter } from './stats.ts';
import { enforceOwnerReferences } from './owner-refs.ts';
import { ApiError, failure, internal, pathNotFound, tooLarge, unauthorized } from './status.ts';
import type { ServingCert } from './tls.ts';
import { installGarbageCollector } from './deletion.ts';

/** kube-apiserver's request body limit. */
export const MAX_REQUEST_BYTES = 3 * 1024 * 1024;

export interface ApiServerOptions extends ClusterStateOptions {
  host: string;
  /** 0 = ephemeral. */
  port?: number;
  cert: ServingCert;
  logger: Logger;
  adminToken?: string;
  bookmarkIntervalMs?: number;
  maxWatchTimeoutMs?: number;
}

const PUBLIC_PATHS = new Set(['/version', '/healthz', '/livez', '/readyz']);

export class ApiServer {
  readonly state: ClusterState;
  readonly auth: Authenticator;
  readonly logs = new LogStore();
  readonly stats = new ApiStatsCounter();
  private server: Server | undefined;
  private everListened = false;
  private port: number;
  private readonly sockets = new Set<Socket>();
  private readonly closers = new Set<() => void>();
  private readonly ctx: HandlerContext;
  /**
   * A network model (bench/network.ts): each request waits this many ms before it is handled, as
   * if it had crossed a network. Unset = loopback. Watch streams pay it once, when they open.
   */
  latency: (() => number) | undefined;
  /**
   * Fault injection for tests: a request this returns a failure for is answered with it (after
   * authentication, before anything is done), as a real API server in trouble answers (500, 503, 429).
   */
  fault:
    | ((req: { method: string; path: string }) => { code: number; reason: string; message: string } | undefined)
    | undefined;

  constructor(private readonly opts: ApiServerOptions) {
    this.state = new ClusterState(opts);
    installGarbageCollector(this.state);
    this.auth = new Authenticator(opts.adminToken);
    this.port = opts.port ?? 0;
    this.ctx = {
      state: this.state,
      auth: this.auth,
      logs: this.logs,
      watch: {
        bookmarkIntervalMs: opts.bookmarkIntervalMs ?? 60_000,
        maxTimeoutMs: opts.maxWatchTimeoutMs ?? 30 * 60_000,
      },
      registerClose: (close) => {
        this.closers.add(close);
        return () => this.closers.delete(close);
      },
      isStopped: () => !this.server,
    };
  }

  get url(): string {
    return `https://${this.opts.host}:${this.port}`;
  }

  get running(): boolean {
    return !!this.server;
  }

  async start(): Promise<void> {
    if (this.server) return;
    const server = createServer({ key: this.opts.cert.key, cert: this.opts.cert.cert }, (req, res) => {
      void this.handle(req, res);
    });
    server.on('connection', (s: Socket) => {
      this.sockets.add(s);
      s.on('close', () => this.sockets.delete(s));
    });
    server.keepAliveTimeout = 30_000;
    try {
      await listen(server, this.port, this.opts.host);
    } catch (e) {
      // A remembered port (dataDir) may be taken by now: fall back to an ephemeral one.
      if ((e as NodeJS.ErrnoException).code !== 'EADDRINUSE' || this.port === 0 || this.everListened) throw e;
      await listen(server, 0, this.opts.host);
    }
    this.everListened = true;
    const addr = server.address();
    if (addr && typeof addr === 'object') this.port = addr.port;
    this.server = server;
    this.opts.logger.debug('api server listening', { url: this.url });
  }

  async stop(): Promise<void> {
    const server = this.server;
    if (!server) return;
    this.server = undefined;
    for (const c of [...this.closers]) c();
    const closed = new Promise<void>((resolve) => server.close(() => resolve()));
    for (const s of this.sockets) s.destroy();
    await closed;
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'https://localhost');
    if (this.latency) await new Promise((r) => setTimeout(r, this.latency!()));
    try {
      const body = await readBody(req);
      const principal = this.authenticate(req, url.pathname);
      const injected = this.fault?.({ method: req.method ?? 'GET', path: url.pathname });
      if (injected) throw new ApiError(failure(injected.code, injected.reason, injected.message, {}));
      const info = parsePath(url.pathname);
      if (info.kind === 'nonresource') {
        this.stats.count('GET', 'get', url.pathname, '');
        return this.nonResource(url, res, req.headers.accept);
      }
      this.resource(req, res, url, info, principal!, body);
    } catch (e) {
      this.fail(res, e, req);
    }
  }

  private authenticate(req: IncomingMessage, path: string): Principal | undefined {
    const p = this.auth.authenticate(req.headers.authorization);
    if (p === null) throw unauthorized();
    if (p === undefined && !PUBLIC_PATHS.has(path)) {
      const verb = (req.method ?? 'GET').toLowerCase();
      throw new ApiError(
        failure(403, 'Forbidden', `forbidden: User "system:anonymous" cannot ${verb} path "${path}"`, {}),
      );
    }
    return p;
  }

  private resource(
    req: IncomingMessage,
    res: ServerResponse,
    url: URL,
    info: ResourceRequest,
    principal: Principal,
    body: Buffer,
  ): void {
    const def = this.state.registry.lookup(info.group, info.version, info.resource);
    if (!def) throw pathNotFound();
    const verb = verbOf(req.method ?? 'GET', info, url);
    this.auth.authorize(principal, {
      verb,
      group: info.group,
      resource: info.resource,
      ...(info.subresource ? { subresource: info.subresource } : {}),
      ...(info.namespace ? { namespace: info.namespace } : {}),
      ...(info.name ? { name: info.name } : {}),
    });
    if (verb === 'create' || verb === 'update' || verb === 'patch') {
      enforceOwnerReferences(this.auth, this.state.registry, principal, { ...info, name: info.name }, body);
    }
    this.stats.count(
      req.method ?? 'GET',
      verb,
      info.subresource ? `${info.resource}/${info.subresource}` : info.resource,
      info.namespace ?? '',
    );
    handleResource(this.ctx, { req, res, url, info, def, verb, principal, body });
  }

  private nonResource(url: URL, res: ServerResponse, accept: string | undefined): void {
    const p = url.pathname.replace(/\/+$/, '') || '/';
    const reg = this.state.registry;
    if (p === '/version') return sendJson(res, 200, KUBE_VERSION);
    if (PUBLIC_PATHS.has(p)) {
      res.writeHead(200, { 'Content-Type': 'text/plain' });
      return void res.end('ok');
    }
    if (p === '/api') return sendJson(res, 200, apiVersions(`${this.opts.host}:${this.port}`));
    if (p === '/apis') return sendJson(res, 200, apiGroupList(reg));
    if (p === '/openapi/v2') {
      if (!/protobuf/.test(accept ?? '')) return sendJson(res, 200, openApiV2());
      const body = openApiV2Protobuf();
      // kube-openapi answers the protobuf form as octet-stream (the Accept type is no valid Content-Type).
      res.writeHead(200, { 'Content-Type': 'application/octet-stream', 'Content-Length': body.length });
      return void res.end(body);
    }
    if (p === '/openapi/v3') return sendJson(res, 200, openApiV3Root(reg));
    const parts = p.split('/').filter(Boolean);
    let doc: unknown;
    if (parts[0] === 'openapi' && parts[1] === 'v3') {
      const gv = parts.slice(2);
      if (gv[0] === 'api' && gv.length === 2)
        doc = reg.inGroupVersion('', gv[1]!).length ? openApiV3Doc(reg, '', gv[1]!) : undefined;
      if (gv[0] === 'apis' && gv.length === 3)
        doc = reg.inGroupVersion(gv[1]!, gv[2]!).length ? openApiV3Doc(reg, gv[1]!, gv[2]!) : undefined;
    } else if (parts[0] === 'api' && parts.length === 2) doc = apiResourceList(reg, '', parts[1]!);
    else if (parts[0] === 'apis' && parts.length === 2) doc = apiGroup(reg, parts[1]!);
    else if (parts[0] === 'apis' && parts.length === 3) doc = apiResourceList(reg, parts[1]!, parts[2]!);
    if (doc === undefined) throw pathNotFound();
    sendJson(res, 200, doc);
  }

  private fail(res: ServerResponse, e: unknown, req: IncomingMessage): void {
    const err = e instanceof ApiError ? e : internal((e as Error)?.message ?? String(e));
    if (!(e instanceof ApiError)) this.opts.logger.error('api server handler failed', { err: e, url: req.url });
    if (res.headersSent) {
      res.end();
      return;
    }
    sendJson(res, err.code, err.status);
  }
}

function listen(server: Server, port: number, host: string): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
}

function verbOf(method: string, info: ResourceRequest, url: URL): string {
  switch (method) {
    case 'GET':
    case 'HEAD': {
      const watch =
        info.watchPrefix || url.searchParams.get('watch') === 'true' || url.searchParams.get('watch') === '1';
      if (info.name && !info.subresource && watch) return 'watch';
      if (info.name) return 'get';
      return watch ? 'watch' : 'list';
    }
    case 'POST':
      return 'create';
    case 'PUT':
      return 'update';
    case 'PATCH':
      return 'patch';
    case 'DELETE':
      return info.name ? 'delete' : 'deletecollection';
    default:
      return method.toLowerCase();
  }
}

/** Reads a request body, refusing more than {@link MAX_REQUEST_BYTES} with kube-apiserver's 413. */
function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const declared = Number(req.headers['content-length'] ?? 0);
    if (declared > MAX_REQUEST_BYTES) {
      req.resume();
      return reject(tooLarge(`Request entity too large: limit is ${MAX_REQUEST_BYTES}`));
    }
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > MAX_REQUEST_BYTES) {
        req.removeAllListeners('data');
        req.resume();
        reject(tooLarge(`Request entity too large: limit is ${MAX_REQUEST_BYTES}`));
        return;
      }
      chunks.push(c);
    });
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}
