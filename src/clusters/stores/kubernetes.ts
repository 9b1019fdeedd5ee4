/**
 * The default store: Secret `rest-config` (config.secretName) in the controller's namespace of the main
 * cluster, one data key per entry (`other.argo`, `other.`), each value the base64 of the entry's JSON.
 * `stringData` on a raw object (a manifest not yet normalised by an API server) is honoured too.
 */
import { isNotFound } from '../../adapters/kube/errors.ts';
import { createSecret, getSecret, patchSecret, type KubeSecret } from '../../adapters/kube/resources.ts';
import type { KubeClient } from '../../ports/kube.ts';
import { SecretStoreError } from '../errors.ts';
import { normaliseKey } from '../keys.ts';
import { snapshotFrom, spellingsOf } from './snapshot.ts';
import type { StoreSnapshot, WritableSecretStore } from './types.ts';

export interface KubernetesStoreOptions {
  /**
   * The main cluster's client, or a function returning it (when the registry owns it, or when the
   * CLI builds it from a kubeconfig only once the store is used).
   */
  client: KubeClient | (() => KubeClient | Promise<KubeClient>);
  namespace: string;
  name: string;
}

/** Reads the values of a Secret object: `data` decoded from base64, then `stringData` over it. */
export function secretValues(secret: Pick<KubeSecret, 'data' | 'stringData'>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(secret.data ?? {})) out[k] = Buffer.from(v, 'base64').toString('utf8');
  for (const [k, v] of Object.entries(secret.stringData ?? {})) out[k] = v;
  return out;
}

/**
 * Creates the store.
 *
 * @example
 * const store = createKubernetesStore({ client: main, namespace: 'argo', name: 'rest-config' });
 */
export function createKubernetesStore(options: KubernetesStoreOptions): WritableSecretStore {
  const client = async () => (typeof options.client === 'function' ? options.client() : options.client);
  const location = `Secret ${options.namespace}/${options.name}`;
  const wrap = (what: string, cause: unknown) =>
    new SecretStoreError('kubernetes', `${what} ${location}: ${(cause as Error).message}`, { cause });

  async function read(): Promise<KubeSecret | undefined> {
    try {
      return await getSecret(await client(), options.namespace, options.name);
    } catch (e) {
      if (isNotFound(e)) return undefined;
      throw wrap('cannot read', e);
    }
  }

  return {
    kind: 'kubernetes',
    location,
    async load(): Promise<StoreSnapshot> {
      const secret = await read();
      return snapshotFrom(secret ? secretValues(secret) : {});
    },
    async put(key, entry) {
      const k = normaliseKey(key);
      const value = Buffer.from(JSON.stringify(entry)).toString('base64');
      const secret = await read();
      try {
        if (!secret) {
          await createSecret(await client(), options.namespace, {
            apiVersion: 'v1',
            kind: 'Secret',
            metadata: { name: options.name, namespace: options.namespace },
            type: 'Opaque',
            data: { [k]: value },
          });
          return { createdSecret: true };
        }
        await patchSecret(await client(), options.namespace, options.name, { data: { [k]: value } });
        return { createdSecret: false };
      } catch (e) {
        throw wrap('cannot write', e);
      }
    },
    async remove(key) {
      const k = normaliseKey(key);
      const secret = await read();
      const present = spellingsOf({ ...secret?.data, ...secret?.stringData }, k);
      if (!secret || present.length === 0) return false;
      const data = Object.fromEntries(present.map((p) => [p, null]));
      try {
        await patchSecret(await client(), options.namespace, options.name, { data });
      } catch (e) {
        throw wrap('cannot write', e);
      }
      return true;
    },
  };
}
