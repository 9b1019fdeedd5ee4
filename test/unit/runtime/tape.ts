/**
 * Recorded Kubernetes API exchanges ("tapes") for unit tests of the runtime against a real API
 * server's answers without running one: `recording` wraps a real client (test/unit/runtime/tapes/
 * record.ts runs it against the embedded API server) and keeps every request with its answer;
 * `replaying` serves those answers back, each once, and refuses any request that was not recorded (or
 * is asked twice) — so a change in what the code asks for fails the test instead of reading a stale
 * answer. Requests to one cluster may come in any order (the code under test lists places in parallel).
 */
import { KubeApiError } from '../../../src/adapters/kube/errors.ts';
import type { ClusterRegistry, KubeClient, KubeRequest } from '../../../src/ports/kube.ts';

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

/**
 * A client for `cluster` that answers from the tape and throws on a request that was not recorded.
 * `asked`, when given, gets `<cluster> <METHOD> <path>` per answered request, in the order asked
 * across clusters (the tape keeps the order within a cluster only).
 */
export function replaying(tape: Tape, cluster: string, asked?: string[]): KubeClient & { left(): number } {
  const unused = [...(tape[cluster] ?? [])];
  return {
    cluster,
    left: () => unused.length,
    async request<T>(req: KubeRequest): Promise<T> {
      const request = JSON.stringify({ method: req.method, path: req.path, query: req.query, body: req.body });
      const at = unused.findIndex((e) => JSON.stringify(e.request) === request);
      if (at < 0) throw new Error(`not on the ${cluster} tape (or asked twice): ${request}`);
      const [next] = unused.splice(at, 1) as [Exchange];
      asked?.push(`${cluster} ${req.method} ${req.path}`);
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

/**
 * A registry over fixed clients, one per cluster (recording or replaying): every namespace of a
 * cluster is reached with its client, as with a `cluster.` rest-config entry.
 */
export function tapeRegistry(mainCluster: string, clients: Record<string, KubeClient>): ClusterRegistry {
  const client = (cluster: string): KubeClient => {
    const c = clients[cluster];
    if (!c) throw new Error(`no client for cluster ${cluster} on this tape`);
    return c;
  };
  return {
    mainCluster,
    mainClient: () => client(mainCluster),
    clientFor: (cluster) => Promise.resolve(client(cluster)),
    targets: () =>
      Promise.resolve(
        Object.keys(clients)
          .filter((c) => c !== mainCluster)
          .map((cluster) => ({ key: `${cluster}.`, cluster, namespace: '' })),
      ),
    describeTarget: (cluster) => (clients[cluster] ? { key: `${cluster}.` } : { error: `no entry for ${cluster}` }),
    clusterFacts: () => Promise.resolve(Object.keys(clients).map((name) => ({ name, labels: {} }))),
    refresh: () => Promise.resolve(),
  };
}
