/**
 * A thin {@link KubeClient} over node's `http`/`https` with one keep-alive Agent per client. It is
 * what the Lambda bundle carries instead of a generated SDK: JSON requests, text streams (logs) and
 * newline-delimited watches, a client-side token bucket (QPS/Burst), and typed errors.
 */
import http from 'node:http';
import https from 'node:https';
import type { KubeClient, KubeRequest } from '../../ports/kube.ts';
import { createTokenBucket, type TokenBucket } from './rate-limit.ts';
import type { KubeClientOptions } from './client-options.ts';
import { consume, dispatchWatchLine, readBody, send, type SendContext } from './http-transport.ts';

export type { KubeAuth, KubeClientOptions, KubeTlsOptions } from './client-options.ts';

export { DEFAULT_USER_AGENT } from './http-transport.ts';

/** The concrete client: the port plus what owners of a client need (server URL, closing sockets). */
export interface HttpKubeClient extends KubeClient {
  readonly server: string;
  /** Destroys the keep-alive sockets. */
  close(): void;
}

export const DEFAULT_TIMEOUT_MS = 30_000;

/**
 * Builds a client for one cluster entry.
 *
 * @example
 * const kube = createKubeClient({ cluster: 'other', server: 'https://10.0.0.1:6443',
 *   tls: { caPem }, auth: { kind: 'bearer', token } });
 * const pods = await kube.request({ method: 'GET', path: '/api/v1/namespaces/argo/pods' });
 */
export function createKubeClient(options: KubeClientOptions): HttpKubeClient {
  const ctx = sendContext(options);
  const bucket: TokenBucket = createTokenBucket(options.qps ?? 0, options.burst ?? 0);
  return {
    cluster: options.cluster,
    server: options.server,
    close: () => ctx.agent.destroy(),
    async request<T>(req: KubeRequest): Promise<T> {
      if (req.throttle !== false) await bucket.take();
      const res = await send(ctx, req, { compress: !options.disableCompression, wholeTimeout: true });
      const text = await readBody(res, ctx, req);
      if (!text) return undefined as T;
      const type = String(res.headers['content-type'] ?? '');
      if (type.includes('json')) return JSON.parse(text) as T;
      return text as T;
    },
    async stream(req, onChunk, signal) {
      if (req.throttle !== false) await bucket.take(signal);
      const res = await send(ctx, req, { signal });
      await consume(ctx, req, res, (chunk) => onChunk(chunk), signal);
    },
    async watch(path, query, onEvent, signal) {
      await bucket.take(signal);
      await watchLines(ctx, { method: 'GET', path, query: { ...query, watch: true } }, onEvent, signal);
    },
  };
}

/** What every request of this client shares: the URL parts, the keep-alive agent (with its TLS settings), auth, timeout. */
function sendContext(options: KubeClientOptions): SendContext {
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
  const timeoutMs = options.timeoutMs && options.timeoutMs > 0 ? options.timeoutMs : DEFAULT_TIMEOUT_MS;
  const auth = options.auth ?? { kind: 'none' };
  return { options, base, prefix, isHttps, agent, auth, timeoutMs };
}

/** Sends a watch request and hands each newline-delimited event to `onEvent`, across chunk boundaries. */
async function watchLines(
  ctx: SendContext,
  req: KubeRequest,
  onEvent: Parameters<KubeClient['watch']>[2],
  signal: AbortSignal | undefined,
): Promise<void> {
  const res = await send(ctx, req, { signal });
  let pending = '';
  const onChunk = (chunk: string) => {
    pending += chunk;
    let nl: number;
    while ((nl = pending.indexOf('\n')) >= 0) {
      const line = pending.slice(0, nl).trim();
      pending = pending.slice(nl + 1);
      if (line) dispatchWatchLine(ctx, req, line, onEvent);
    }
  };
  await consume(ctx, req, res, onChunk, signal);
  if (pending.trim()) dispatchWatchLine(ctx, req, pending.trim(), onEvent);
}
