/**
 * The UI server's HTTP plumbing: a route table, JSON and server-sent-event replies, static assets,
 * and the guards that keep it a local tool only its user can drive:
 * - it binds 127.0.0.1 and answers only requests whose Host is that address (or localhost) on its
 *   port, so a DNS-rebinding page cannot reach it under another name;
 * - the page and the API need the per-process session cookie, set when the user opens the URL with
 *   `?token=…` that `argosy ui` prints (and opens); other local users and pages lack it;
 * - mutating requests also need the token in the `x-argosy-token` header, which only a page served
 *   by us can read, so a cross-site form post carrying the cookie is refused;
 * - a Content-Security-Policy limits the page to this origin (no CDN, no network).
 * Cluster credentials stay in this process: replies carry Kubernetes objects and logs, never them.
 */
import { timingSafeEqual } from 'node:crypto';
import { readFileSync, statSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { extname, join, normalize, sep } from 'node:path';

/** A failure with an HTTP status, shown to the user as `message`. */
export class UiHttpError extends Error {
  override name = 'UiHttpError';
  constructor(
    readonly status: number,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

export interface RequestContext {
  req: IncomingMessage;
  res: ServerResponse;
  url: URL;
  params: Record<string, string>;
  /** Reads the JSON body (mutating routes). */
  body(): Promise<Record<string, unknown>>;
  /** Aborted when the client goes away (streams stop their watches). */
  signal: AbortSignal;
}

export type Handler = (c: RequestContext) => Promise<unknown>;

export interface Route {
  method: 'GET' | 'POST' | 'DELETE';
  pattern: string;
  handler: Handler;
}

interface CompiledRoute extends Route {
  regex: RegExp;
  names: string[];
}

/** `/api/workflows/:namespace/:name` → a regex with named segments. */
export function compileRoutes(routes: Route[]): CompiledRoute[] {
  return routes.map((r) => {
    const names: string[] = [];
    const source = r.pattern.replace(/:([a-z]+)/gi, (_, n: string) => {
      names.push(n);
      return '([^/]+)';
    });
    return { ...r, regex: new RegExp(`^${source}$`), names };
  });
}

export function matchRoute(
  routes: CompiledRoute[],
  method: string,
  path: string,
): { route: CompiledRoute; params: Record<string, string> } | undefined {
  for (const route of routes) {
    if (route.method !== method) continue;
    const m = route.regex.exec(path);
    if (!m) continue;
    const params: Record<string, string> = {};
    route.names.forEach((n, i) => (params[n] = decodeURIComponent(m[i + 1]!)));
    return { route, params };
  }
  return undefined;
}

export const COOKIE = 'argosy_ui';
export const TOKEN_HEADER = 'x-argosy-token';

export const SECURITY_HEADERS: Record<string, string> = {
  'content-security-policy':
    "default-src 'self'; connect-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'",
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'cache-control': 'no-store',
};

/** Constant-time string comparison. */
export function sameSecret(a: string | undefined, b: string): boolean {
  if (typeof a !== 'string') return false;
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

export function cookieOf(req: IncomingMessage, name: string): string | undefined {
  for (const part of (req.headers.cookie ?? '').split(';')) {
    const [k, ...v] = part.trim().split('=');
    if (k === name) return v.join('=');
  }
  return undefined;
}

/** Host header check against DNS rebinding: only our loopback address or localhost on our port. */
export function isAllowedHost(host: string | undefined, port: number): boolean {
  return host === `127.0.0.1:${port}` || host === `localhost:${port}`;
}

export function sendJson(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { ...SECURITY_HEADERS, 'content-type': 'application/json; charset=utf-8' });
  res.end(JSON.stringify(body));
}

export function sendText(res: ServerResponse, status: number, text: string, type = 'text/plain'): void {
  res.writeHead(status, { ...SECURITY_HEADERS, 'content-type': `${type}; charset=utf-8` });
  res.end(text);
}

/** Starts a server-sent-event stream; `send` writes one event (JSON data). */
export function startEvents(res: ServerResponse): (event: string, data: unknown) => void {
  res.writeHead(200, { ...SECURITY_HEADERS, 'content-type': 'text/event-stream', connection: 'keep-alive' });
  res.write(': argosy\n\n');
  return (event, data) => {
    if (!res.writableEnded) res.write(`event: ${event}\ndata: ${JSON.stringify(data)}\n\n`);
  };
}

export async function readJsonBody(req: IncomingMessage, limit = 4 * 1024 * 1024): Promise<Record<string, unknown>> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > limit) throw new UiHttpError(413, `request body over ${limit} bytes`);
    chunks.push(chunk as Buffer);
  }
  const text = Buffer.concat(chunks).toString('utf8');
  if (!text) return {};
  try {
    const v = JSON.parse(text) as unknown;
    if (typeof v !== 'object' || v === null || Array.isArray(v)) throw new Error('not an object');
    return v as Record<string, unknown>;
  } catch (e) {
    throw new UiHttpError(400, `request body is not a JSON object: ${(e as Error).message}`);
  }
}

const TYPES: Record<string, string> = {
  '.html': 'text/html',
  '.js': 'text/javascript',
  '.css': 'text/css',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.json': 'application/json',
};

/** A built asset under `dir` (no path escapes), or undefined. */
export function readAsset(dir: string, path: string): { body: Buffer; type: string } | undefined {
  const file = normalize(join(dir, path));
  if (!file.startsWith(dir + sep)) return undefined;
  try {
    if (!statSync(file).isFile()) return undefined;
    return { body: readFileSync(file), type: TYPES[extname(file)] ?? 'application/octet-stream' };
  } catch {
    return undefined;
  }
}
