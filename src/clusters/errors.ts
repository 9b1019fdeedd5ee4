/**
 * Errors of the cluster registry, entries and stores. All carry the key they are about and never a
 * credential. Guards are keyed on `name` so two copies of this module agree.
 */
import { didYouMean } from '../engine/did-you-mean.ts';

/** A key that is not `cluster.namespace` / `cluster.` (or the slash spelling). Terminal. */
export class InvalidKeyError extends Error {
  override name = 'InvalidKeyError' as const;
  readonly terminal = true;
  readonly key: string;
  constructor(key: string, problem: string) {
    super(`invalid cluster key "${key}": ${problem}`);
    this.key = key;
  }
}

/** A rest-config entry that cannot be used: bad JSON, bad base64, no Host, bad URL. Terminal. */
export class EntryInvalidError extends Error {
  override name = 'EntryInvalidError' as const;
  readonly terminal = true;
  /** The entry's key (`other.argo`). */
  readonly key: string;
  /** The offending field (`TLSClientConfig.CAData`), or `''` for the whole value. */
  readonly field: string;
  readonly problem: string;
  constructor(key: string, field: string, problem: string, options?: { cause?: unknown }) {
    super(`rest-config entry "${key}"${field ? `: ${field}` : ''}: ${problem}`, options);
    this.key = key;
    this.field = field;
    this.problem = problem;
  }
}

/** No entry for (cluster, namespace), neither `cluster.namespace` nor `cluster.`. Terminal. */
export class ClusterNotConfiguredError extends Error {
  override name = 'ClusterNotConfiguredError' as const;
  readonly terminal = true;
  readonly cluster: string;
  readonly namespace: string;
  /** The exact key looked for first. */
  readonly key: string;
  constructor(cluster: string, namespace: string, configuredClusters: Iterable<string> = []) {
    const key = `${cluster}.${namespace}`;
    super(clusterNotConfiguredMessage(cluster, namespace, configuredClusters));
    this.cluster = cluster;
    this.namespace = namespace;
    this.key = key;
  }
}

/**
 * The message of {@link ClusterNotConfiguredError} (also the placement check's reason). A cluster
 * name that is not configured at all gets the closest configured one (`othr` → `other`).
 */
export function clusterNotConfiguredMessage(
  cluster: string,
  namespace: string,
  configuredClusters: Iterable<string> = [],
): string {
  const key = `${cluster}.${namespace}`;
  const known = [...configuredClusters];
  const hint = known.includes(cluster) ? '' : didYouMean(cluster, known);
  return (
    `cluster-namespace "${key}" not configured${hint}: add credentials with ` +
    `\`argosy cluster add ${key} <kube-context>\` (or \`argosy cluster add ${cluster}. <kube-context>\` for every namespace)`
  );
}

/** The secret store could not be read (API/AWS failure). Transient: retry later. */
export class SecretStoreError extends Error {
  override name = 'SecretStoreError' as const;
  readonly terminal = false;
  readonly store: string;
  constructor(store: string, message: string, options?: { cause?: unknown }) {
    super(`secret store ${store}: ${message}`, options);
    this.store = store;
  }
}

function named(e: unknown, name: string): boolean {
  return !!e && typeof e === 'object' && (e as { name?: unknown }).name === name;
}
export const isInvalidKeyError = (e: unknown): e is InvalidKeyError => named(e, 'InvalidKeyError');
export const isEntryInvalidError = (e: unknown): e is EntryInvalidError => named(e, 'EntryInvalidError');
export const isClusterNotConfiguredError = (e: unknown): e is ClusterNotConfiguredError =>
  named(e, 'ClusterNotConfiguredError');
export const isSecretStoreError = (e: unknown): e is SecretStoreError => named(e, 'SecretStoreError');
