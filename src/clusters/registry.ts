/**
 * The {@link ClusterRegistry}: rest-config entries from a secret store, parsed and turned into one
 * client per entry per process (rebuilt when the entry's content changes), the exact-then-cluster
 * lookup rule, and the main cluster's client. Entries are re-read after `cacheMs`, so a rotated or
 * new entry takes effect without a restart. A malformed entry fails only the targets that use it.
 */
import { createHash } from 'node:crypto';
import type { HttpKubeClient } from '../adapters/kube/http-client.ts';
import type { Logger } from '../logger.ts';
import type { ClusterRegistry, ClusterTarget, KubeClient } from '../ports/kube.ts';
import { clientFromEntry, TlsMaterialError, type ClientFromEntryOptions } from './client-from-entry.ts';
import { parseEntry, type RestConfigEntry } from './entry.ts';
import { ClusterNotConfiguredError, EntryInvalidError, isEntryInvalidError } from './errors.ts';
import { keyOf, lookupKey, parseKey } from './keys.ts';
import type { SecretStore } from './stores/types.ts';

export interface EntryRegistryOptions {
  /** The main cluster's unique name (config.clusterName). */
  mainCluster: string;
  /**
   * The main cluster's client when known up front (kubeconfig context, in-cluster service account).
   * Without it the main client comes from the entry `<main>.` or `<main>.<mainNamespace>`.
   */
  mainClient?: KubeClient;
  /** Namespaced install: the main client may only be used in this namespace (`''` = all). */
  mainNamespace?: string;
  /** Where entries come from; none = only the main cluster. */
  store?: SecretStore;
  /** Re-read the store after this long (config.secretCacheMs). */
  cacheMs: number;
  /**
   * How long an entry that disappeared from the store is still used (config.removedEntryGraceMs): a
   * deleted or half-rewritten Secret must not make running steps unobservable at once. 0 = drop at once.
   */
  removedGraceMs?: number;
  logger: Logger;
  now?: () => number;
  clientOptions?: ClientFromEntryOptions;
  readFile?: (path: string) => string;
}

/** What the registry knows about one key (for `argosy cluster list` and diagnostics). */
export interface EntrySlot {
  target: ClusterTarget;
  hash: string;
  entry?: RestConfigEntry;
  error?: EntryInvalidError;
  client?: HttpKubeClient;
  /** When the store stopped listing this key (kept for the grace period since). */
  goneSince?: number;
}

/** The registry plus what its owners need beyond the port. */
export interface EntryRegistry extends ClusterRegistry {
  /** The entries of the last load, by key. */
  entries(): ReadonlyMap<string, Readonly<EntrySlot>>;
  /** Closes every client's sockets. */
  close(): void;
  clusterFacts(): Promise<{ name: string; labels: Record<string, string> }[]>;
}

const STORE_RETRY_MS = 1_000;

/** Stable content hash of a raw value (objects with sorted keys), to spot rotations. */
export function hashValue(value: unknown): string {
  const stable = (v: unknown): unknown =>
    v && typeof v === 'object' && !Array.isArray(v)
      ? Object.fromEntries(
          Object.keys(v)
            .sort()
            .map((k) => [k, stable((v as Record<string, unknown>)[k])]),
        )
      : v;
  return createHash('sha256')
    .update(JSON.stringify(stable(value)) ?? 'undefined')
    .digest('hex');
}

/**
 * Creates the registry and loads the store once. Throws {@link ClusterNotConfiguredError} when no main
 * client can be found, and `SecretStoreError` when the first load fails.
 *
 * @example
 * // local mode / CLI: main client from a kubeconfig context, entries in the main cluster's Secret
 * const { client: main } = await clientFromKubeconfig({ context: 'main' });
 * const store = createSecretStore('kubernetes', { mainClient: main, namespace: 'argo', secretName: 'rest-config' });
 * const registry = await createEntryRegistry({ mainCluster: 'main', mainClient: main, store, cacheMs: 30_000, logger });
 */
export async function createEntryRegistry(options: EntryRegistryOptions): Promise<EntryRegistry> {
  const r = new Registry(options);
  await r.refresh(true);
  r.mainClient(); // fail early and clearly when there is no way to reach the main cluster
  return r;
}

class Registry implements EntryRegistry {
  readonly mainCluster: string;
  private slots = new Map<string, EntrySlot>();
  private loadedAt = -Infinity;
  private failedAt = -Infinity;
  private inflight: Promise<void> | undefined;
  private readonly warned = new Set<string>();
  private readonly now: () => number;
  private mainView: (KubeClient & { readonly server: string }) | undefined;

  constructor(private readonly o: EntryRegistryOptions) {
    this.mainCluster = o.mainCluster;
    this.now = o.now ?? Date.now;
  }

