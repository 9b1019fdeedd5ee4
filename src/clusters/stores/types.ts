/**
 * Secret stores hold rest-config entries by key. A store only reads and writes raw values; parsing,
 * caching and clients are the registry's job.
 */

/** Raw entries read from a store. */
export interface StoreSnapshot {
  /** Normalised dot key → raw value (an object, JSON text, or base64 of JSON). */
  entries: Map<string, unknown>;
  /** Keys that are not valid `cluster.namespace` keys (reported, never fatal for the others). */
  invalidKeys: { key: string; problem: string }[];
}

export interface SecretStore {
  /** `kubernetes`, `aws-secretsmanager`, `static`. */
  readonly kind: string;
  /** Where the entries live, for messages (`Secret argo/rest-config`). */
  readonly location: string;
  load(): Promise<StoreSnapshot>;
}

/** A store `argosy cluster add/rm` can write to. */
export interface WritableSecretStore extends SecretStore {
  /** Adds or replaces the entry under `key` (dot form); creates the secret when missing. */
  put(key: string, entry: Record<string, unknown>): Promise<{ createdSecret: boolean }>;
  /** Removes `key` (any spelling); resolves false when it was not there. */
  remove(key: string): Promise<boolean>;
}
