/**
 * Recorded Kubernetes API exchanges ("tapes") for unit tests of the runtime against a real API
 * server's answers without running one: `recording` wraps a real client (test/unit/runtime/tapes/
 * record.ts runs it against the embedded API server) and keeps every request with its answer;
 * `replaying` serves those answers back, each once, and refuses any request that was not recorded (or
 * is asked twice) — so a change in what the code asks for fails the test instead of reading a stale
 * answer. Requests to one cluster may come in any order (the code under test lists places in parallel).
 */
import { KubeApiError } from '../../../src/adapters/kube/errors.ts';
import type { KubeClient, KubeRequest } from '../../../src/ports/kube.ts';

/** One request and the server's answer: a body, or the error status it sent. */
export interface Exchange {
  request: Pick<KubeRequest, 'method' | 'path' | 'query' | 'body'>;
  response?: unknown;
  error?: { statusCode: number; reason: string; message: string };
}

/** A cluster's exchanges, in the order they happened. */
export type Tape = Record<string, Exchange[]>;

/** A client that forwards to `inner` and appends each exchange to `tape[inner.cluster]`. */
export function recording(inner: KubeClient, tape: Tape): KubeClient {
  const log = (tape[inner.cluster] ??= []);
  return {
    cluster: inner.cluster,
    async request<T>(req: KubeRequest): Promise<T> {
      const request = { method: req.method, path: req.path, query: req.query, body: req.body };
      try {
        const response = await inner.request<T>(req);
        log.push({ request, response });
        return response;
      } catch (e) {
        if (!(e instanceof KubeApiError)) throw e;
        log.push({ request, error: { statusCode: e.statusCode, reason: e.reason, message: e.statusMessage } });
        throw e;
      }
    },
    stream: () => Promise.reject(new Error('streams are not recorded')),
    watch: () => Promise.reject(new Error('watches are not recorded')),
  };
}

/** A client for `cluster` that answers from the tape and throws on a request that was not recorded. */
export function replaying(tape: Tape, cluster: string): KubeClient & { left(): number } {
  const unused = [...(tape[cluster] ?? [])];
  return {
    cluster,
    left: () => unused.length,
    async request<T>(req: KubeRequest): Promise<T> {
      const asked = JSON.stringify({ method: req.method, path: req.path, query: req.query, body: req.body });
      const at = unused.findIndex((e) => JSON.stringify(e.request) === asked);
      if (at < 0) throw new Error(`not on the ${cluster} tape (or asked twice): ${asked}`);
      const [next] = unused.splice(at, 1) as [Exchange];
      if (next.error) {
        const { statusCode, reason, message } = next.error;
        throw new KubeApiError({ statusCode, reason, message, cluster, verb: req.method, path: req.path });
      }
      return next.response as T;
    },
    stream: () => Promise.reject(new Error('streams are not on tapes')),
    watch: () => Promise.reject(new Error('watches are not on tapes')),
  };
}