  entries(): ReadonlyMap<string, Readonly<EntrySlot>> {
    return this.slots;
  }

  close(): void {
    for (const s of this.slots.values()) s.client?.close();
  }

  async refresh(force = false): Promise<void> {
    const store = this.o.store;
    if (!store) return;
    const t = this.now();
    if (!force && this.loadedAt !== -Infinity && t - this.loadedAt < this.o.cacheMs) return;
    if (!force && t - this.failedAt < STORE_RETRY_MS && this.loadedAt !== -Infinity) return;
    this.inflight ??= this.load(store).finally(() => (this.inflight = undefined));
    return this.inflight;
  }

  private async load(store: SecretStore): Promise<void> {
    let snap;
    try {
      snap = await store.load();
    } catch (e) {
      this.failedAt = this.now();
      if (this.loadedAt === -Infinity) throw e;
      // Keep serving the last good entries: a store outage must not stop running workflows.
      this.o.logger.warn('secret store unreadable; using the last loaded entries', { error: e });
      return;
    }
    for (const bad of snap.invalidKeys) this.warnOnce(`key:${bad.key}`, 'ignoring invalid rest-config key', bad);
    const next = new Map<string, EntrySlot>();
    for (const [key, raw] of snap.entries) {
      const hash = hashValue(raw);
      const old = this.slots.get(key);
      if (old && old.hash === hash) {
        delete old.goneSince;
        next.set(key, old);
        continue;
      }
      next.set(key, this.parse(key, raw, hash));
      if (old) this.o.logger.info('rest-config entry changed; rebuilding its client', { key });
    }
    this.keepRemoved(next);
    for (const [key, old] of this.slots) if (next.get(key) !== old) old.client?.close();
    this.slots = next;
    this.loadedAt = this.now();
  }

  /**
   * Good entries the store no longer lists stay usable for the grace period: missing credentials are
   * not evidence that a cluster's pods are gone, and a Secret being rewritten may be empty for a moment.
   */
  private keepRemoved(next: Map<string, EntrySlot>): void {
    const grace = this.o.removedGraceMs ?? 0;
    const t = this.now();
    for (const [key, old] of this.slots) {
      if (next.has(key) || !old.entry || grace <= 0) continue;
      old.goneSince ??= t;
      if (t - old.goneSince >= grace) {
        this.o.logger.warn('rest-config entry removed from the store; no longer used', { key });
        continue;
      }
      if (old.goneSince === t)
        this.o.logger.warn('rest-config entry removed from the store; still used for the grace period', {
          key,
          graceMs: grace,
        });
      next.set(key, old);
    }
  }

  private parse(key: string, raw: unknown, hash: string): EntrySlot {
    const target = parseKey(key);
    try {
      const entry = parseEntry(key, raw, { logger: this.o.logger, readFile: this.o.readFile });
      return { target, hash, entry };
    } catch (e) {
      if (!isEntryInvalidError(e)) throw e;
      this.o.logger.warn('rest-config entry is invalid; targets using it will fail', { key, error: e.message });
      return { target, hash, error: e };
    }
  }

  private warnOnce(id: string, message: string, fields: Record<string, unknown>): void {
    if (this.warned.has(id)) return;
    this.warned.add(id);
    this.o.logger.warn(message, fields);
  }

  /** The main client as configured, else the entry `<main>.` or `<main>.<mainNamespace>`. */
  private mainFromEntries(): EntrySlot | undefined {
    const ns = this.o.mainNamespace ?? '';
    return (
      this.slots.get(keyOf(this.mainCluster, '')) ?? (ns ? this.slots.get(keyOf(this.mainCluster, ns)) : undefined)
    );
  }

  /**
   * The main client as configured; else a client over the entry `<main>.` (or `<main>.<mainNamespace>`)
   * that re-reads the store (within cacheMs) before each call, so a rotated main entry takes effect
   * in long-lived holders too (the resync, Lambda's warm containers), not only through clientFor.
   */
  mainClient(): KubeClient {
    if (this.o.mainClient) return this.o.mainClient;
    this.currentMain(); // not configured or invalid: say so now, not at the first call
    const fresh = async () => (await this.refresh(false), this.currentMain());
    const current = () => this.currentMain();
    this.mainView ??= {
      cluster: this.mainCluster,
      // For diagnostics: the API server of the entry in use now.
      get server() {
        return current().server;
      },
      request: async (req) => (await fresh()).request(req),
      stream: async (req, onChunk, signal) => (await fresh()).stream(req, onChunk, signal),
      watch: async (path, query, onEvent, signal) => (await fresh()).watch(path, query, onEvent, signal),
    };
    return this.mainView;
  }

  private currentMain(): HttpKubeClient {
    const slot = this.mainFromEntries();
    if (!slot) throw new ClusterNotConfiguredError(this.mainCluster, this.o.mainNamespace ?? '');
    return this.clientOf(slot);
  }

