/**
 * The small Kubernetes port every component talks through. One {@link KubeClient} per
 * (cluster, rest-config entry); typed helpers (pods, workflows, secrets) are plain functions on top
 * of `request`, so the Lambda bundle carries a thin REST client rather than a generated SDK.
 */

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

export interface KubeRequest {
  method: HttpMethod;
  /** Absolute API path, e.g. `/api/v1/namespaces/argo/pods`. */
  path: string;
  query?: Record<string, string | number | boolean | undefined>;
  body?: unknown;
  /** Defaults to `application/json`; PATCH needs `application/merge-patch+json` and friends. */
  contentType?: string;
  /**
   * `false`: not through the client's QPS/Burst token bucket. Only for a caller that bounds its own
   * requests in flight and backs off on 429 (`argosy logs`: docs/adr/0028-log-reads-bounded-in-flight.md).
   */
  throttle?: false;
}

export type WatchEventType = 'ADDED' | 'MODIFIED' | 'DELETED' | 'BOOKMARK' | 'ERROR';

export interface KubeClient {
  /** The cluster name this client reaches (for logs, errors and metrics). */
  readonly cluster: string;
  /**
   * Sends one request and returns the parsed JSON body. Throws a `KubeApiError`
   * (src/adapters/kube/errors.ts) for non-2xx answers, carrying status, reason and the Status message,
   * and a `KubeUnreachableError` for connection failures (TLS, DNS, refused, timeout).
   */
  request<T = unknown>(req: KubeRequest): Promise<T>;
  /** Streams a text body (pod logs) chunk by chunk until it ends or `signal` aborts. */
  stream(req: KubeRequest, onChunk: (text: string) => void, signal?: AbortSignal): Promise<void>;
  /**
   * Runs one watch request (`?watch=true` is added) and calls `onEvent` per event. Resolves when the
   * server ends the watch normally; rejects with `KubeApiError` (e.g. 410 Gone as an ERROR event or
   * HTTP status) or `KubeUnreachableError`.
   */
  watch(
    path: string,
    query: Record<string, string | number | boolean | undefined>,
    onEvent: (type: WatchEventType, object: Record<string, unknown>) => void,
    signal?: AbortSignal,
  ): Promise<void>;
}

/** A configured place pods may go: `cluster.namespace`, or `cluster.` for every namespace. */
export interface ClusterTarget {
  /** Normalised key, dot form (`other.argo`, `other.`). */
  key: string;
  cluster: string;
  /** `''` = every namespace of the cluster. */
  namespace: string;
}

/** The multi-cluster port: who can reach what (style guide: `ClusterRegistry.get(clusterName)`). */
export interface ClusterRegistry {
  /** The main cluster's name (where Workflow objects live). */
  readonly mainCluster: string;
  /**
   * A client allowed to act in (cluster, namespace): exact `cluster.namespace` entry first, then
   * `cluster.`. For the main cluster and the controller's own access, the bootstrap client.
   * Throws `ClusterNotConfiguredError` (terminal) naming the key looked for, or `EntryInvalidError`
   * (terminal) naming the key and the problem (never the secret).
   */
  clientFor(cluster: string, namespace: string): Promise<KubeClient>;
  /** The main cluster's client (Workflows, Events, the kubernetes secret store). */
  mainClient(): KubeClient;
  /** Every configured target, for the watcher (re-read; reflects rotations). */
  targets(): Promise<ClusterTarget[]>;
  /** Synchronous check used by the engine's placement check: configured or not, with reason. */
  describeTarget(cluster: string, namespace: string): { key: string } | { error: string };
  /**
   * The `Executor` field of the entry serving (cluster, namespace): `argo` (build pods for Argo's
   * executor), `pods` (pods-only mode), or undefined (decide by discovery).
   */
  executorModeFor?(cluster: string, namespace: string): 'argo' | 'pods' | undefined;
  /**
   * The registered clusters (the main one included) with their labels (entries' `Labels`; the first
   * entry of a cluster that sets a key wins), for templates that choose their cluster.
   */
  clusterFacts(): Promise<{ name: string; labels: Record<string, string> }[]>;
  /** Refreshes entries from the secret store (honours the cache lifetime unless forced). */
  refresh(force?: boolean): Promise<void>;
}
