/** `argosy cluster list`: keys, clusters, scopes, hosts, auth kinds, executor mode. Never prints a credential. */
import { authKindOf, parseEntry } from '../../clusters/entry.ts';
import { isEntryInvalidError } from '../../clusters/errors.ts';
import type { StoreSnapshot } from '../../clusters/stores/types.ts';
import type { ClusterCliContext } from '../lib/cluster-context.ts';
import { openStore } from '../lib/cluster-store.ts';

/** Formats rows as space-padded columns (like kubectl's tabwriter). */
export function table(rows: string[][]): string[] {
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => (r[i] ?? '').length)));
  return rows.map((r) =>
    r
      .map((c, i) => (i === r.length - 1 ? c : c.padEnd(widths[i]! + 3)))
      .join('')
      .trimEnd(),
  );
}

/** Warnings a store snapshot deserves: invalid keys, and exact + cluster-wide entries both present. */
export function snapshotWarnings(snap: StoreSnapshot): string[] {
  const out = snap.invalidKeys.map((k) => `warning: ignoring ${k.problem}`);
  for (const key of snap.entries.keys()) {
    const [cluster, ns] = key.split('.');
    if (ns && snap.entries.has(`${cluster}.`)) {
      out.push(`warning: "${key}" and "${cluster}." both exist; "${key}" is used for namespace "${ns}"`);
    }
  }
  return out;
}

export async function listEntries(ctx: ClusterCliContext): Promise<number> {
  const { store, close } = openStore(ctx);
  let snap: StoreSnapshot;
  try {
    snap = await store.load();
  } finally {
    close();
  }
  if (snap.entries.size === 0) {
    ctx.io.out(
      `no clusters configured in ${store.location}; add one with: argosy cluster add <cluster>.<namespace> <kube-context>`,
    );
  } else {
    const rows = [['KEY', 'CLUSTER', 'NAMESPACE', 'HOST', 'AUTH', 'STATUS', 'EXECUTOR', 'LABELS']];
    for (const key of [...snap.entries.keys()].sort()) {
      const [cluster = '', ns = ''] = key.split('.');
      try {
        const e = parseEntry(key, snap.entries.get(key));
        const auth = authKindOf(e) + (e.tls.insecure ? ' (insecure)' : '');
        const labels = Object.entries(e.labels ?? {}).map(([k, v]) => `${k}=${v}`);
        rows.push([key, cluster, ns || '*', e.host, auth, 'ok', e.executor ?? 'auto', labels.join(',') || '-']);
      } catch (err) {
        if (!isEntryInvalidError(err)) throw err;
        const problem = err.field ? `${err.field}: ${err.problem}` : err.problem;
        rows.push([key, cluster, ns || '*', '-', '-', `invalid: ${problem}`, '-', '-']);
      }
    }
    for (const line of table(rows)) ctx.io.out(line);
    ctx.io.out(
      "EXECUTOR: argo = pods for Argo's executor; pods = pods-only mode; auto = decided by discovery " +
        '(`argosy cluster check` shows the result; pods-only means no artifacts, see docs/adr/0009-argo-executor-pods.md)',
    );
  }
  for (const w of snapshotWarnings(snap)) ctx.io.err(w);
  return 0;
}