  private clientOf(slot: EntrySlot): HttpKubeClient {
    if (slot.error || !slot.entry) throw slot.error ?? new EntryInvalidError(slot.target.key, '', 'not parsed');
    try {
      slot.client ??= clientFromEntry(slot.target.cluster, slot.entry, {
        ...this.o.clientOptions,
        logger: this.o.logger,
      });
    } catch (e) {
      if (!(e instanceof TlsMaterialError)) throw e;
      // Kept on the slot: every target using the entry, and the placement check, say the same.
      const key = slot.target.key;
      slot.error = new EntryInvalidError(
        key,
        e.field,
        `${e.problem}; replace it: argosy cluster add ${key} <kube-context>`,
      );
      this.o.logger.warn('rest-config entry is invalid; targets using it will fail', {
        key,
        error: slot.error.message,
      });
      throw slot.error;
    }
    return slot.client;
  }

  /** Cluster names with an entry (and the main cluster), for "did you mean" hints. */
  private configuredClusters(): string[] {
    return [this.mainCluster, ...[...this.slots.values()].map((s) => s.target.cluster)];
  }

  /** The lookup shared by clientFor and describeTarget: a slot, the main client, or not configured. */
  private resolve(cluster: string, namespace: string): EntrySlot | 'main' | undefined {
    const match = lookupKey((k) => this.slots.has(k), cluster, namespace);
    if (match?.shadowed) {
      this.warnOnce(`shadow:${match.key}`, 'both a namespace and a cluster-wide entry exist; the exact one wins', {
        used: match.key,
        shadowed: match.shadowed,
      });
    }
    const mainNs = this.o.mainNamespace ?? '';
    const mainCovers = cluster === this.mainCluster && !!this.o.mainClient && (!mainNs || mainNs === namespace);
    // In the main cluster an exact entry wins over the main client, which wins over `<main>.`.
    if (match && (!mainCovers || match.key === keyOf(cluster, namespace))) return this.slots.get(match.key);
    if (mainCovers) return 'main';
    return undefined;
  }

  async clientFor(cluster: string, namespace: string): Promise<KubeClient> {
    await this.refresh(false);
    const found = this.resolve(cluster, namespace);
    if (found === 'main') return this.o.mainClient!;
    if (!found) throw new ClusterNotConfiguredError(cluster, namespace, this.configuredClusters());
    return this.clientOf(found);
  }

  executorModeFor(cluster: string, namespace: string): 'argo' | 'pods' | undefined {
    const found = this.resolve(cluster, namespace);
    return found && found !== 'main' ? found.entry?.executor : undefined;
  }

  describeTarget(cluster: string, namespace: string): { key: string } | { error: string } {
    const found = this.resolve(cluster, namespace);
    if (found === 'main') return { key: keyOf(cluster, this.o.mainNamespace ?? '') };
    if (!found) return { error: new ClusterNotConfiguredError(cluster, namespace, this.configuredClusters()).message };
    // The grace period is for observing pods already there; a removed entry never takes new pods.
    if (found.goneSince !== undefined)
      return {
        error:
          `${new ClusterNotConfiguredError(cluster, namespace, this.configuredClusters()).message}; ` +
          `entry "${found.target.key}" was removed from the store (pods already there are still observed ` +
          'for the grace period, no new ones are created)',
      };
    if (!found.error) {
      try {
        this.clientOf(found); // an entry whose client cannot be built is refused here, by name
      } catch (e) {
        if (!isEntryInvalidError(e)) throw e;
      }
    }
    if (found.error) return { error: found.error.message };
    return { key: found.target.key };
  }

  async clusterFacts(): Promise<{ name: string; labels: Record<string, string> }[]> {
    await this.refresh(false);
    const labels = new Map<string, Record<string, string>>([[this.mainCluster, {}]]);
    for (const slot of this.slots.values()) {
      if (!slot.entry) continue;
      const own = labels.get(slot.target.cluster) ?? {};
      labels.set(slot.target.cluster, { ...slot.entry.labels, ...own });
    }
    return [...labels].map(([name, l]) => ({ name, labels: l }));
  }

  async targets(): Promise<ClusterTarget[]> {
    await this.refresh(false);
    const out: ClusterTarget[] = [];
    const mainNs = this.o.mainNamespace ?? '';
    const mainKey = keyOf(this.mainCluster, mainNs);
    if (this.o.mainClient && !this.slots.has(mainKey)) {
      out.push({ key: mainKey, cluster: this.mainCluster, namespace: mainNs });
    }
    for (const slot of this.slots.values()) if (slot.entry) out.push({ ...slot.target });
    return out.sort((a, b) => a.key.localeCompare(b.key));
  }
}
