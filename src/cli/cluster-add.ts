/** `argosy cluster add KEY CONTEXT` and `argosy cluster rm KEY`. */
import { parseEntry } from '../clusters/entry.ts';
import { parseKey } from '../clusters/keys.ts';
import { entryFromContext, loadKubeconfig } from '../clusters/kubeconfig.ts';
import type { ClusterCliContext } from './cluster.ts';
import { openStore } from './cluster-store.ts';

/** Builds the entry from the context, validates it like the controller will, and merges it in. */
export async function addEntry(ctx: ClusterCliContext, rawKey: string, context: string): Promise<number> {
  const target = parseKey(rawKey);
  const kc = loadKubeconfig(ctx.config.kubeconfig || undefined);
  const entry = entryFromContext(kc, context);
  // Same parser as the controller: an entry that would not load is never stored.
  parseEntry(target.key, entry, { logger: ctx.logger });
  const { store, close } = openStore(ctx);
  try {
    const { createdSecret } = await store.put(target.key, entry);
    if (createdSecret) ctx.io.out(`created ${store.location}`);
    ctx.io.out(`added cluster/namespace "${target.key}" from context "${context}"`);
    if (!target.namespace) ctx.io.out(`pods may run in every namespace of cluster "${target.cluster}"`);
  } finally {
    close();
  }
  return 0;
}

/** Removes every spelling of KEY; exit 1 when it was not there. */
export async function removeEntry(ctx: ClusterCliContext, rawKey: string): Promise<number> {
  const target = parseKey(rawKey);
  const { store, close } = openStore(ctx);
  try {
    if (!(await store.remove(target.key))) {
      ctx.io.err(`error: cluster/namespace "${target.key}" not found in ${store.location}`);
      return 1;
    }
    ctx.io.out(`removed cluster/namespace "${target.key}"`);
    return 0;
  } finally {
    close();
  }
}
