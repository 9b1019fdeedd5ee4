/**
 * A thin {@link KubeClient} over node's `http`/`https` with one keep-alive Agent per client. It is
 * what the Lambda bundle carries instead of a generated SDK: JSON requests, text streams (logs) and
 * newline-delimited watches, a client-side token bucket (QPS/Burst), and typed errors.
 */
import http from 'node:http';
import https from 'node:https';
import zlib from 'node:zlib';
import type { IncomingMessage } from 'node:http';
import type { KubeClient, KubeRequest, WatchEventType } from '../../ports/kube.ts';
import type { Logger } from '../../logger.ts';
import { KubeApiError, KubeUnreachableError } from './errors.ts';
import { createTokenBucket, type TokenBucket } from './rate-limit.ts';

/** How the client authenticates. A token function is called per request (it caches, e.g. EKS tokens). */
export type KubeAuth =
  | { kind: 'none' }
  | { kind: 'bearer'; token: string | (() => Promise<string>) }
  | { kind: 'basic'; username: string; password: string };

export interface KubeTlsOptions {
  /** PEM of the CA(s) that signed the server certificate; absent = the system roots. */
  caPem?: string;
  /** Client certificate and key (PEM) for certificate authentication. */
  certPem?: string;
  keyPem?: string;
  /** Skip server certificate verification (logged as a warning). */
  insecure?: boolean;
  /** Name checked against the server certificate (and sent as SNI) instead of the URL's host. */
  serverName?: string;
}

export interface KubeClientOptions {
  /** Cluster name, for errors and logs. */
  cluster: string;
  /** `https://host:port`, optionally with a path prefix (rest.Config Host + APIPath proxies). */
  server: string;
  tls?: KubeTlsOptions;
  auth?: KubeAuth;
  /** Per request; for watches and streams only until the response headers arrive. Default 30 s. */
  timeoutMs?: number;
  userAgent?: string;
  /** Token bucket; 0 = defaults (see rate-limit.ts). */
  qps?: number;
  burst?: number;
  disableCompression?: boolean;
  logger?: Logger;
}

/** The concrete client: the port plus what owners of a client need (server URL, closing sockets). */
export interface HttpKubeClient extends KubeClient {
  readonly server: string;
  /** Destroys the keep-alive sockets. */
  close(): void;
}

export const DEFAULT_TIMEOUT_MS = 30_000;
export const DEFAULT_USER_AGENT = 'argosy/0.1 (node)';

type Query = KubeRequest['query'];

/**
 * Builds a client for one cluster entry.
 *
 * @example
 * const kube = createKubeClient({ cluster: 'other', server: 'https://10.0.0.1:6443',
 *   tls: { caPem }, auth: { kind: 'bearer', token } });
 * const pods = await kube.request({ method: 'GET', path: '/api/v1/namespaces/argo/pods' });
 */
export function createKubeClient(options: KubeClientOptions): HttpKubeClient {
  const base = new URL(options.server);
  if (base.protocol !== 'https:' && base.protocol !== 'http:') {
    throw new TypeError(`cluster "${options.cluster}": server must be an http(s) URL`);
  }
  const isHttps = base.protocol === 'https:';
  const prefix = base.pathname.replace(/\/+$/, '');
  const tls = options.tls ?? {};
  if (isHttps && tls.insecure) {
    options.logger?.warn('TLS verification disabled for cluster (Insecure: true)', { cluster: options.cluster });
  }
  const agent = isHttps
    ? new https.Agent({
        keepAlive: true,
        maxSockets: 64,
        ca: tls.caPem || undefined,
        cert: tls.certPem || undefined,
        key: tls.keyPem || undefined,
        rejectUnauthorized: !tls.insecure,
        servername: tls.serverName || undefined,
      })
    : new http.Agent({ keepAlive: true, maxSockets: 64 });
  const bucket: TokenBucket = createTokenBucket(options.qps ?? 0, options.burst ?? 0);
  const timeoutMs = options.timeoutMs && options.timeoutMs > 0 ? options.timeoutMs : DEFAULT_TIMEOUT_MS;
  const auth = options.auth ?? { kind: 'none' };
  const ctx: SendContext = { options, base, prefix, isHttps, agent, auth, timeoutMs };

  return {
    cluster: options.cluster,
    server: options.server,
    close: () => agent.destroy(),
    async request<T>(req: KubeRequest): Promise<T> {
      await bucket.take();
      const res = await send(ctx, req, { compress: !options.disableCompression, wholeTimeout: true });
      const text = await readBody(res, ctx, req);
      if (!text) return undefined as T;
      const type = String(res.headers['content-type'] ?? '');
      if (type.includes('json')) return JSON.parse(text) as T;
      return text as T;
    },
    async stream(req, onChunk, signal) {
      await bucket.take(signal);
      const res = await send(ctx, req, { signal });
      await consume(ctx, req, res, (chunk) => onChunk(chunk), signal);
    },
    async watch(path, query, onEvent, signal) {
      await bucket.take(signal);
      const req: KubeRequest = { method: 'GET', path, query: { ...query, watch: true } };
      const res = await send(ctx, req, { signal });
      let pending = '';
      await consume(
        ctx,
        req,
        res,
        (chunk) => {
          pending += chunk;
          let nl: number;
          while ((nl = pending.indexOf('\n')) >= 0) {
            const line = pending.slice(0, nl).trim();
            pending = pending.slice(nl + 1);
            if (line) dispatchWatchLine(ctx, req, line, onEvent);
          }
        },
        signal,
      );
      if (pending.trim()) dispatchWatchLine(ctx, req, pending.trim(), onEvent);
    },
  };
}

