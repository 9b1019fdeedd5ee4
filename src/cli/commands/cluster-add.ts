/** `argosy cluster add KEY CONTEXT` and `argosy cluster rm KEY`. */
import { parseEntry } from '../../clusters/entry.ts';
import { parseKey } from '../../clusters/keys.ts';
import { entryFromContext, loadKubeconfig } from '../../clusters/kubeconfig.ts';
import type { ClusterCliContext } from '../lib/cluster-context.ts';
import { openStore } from '../lib/cluster-store.ts';
import { usageError } from '../lib/errors.ts';

/** Builds the entry from the context, validates it like the controller will, and merges it in. */
export async function addEntry(
  ctx: ClusterCliContext,
  rawKey: string,
  context: string,
  labels: string[] = [],
): Promise<number> {
  const target = parseKey(rawKey);
  const kc = loadKubeconfig(ctx.config.kubeconfig || undefined);
  const entry: Record<string, unknown> = { ...entryFromContext(kc, context) };
  if (labels.length > 0) entry['Labels'] = parseLabels(labels);
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

/** `k=v` flags as an object; a flag without `=` is refused with its text. */
function parseLabels(flags: string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const f of flags) {
    const at = f.indexOf('=');
    if (at <= 0) throw usageError(`--label ${f}: expected key=value`);
    out[f.slice(0, at)] = f.slice(at + 1);
  }
  return out;
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
