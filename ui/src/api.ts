/**
 * The browser's side of the API: JSON calls (mutating ones carry the per-process token the server
 * put in the page) and server-sent-event subscriptions. The page never talks to a cluster itself.
 */

const token = document.querySelector<HTMLMetaElement>('meta[name="argosy-token"]')?.content ?? '';

export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly hint?: string,
  ) {
    super(message);
  }
}

async function call<T>(method: string, path: string, body?: unknown): Promise<T> {
  const headers: Record<string, string> = {};
  if (method !== 'GET') headers['x-argosy-token'] = token;
  if (body !== undefined) headers['content-type'] = 'application/json';
  const res = await fetch(path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  const type = res.headers.get('content-type') ?? '';
  const data = type.includes('json') ? ((await res.json()) as unknown) : await res.text();
  if (!res.ok) {
    const e = data as { error?: string; hint?: string };
    throw new ApiError(res.status, e?.error ?? String(data), e?.hint);
  }
  return data as T;
}

export const api = {
  get: <T>(path: string) => call<T>('GET', path),
  post: <T>(path: string, body?: unknown) => call<T>('POST', path, body ?? {}),
  del: <T>(path: string) => call<T>('DELETE', path),
};

/** Subscribes to server-sent events; returns the unsubscribe function. */
export function subscribe(path: string, handlers: Record<string, (data: unknown) => void>): () => void {
  const source = new EventSource(path);
  for (const [event, fn] of Object.entries(handlers)) {
    source.addEventListener(event, (e) => fn(JSON.parse((e as MessageEvent<string>).data) as unknown));
  }
  return () => source.close();
}

export const wfPath = (ns: string, name: string) =>
  `/api/workflows/${encodeURIComponent(ns)}/${encodeURIComponent(name)}`;