interface SendContext {
  options: KubeClientOptions;
  base: URL;
  prefix: string;
  isHttps: boolean;
  agent: http.Agent;
  auth: KubeAuth;
  timeoutMs: number;
}

function buildPath(prefix: string, path: string, query: Query): string {
  const qs = new URLSearchParams();
  for (const [k, v] of Object.entries(query ?? {})) if (v !== undefined) qs.append(k, String(v));
  const q = qs.toString();
  return `${prefix}${path}${q ? `?${q}` : ''}`;
}

async function authHeader(auth: KubeAuth): Promise<string | undefined> {
  if (auth.kind === 'bearer') {
    const token = typeof auth.token === 'function' ? await auth.token() : auth.token;
    return token ? `Bearer ${token}` : undefined;
  }
  if (auth.kind === 'basic') return `Basic ${Buffer.from(`${auth.username}:${auth.password}`).toString('base64')}`;
  return undefined;
}

/** Sends the request and resolves with the response once headers arrive; maps failures to errors. */
async function send(
  ctx: SendContext,
  req: KubeRequest,
  opts: { compress?: boolean; wholeTimeout?: boolean; signal?: AbortSignal },
): Promise<IncomingMessage> {
  const headers: Record<string, string> = {
    Accept: 'application/json, */*',
    'User-Agent': ctx.options.userAgent || DEFAULT_USER_AGENT,
  };
  const authorization = await authHeader(ctx.auth);
  if (authorization) headers.Authorization = authorization;
  if (opts.compress) headers['Accept-Encoding'] = 'gzip';
  let payload: Buffer | undefined;
  if (req.body !== undefined) {
    payload = Buffer.from(typeof req.body === 'string' ? req.body : JSON.stringify(req.body));
    headers['Content-Type'] = req.contentType ?? 'application/json';
    headers['Content-Length'] = String(payload.length);
  }
  const mod = ctx.isHttps ? https : http;
  const fail = (cause: unknown) =>
    new KubeUnreachableError({
      cluster: ctx.options.cluster,
      verb: req.method,
      path: req.path,
      host: ctx.base.host,
      cause,
    });
  return new Promise<IncomingMessage>((resolve, reject) => {
    const r = mod.request({
      protocol: ctx.base.protocol,
      hostname: ctx.base.hostname.replace(/^\[|\]$/g, ''),
      port: ctx.base.port || (ctx.isHttps ? 443 : 80),
      method: req.method,
      path: buildPath(ctx.prefix, req.path, req.query),
      headers,
      agent: ctx.agent,
      signal: opts.signal,
    });
    const timer = setTimeout(() => {
      r.destroy(Object.assign(new Error(`timed out after ${ctx.timeoutMs} ms`), { code: 'ETIMEDOUT' }));
    }, ctx.timeoutMs);
    r.on('response', (res) => {
      if (opts.wholeTimeout) res.once('close', () => clearTimeout(timer));
      else clearTimeout(timer);
      resolve(res);
    });
    r.on('error', (err) => {
      clearTimeout(timer);
      reject(isAbort(err, opts.signal) ? err : fail(err));
    });
    r.end(payload);
  });
}

