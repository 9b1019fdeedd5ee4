/**
 * The HTTP mechanics under {@link createKubeClient}: one request with auth headers and a timeout,
 * bodies read whole or streamed, Status answers mapped to {@link KubeApiError}, connection failures
 * to {@link KubeUnreachableError}, and watch lines dispatched (an ERROR event rejects).
 */
import http from 'node:http';
import https from 'node:https';
import zlib from 'node:zlib';
import type { IncomingMessage } from 'node:http';
import type { KubeRequest, WatchEventType } from '../../ports/kube.ts';
import { KubeApiError, KubeUnreachableError } from './errors.ts';
import type { KubeAuth, KubeClientOptions } from './client-options.ts';

export const DEFAULT_USER_AGENT = 'argosy/0.1 (node)';

type Query = KubeRequest['query'];

export interface SendContext {
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
export async function send(
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
export async function readBody(res: IncomingMessage, ctx: SendContext, req: KubeRequest): Promise<string> {
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
export async function consume(
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

export function dispatchWatchLine(
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
