/**
 * The reconcile function's time budget. Lambda kills an invocation at its timeout and then every
 * record of the batch comes back after the visibility timeout (360 s), pushing unrelated workflows
 * toward the DLQ. So each group gets the invocation's remaining time minus a margin: past it, the
 * group is reported failed (retried alone), and every further Kubernetes call it would make fails at
 * once, so the abandoned reconcile stops at its next call instead of writing on behind our back.
 */
import type { ClusterRegistry, KubeClient } from '../ports/kube.ts';
import { RuntimeError } from './errors.ts';

/** The invocation ran out of time before this workflow's reconcile finished (transient: retried). */
export class DeadlineExceededError extends RuntimeError {
  override name = 'DeadlineExceededError';
  constructor(ref: { namespace: string; workflow: string }, budgetMs: number) {
    super(
      `reconcile of ${ref.namespace}/${ref.workflow} did not finish within the invocation's remaining ${budgetMs} ms; it will be retried (a slow or unreachable cluster?)`,
      { ...ref, terminal: false },
    );
  }
}

/** Rejects with `error()` when `signal` aborts first. */
export function raceSignal<T>(work: Promise<T>, signal: AbortSignal, error: () => Error): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    if (signal.aborted) return reject(error());
    const onAbort = () => reject(error());
    signal.addEventListener('abort', onAbort, { once: true });
    work.then(
      (v) => (signal.removeEventListener('abort', onAbort), resolve(v)),
      (e: unknown) => (signal.removeEventListener('abort', onAbort), reject(e)),
    );
  });
}

/** A client whose calls fail once `signal` aborted (and are cut short when it aborts mid-call). */
export function budgetedClient(client: KubeClient, signal: AbortSignal, error: () => Error): KubeClient {
  // Checked before each call: past the deadline nothing more reaches the cluster.
  const call = <T>(make: () => Promise<T>) =>
    signal.aborted ? Promise.reject(error()) : raceSignal(make(), signal, error);
  return {
    cluster: client.cluster,
    request: (req) => call(() => client.request(req)),
    stream: (req, onChunk, s) => call(() => client.stream(req, onChunk, s ?? signal)),
    watch: (path, query, onEvent, s) => call(() => client.watch(path, query, onEvent, s ?? signal)),
  };
}

/** The registry as one budgeted reconcile sees it: every client it hands out obeys `signal`. */
export function budgetedRegistry(registry: ClusterRegistry, signal: AbortSignal, error: () => Error): ClusterRegistry {
  return {
    mainCluster: registry.mainCluster,
    mainClient: () => budgetedClient(registry.mainClient(), signal, error),
    clientFor: async (cluster, namespace) =>
      budgetedClient(await registry.clientFor(cluster, namespace), signal, error),
    targets: () => registry.targets(),
    describeTarget: (cluster, namespace) => registry.describeTarget(cluster, namespace),
    executorModeFor: (cluster, namespace) => registry.executorModeFor?.(cluster, namespace),
    clusterFacts: () => registry.clusterFacts(),
    refresh: (force) => registry.refresh(force),
  };
}
