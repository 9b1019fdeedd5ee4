/**
 * Kubeconfig → {@link HttpKubeClient} for the CLI. Plain token, client-certificate and basic-auth
 * contexts are read directly from the YAML (the common case, and instant); contexts that need an
 * exec or auth-provider plugin (GKE, AKS, EKS via `aws eks get-token`, OIDC) go through
 * @kubernetes/client-node, loaded only then because importing it costs over half a second.
 * Requests always go through Argosy's own thin client, like the functions'.
 */
import { readFileSync } from 'node:fs';
import type https from 'node:https';
import { delimiter, dirname, isAbsolute, join } from 'node:path';
import { parse } from 'yaml';
import {
  createKubeClient,
  type HttpKubeClient,
  type KubeAuth,
  type KubeTlsOptions,
} from '../adapters/kube/http-client.ts';
import { CliError } from './commands/errors.ts';

/** A resolved kubeconfig context. */
export interface KubeContext {
  path: string;
  context: string;
  /** The context's namespace, if it sets one. */
  namespace?: string;
  server: string;
}

interface Named<T> {
  name: string;
  [key: string]: unknown;
  value: T;
}

interface RawConfig {
  current: string;
  clusters: Map<string, Record<string, unknown>>;
  users: Map<string, Record<string, unknown>>;
  contexts: Map<string, Record<string, unknown>>;
  /** Directory of the file each name came from (relative file paths resolve against it). */
  dirOf: Map<string, string>;
}

function entries(
  list: unknown,
  key: string,
  dir: string,
  into: Map<string, Record<string, unknown>>,
  dirs: Map<string, string>,
) {
  for (const item of Array.isArray(list) ? (list as Named<unknown>[]) : []) {
    if (!item?.name || into.has(item.name)) continue; // first file wins, like kubectl
    into.set(item.name, (item[key] ?? {}) as Record<string, unknown>);
    dirs.set(`${key}/${item.name}`, dir);
  }
}

/** Reads a kubeconfig path or `:`-list (merged, first wins), as kubectl does. */
function loadRaw(path: string): RawConfig {
  const raw: RawConfig = { current: '', clusters: new Map(), users: new Map(), contexts: new Map(), dirOf: new Map() };
  for (const file of path.split(delimiter).filter(Boolean)) {
    let doc: Record<string, unknown>;
    try {
      doc = (parse(readFileSync(file, 'utf8')) ?? {}) as Record<string, unknown>;
    } catch (e) {
      throw new CliError(
        `cannot read kubeconfig ${file}: ${(e as Error).message.split('\n')[0]}`,
        2,
        'pass --kubeconfig FILE',
        {
          cause: e,
        },
      );
    }
    raw.current ||= String(doc['current-context'] ?? '');
    entries(doc.clusters, 'cluster', dirname(file), raw.clusters, raw.dirOf);
    entries(doc.users, 'user', dirname(file), raw.users, raw.dirOf);
    entries(doc.contexts, 'context', dirname(file), raw.contexts, raw.dirOf);
  }
  return raw;
}

/** Context names in a kubeconfig (for messages and per-cluster lookups). */
export function listContexts(path: string): string[] {
  return [...loadRaw(path).contexts.keys()];
}

const str = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v : undefined);
const fromB64 = (v: unknown): string | undefined =>
  str(v) ? Buffer.from(String(v), 'base64').toString('utf8') : undefined;

function fileText(dir: string, p: unknown): string | undefined {
  const s = str(p);
  return s ? readFileSync(isAbsolute(s) ? s : join(dir, s), 'utf8') : undefined;
}

/** TLS and auth straight from the YAML; undefined when a plugin is needed. */
function directAuth(raw: RawConfig, cluster: Record<string, unknown>, clusterName: string, userName: string) {
  const user = raw.users.get(userName) ?? {};
  if (user.exec || user['auth-provider']) return undefined;
  const cdir = raw.dirOf.get(`cluster/${clusterName}`) ?? '.';
  const udir = raw.dirOf.get(`user/${userName}`) ?? '.';
  const tls: KubeTlsOptions = {
    caPem: fromB64(cluster['certificate-authority-data']) ?? fileText(cdir, cluster['certificate-authority']),
    certPem: fromB64(user['client-certificate-data']) ?? fileText(udir, user['client-certificate']),
    keyPem: fromB64(user['client-key-data']) ?? fileText(udir, user['client-key']),
    insecure: cluster['insecure-skip-tls-verify'] === true || undefined,
    serverName: str(cluster['tls-server-name']),
  };
  const token = str(user.token) ?? fileText(udir, user.tokenFile)?.trim();
  const auth: KubeAuth = token
    ? { kind: 'bearer', token }
    : str(user.username)
      ? { kind: 'basic', username: String(user.username), password: String(user.password ?? '') }
      : { kind: 'none' };
  return { tls, auth };
}

/** Exec/auth-provider contexts: let @kubernetes/client-node run the plugin, then use its result. */
async function pluginAuth(path: string, context: string): Promise<{ tls: KubeTlsOptions; auth: KubeAuth }> {
  const { KubeConfig } = await import('@kubernetes/client-node');
  const kc = new KubeConfig();
  kc.loadFromFile(path.split(delimiter)[0]!);
  kc.setCurrentContext(context);
  const opts: https.RequestOptions = {};
  await kc.applyToHTTPSOptions(opts);
  const pem = (v: unknown) =>
    v === undefined || v === null ? undefined : Buffer.isBuffer(v) ? v.toString('utf8') : String(v);
  const authz = ((opts.headers ?? {}) as Record<string, string>).Authorization;
  return {
    tls: {
      caPem: pem(opts.ca),
      certPem: pem(opts.cert),
      keyPem: pem(opts.key),
      insecure: opts.rejectUnauthorized === false || undefined,
    },
    auth: authz?.startsWith('Bearer ') ? { kind: 'bearer', token: authz.slice(7) } : { kind: 'none' },
  };
}

/**
 * Builds a client for `context` (default: the current context). The client's cluster name is
 * `clusterName` (the Argosy cluster it stands for) or the context name.
 */
export async function kubeClientFromKubeconfig(
  path: string,
  context?: string,
  clusterName?: string,
): Promise<{ client: HttpKubeClient; context: KubeContext }> {
  const raw = loadRaw(path);
  const name = context || raw.current;
  const ctx = raw.contexts.get(name);
  if (!ctx) {
    throw new CliError(
      name ? `context "${name}" not found in ${path}` : `${path} has no current-context`,
      2,
      `known contexts: ${[...raw.contexts.keys()].join(', ') || 'none'} (kubectl config get-contexts); pass --context`,
    );
  }
  const cName = String(ctx.cluster ?? '');
  const cluster = raw.clusters.get(cName);
  const server = str(cluster?.server);
  if (!cluster || !server) throw new CliError(`context "${name}" in ${path}: cluster "${cName}" has no server`, 2);
  const { tls, auth } = directAuth(raw, cluster, cName, String(ctx.user ?? '')) ?? (await pluginAuth(path, name));
  const client = createKubeClient({ cluster: clusterName ?? name, server, tls, auth });
  return { client, context: { path, context: name, namespace: str(ctx.namespace), server } };
}
