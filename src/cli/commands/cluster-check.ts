/**
 * `argosy cluster check [KEY]`: connects with each entry, prints the server version and whether the
 * identity may create, get, list, watch and delete pods and read pod logs in the entry's scope
 * (SelfSubjectAccessReview), with a diagnosis for x509, 401, 403, DNS and timeouts, and whether pods there
 * run for Argo's executor or pods-only (cluster-executor.ts).
 */
import { isKubeApiError, isKubeUnreachableError } from '../../adapters/kube/errors.ts';
import { canI, getServerVersion, type AccessQuestion } from '../../adapters/kube/resources.ts';
import { clientFromEntry, TlsMaterialError } from '../../clusters/client-from-entry.ts';
import { parseEntry } from '../../clusters/entry.ts';
import { ClusterNotConfiguredError, isEntryInvalidError } from '../../clusters/errors.ts';
import { parseKey } from '../../clusters/keys.ts';
import type { KubeClient } from '../../ports/kube.ts';
import type { ClusterCliContext } from '../lib/cluster-context.ts';
import { openStore } from '../lib/cluster-store.ts';
import { executorReport } from '../lib/cluster-executor.ts';

const POD_VERBS = ['create', 'get', 'list', 'watch', 'delete'];

/** Explains a failed call in one line, with the likely fix. */
export function diagnoseFailure(e: unknown): string {
  if (isKubeUnreachableError(e)) return `unreachable: ${e.diagnosis}`;
  if (isKubeApiError(e)) {
    if (e.statusCode === 401)
      return '401 Unauthorized: the credential was rejected (wrong or expired token/certificate)';
    if (e.statusCode === 403) return `403 Forbidden: ${e.statusMessage || 'the identity lacks RBAC for this'}`;
    return `${e.statusCode} ${e.reason}: ${e.statusMessage}`;
  }
  return (e as Error).message;
}

/** Asks the RBAC questions for a scope; returns the missing permissions (also used by the UI's clusters page). */
export async function missingPermissions(kube: KubeClient, namespace: string): Promise<string[]> {
  const questions: (AccessQuestion & { label: string })[] = [
    ...POD_VERBS.map((verb) => ({ verb, resource: 'pods', namespace, label: `${verb} pods` })),
    { verb: 'get', resource: 'pods', subresource: 'log', namespace, label: 'get pods/log' },
  ];
  const answers = await Promise.all(questions.map((q) => canI(kube, q)));
  return questions.filter((_, i) => !answers[i]!.allowed).map((q) => q.label);
}

async function checkOne(ctx: ClusterCliContext, key: string, raw: unknown): Promise<boolean> {
  const out = (s: string) => ctx.io.out(s);
  const { cluster, namespace } = parseKey(key);
  let kube;
  let entry;
  try {
    entry = parseEntry(key, raw, { logger: ctx.logger });
    kube = clientFromEntry(cluster, entry, { logger: ctx.logger });
  } catch (e) {
    if (!isEntryInvalidError(e) && !(e instanceof TlsMaterialError)) throw e;
    out(`${key}: invalid entry: ${e.field ? `${e.field}: ` : ''}${e.problem}`);
    return false;
  }
  const scope = namespace ? `namespace "${namespace}"` : 'every namespace';
  try {
    const v = await getServerVersion(kube);
    out(`${key}: ${kube.server}: server ${v.gitVersion ?? `${v.major}.${v.minor}`}`);
    let missing: string[];
    try {
      missing = await missingPermissions(kube, namespace);
    } catch (e) {
      if (!isKubeApiError(e) || e.statusCode !== 403) throw e;
      // Real clusters let every authenticated user ask (ClusterRole system:basic-user); say so plainly.
      out(`  cannot check permissions: the identity may not create SelfSubjectAccessReviews (${e.statusMessage})`);
      return false;
    }
    const executor = await executorReport(kube, namespace, entry);
    if (missing.length === 0) {
      out(`  ok: may create, get, list, watch and delete pods and read pod logs in ${scope}`);
      out(executor.line);
      return executor.ok;
    }
    out(`  missing in ${scope}: ${missing.join(', ')} (grant them with a Role/RoleBinding, see infra/)`);
    out(executor.line);
    return false;
  } catch (e) {
    out(`${key}: ${kube.server}: ${diagnoseFailure(e)}`);
    return false;
  } finally {
    kube.close();
  }
}

export async function checkEntries(ctx: ClusterCliContext, rawKey: string | undefined): Promise<number> {
  const { store, close } = openStore(ctx);
  let snap;
  try {
    snap = await store.load();
  } finally {
    close();
  }
  let keys = [...snap.entries.keys()].sort();
  if (rawKey) {
    const t = parseKey(rawKey);
    if (!snap.entries.has(t.key)) throw new ClusterNotConfiguredError(t.cluster, t.namespace);
    keys = [t.key];
  }
  if (keys.length === 0) {
    ctx.io.out(`no clusters configured in ${store.location}`);
    return 0;
  }
  let ok = true;
  for (const key of keys) ok = (await checkOne(ctx, key, snap.entries.get(key))) && ok;
  return ok ? 0 : 1;
}
