/**
 * One HTTP task as Argo's agent runs it (`executeHTTPTemplate`, `executeHTTPTemplateRequest`): headers
 * with `valueFrom.secretKeyRef` read from the pod's namespace with the pod's token, `timeoutSeconds`
 * over the whole exchange, `insecureSkipVerify`, the body as `outputs.result`, and success by a 2xx
 * status or by `successCondition` (expr over `request` and `response`). Failures read as Go's client
 * reports them (`Get "http://…": dial tcp …: connect: connection refused`).
 */
import { request as httpRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { HttpKubeClient } from '../../../adapters/kube/http-client.ts';
import { KubeApiError } from '../../../adapters/kube/errors.ts';
import { evaluateExpr, type VMap } from '../../../engine/expr/index.ts';

/** Argo's `HTTP` template fields. */
export interface HttpTemplate {
  method?: string;
  url?: string;
  headers?: { name: string; value?: string; valueFrom?: { secretKeyRef?: { name: string; key: string } } }[];
  body?: string;
  bodyFrom?: { bytes?: string };
  timeoutSeconds?: number;
  successCondition?: string;
  insecureSkipVerify?: boolean;
}

/** Argo's `NodeResult`. */
export interface NodeResult {
  phase: 'Succeeded' | 'Failed' | 'Error';
  message?: string;
  outputs?: { result: string };
}

/** Argo's `util.GetSecrets`, with the pod's token. */
async function secretValue(c: HttpKubeClient, ns: string, name: string, key: string): Promise<string> {
  let secret: { data?: Record<string, string> };
  try {
    secret = await c.request({ method: 'GET', path: `/api/v1/namespaces/${ns}/secrets/${encodeURIComponent(name)}` });
  } catch (e) {
    throw e instanceof KubeApiError ? new Error(e.statusMessage) : e;
  }
  const v = secret.data?.[key];
  if (v === undefined) throw new Error(`secret '${name}' does not have the key '${key}'`);
  return Buffer.from(v, 'base64').toString('utf8');
}

/** Go's url.Error op: `Get`, `Post`… */
function op(method: string): string {
  return method.charAt(0).toUpperCase() + method.slice(1).toLowerCase();
}

/** Go's wording of the usual network failures; other errors keep Node's message. */
function goNetError(e: NodeJS.ErrnoException, url: URL): string {
  const port = url.port || (url.protocol === 'https:' ? '443' : '80');
  if (e.code === 'ECONNREFUSED') return `dial tcp ${url.hostname}:${port}: connect: connection refused`;
  if (e.code === 'ENOTFOUND') return `dial tcp: lookup ${url.hostname}: no such host`;
  return e.message;
}

interface Response {
  statusCode: number;
  headers: Record<string, string[]>;
  body: string;
}

/** Go canonical header keys (`content-type` → `Content-Type`), values as lists. */
function goHeaders(res: IncomingMessage): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (let i = 0; i < res.rawHeaders.length; i += 2) {
    const key = (res.rawHeaders[i] ?? '').toLowerCase().replace(/(^|-)([a-z])/g, (_m, d, ch) => d + ch.toUpperCase());
    (out[key] ??= []).push(res.rawHeaders[i + 1] ?? '');
  }
  return out;
}

async function send(t: HttpTemplate, headers: Record<string, string | string[]>, method: string): Promise<Response> {
  const url = new URL(t.url ?? '');
  const body = t.bodyFrom?.bytes !== undefined ? Buffer.from(t.bodyFrom.bytes, 'base64') : Buffer.from(t.body ?? '');
  const fail = (what: string) => new Error(`${op(method)} "${t.url}": ${what}`);
  const signal = t.timeoutSeconds ? AbortSignal.timeout(t.timeoutSeconds * 1000) : undefined;
  const send = url.protocol === 'https:' ? httpsRequest : httpRequest;
  return new Promise<Response>((resolve, reject) => {
    const req = send(url, { method, headers, signal, rejectUnauthorized: !t.insecureSkipVerify }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('error', (e) => reject(fail(e.message)));
      res.on('end', () =>
        resolve({ statusCode: res.statusCode ?? 0, headers: goHeaders(res), body: Buffer.concat(chunks).toString() }),
      );
    });
    req.on('error', (e: NodeJS.ErrnoException) =>
      reject(fail(e.name === 'AbortError' ? 'context deadline exceeded' : goNetError(e, url))),
    );
    req.end(method === 'GET' && body.length === 0 ? undefined : body);
  });
}

/** The outcome of the request against the template's success rule. */
function judge(t: HttpTemplate, res: Response): NodeResult {
  const outputs = { result: res.body };
  if (!t.successCondition) {
    if (res.statusCode >= 200 && res.statusCode < 300) return { phase: 'Succeeded', outputs };
    return { phase: 'Failed', message: `received non-2xx response code: ${res.statusCode}`, outputs };
  }
  // Argo's `Headers.ToHeader`: the literal values only, never a secret's.
  const headers: Record<string, string[]> = {};
  for (const h of t.headers ?? []) (headers[h.name] ??= []).push(h.value ?? '');
  const env = {
    request: { method: t.method ?? '', url: t.url ?? '', body: t.body ?? '', headers },
    response: { statusCode: res.statusCode, body: res.body, headers: res.headers },
  } as unknown as VMap;
  let ok;
  try {
    ok = evaluateExpr(t.successCondition, env);
  } catch (e) {
    return {
      phase: 'Failed',
      message: `unable to evaluate expression '${t.successCondition}': ${(e as Error).message}`,
    };
  }
  if (typeof ok !== 'boolean')
    return { phase: 'Failed', message: `unable to cast expression result '${String(ok)}' to bool` };
  if (!ok) return { phase: 'Failed', message: `successCondition '${t.successCondition}' evaluated false`, outputs };
  return { phase: 'Succeeded', outputs };
}

/** Runs one HTTP task; every failure becomes the node's result (Argo: Failed with the error). */
export async function runHttpTask(c: HttpKubeClient, ns: string, t: HttpTemplate): Promise<NodeResult> {
  const method = t.method || 'GET';
  try {
    const headers: Record<string, string[]> = {};
    for (const h of t.headers ?? []) {
      const ref = h.valueFrom?.secretKeyRef;
      const value = ref ? await secretValue(c, ns, ref.name, ref.key) : (h.value ?? '');
      (headers[h.name] ??= []).push(value);
    }
    const res = await send(t, headers, method);
    return judge(t, res);
  } catch (e) {
    return { phase: 'Failed', message: (e as Error).message };
  }
}