function isAbort(err: unknown, signal?: AbortSignal): boolean {
  return !!signal?.aborted || (err as { name?: string } | undefined)?.name === 'AbortError';
}

/** Reads the whole body; non-2xx becomes a {@link KubeApiError}. */
async function readBody(res: IncomingMessage, ctx: SendContext, req: KubeRequest): Promise<string> {
  const encoding = String(res.headers['content-encoding'] ?? '');
  const source = encoding === 'gzip' ? res.pipe(zlib.createGunzip()) : res;
  const chunks: Buffer[] = [];
  try {
    for await (const chunk of source) chunks.push(chunk as Buffer);
  } catch (err) {
    throw new KubeUnreachableError({
      cluster: ctx.options.cluster,
      verb: req.method,
      path: req.path,
      host: ctx.base.host,
      cause: err,
    });
  }
  const text = Buffer.concat(chunks).toString('utf8');
  const status = res.statusCode ?? 0;
  if (status < 200 || status > 299) throw apiError(ctx, req, status, text, res.headers['retry-after']);
  return text;
}

function apiError(
  ctx: SendContext,
  req: KubeRequest,
  status: number,
  text: string,
  retryAfter?: string | string[],
): KubeApiError {
  let reason: string | undefined;
  let message: string | undefined;
  try {
    const s = JSON.parse(text) as { kind?: string; reason?: string; message?: string };
    if (s && s.kind === 'Status') ({ reason, message } = s);
  } catch {
    message = text.slice(0, 300).trim() || undefined;
  }
  const ra = Number(Array.isArray(retryAfter) ? retryAfter[0] : retryAfter);
  return new KubeApiError({
    statusCode: status,
    reason,
    message,
    cluster: ctx.options.cluster,
    verb: req.method,
    path: req.path,
    retryAfterSeconds: Number.isFinite(ra) ? ra : undefined,
  });
}

/** Feeds a 2xx body to `onText` as it arrives; resolves at the end or on abort. */
async function consume(
  ctx: SendContext,
  req: KubeRequest,
  res: IncomingMessage,
  onText: (text: string) => void,
  signal?: AbortSignal,
): Promise<void> {
  const status = res.statusCode ?? 0;
  if (status < 200 || status > 299) {
    await readBody(res, ctx, req);
    return;
  }
  res.setEncoding('utf8');
  // Errors thrown by the consumer (a watch ERROR event, the caller's callback) pass through as they are.
  let consumerError: { error: unknown } | undefined;
  try {
    for await (const chunk of res) {
      try {
        onText(chunk as string);
      } catch (error) {
        consumerError = { error };
        break;
      }
    }
  } catch (err) {
    if (isAbort(err, signal)) return;
    if ((err as { code?: string }).code === 'ECONNRESET' && res.complete) return;
    throw new KubeUnreachableError({
      cluster: ctx.options.cluster,
      verb: req.method,
      path: req.path,
      host: ctx.base.host,
      cause: err,
    });
  } finally {
    if (!res.complete) res.destroy();
  }
  if (consumerError) throw consumerError.error;
}

function dispatchWatchLine(
  ctx: SendContext,
  req: KubeRequest,
  line: string,
  onEvent: (type: WatchEventType, object: Record<string, unknown>) => void,
): void {
  let event: { type?: WatchEventType; object?: Record<string, unknown> };
  try {
    event = JSON.parse(line) as typeof event;
  } catch {
    throw new KubeApiError({
      statusCode: 500,
      reason: 'InvalidWatchEvent',
      message: 'the watch stream sent a line that is not JSON',
      cluster: ctx.options.cluster,
      verb: 'WATCH',
      path: req.path,
    });
  }
  const object = event.object ?? {};
  if (event.type === 'ERROR') {
    // A Status in an ERROR event ends the watch: 410 Expired means re-list, the caller decides.
    const s = object as { code?: number; reason?: string; message?: string };
    throw new KubeApiError({
      statusCode: typeof s.code === 'number' ? s.code : 500,
      reason: s.reason,
      message: s.message,
      cluster: ctx.options.cluster,
      verb: 'WATCH',
      path: req.path,
    });
  }
  if (event.type) onEvent(event.type, object);
}
