/**
 * The one kubeconfig reader (CLI, local mode, and the functions and watcher when run outside AWS).
 * Reads a path or `:`-list as kubectl does (merged, first file wins, relative file paths resolved
 * against the file that names them) and gives, for a context:
 * - a client (`clientFromKubeconfig`): token, client-certificate and basic auth straight from the
 *   YAML; contexts that need an exec or auth-provider plugin (GKE, AKS, `aws eks get-token`, OIDC) go
 *   through the `plugins` runner the CLI passes (./kubeconfig-plugin.ts, @kubernetes/client-node);
 * - a Go-shaped rest-config entry (`entryFromContext`, for `argosy cluster add`).
 * Requests always go through Argosy's own thin client.
 */
import { readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { delimiter, dirname, isAbsolute, join } from 'node:path';
import { parse } from 'yaml';
import {
  createKubeClient,
  type HttpKubeClient,
  type KubeAuth,
  type KubeTlsOptions,
} from '../adapters/kube/http-client.ts';

/** A kubeconfig problem (missing file/context, unsupported auth). Terminal; never quotes credentials. */
export class KubeconfigError extends Error {
  override name = 'KubeconfigError' as const;
  readonly terminal = true;
  /** The CLI's exit code for it: bad input. */
  readonly exitCode = 2;
  constructor(
    message: string,
    readonly hint?: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** Guard keyed on `name` (two module copies may be loaded under tsx). */
export function isKubeconfigError(e: unknown): e is KubeconfigError {
  return e instanceof Error && e.name === 'KubeconfigError';
}

type Section = Record<string, unknown>;

/** A read (and merged) kubeconfig. */
export interface Kubeconfig {
  path: string;
  current: string;
  clusters: Map<string, Section>;
  users: Map<string, Section>;
  contexts: Map<string, Section>;
  /** Directory of the file each `kind/name` came from (relative file paths resolve against it). */
  dirOf: Map<string, string>;
}

/** A resolved kubeconfig context. */
export interface KubeContext {
  path: string;
  context: string;
  /** The context's namespace, if it sets one. */
  namespace?: string;
  server: string;
}

function addSections(list: unknown, key: string, dir: string, into: Map<string, Section>, dirs: Map<string, string>) {
  for (const item of Array.isArray(list) ? (list as Section[]) : []) {
    const name = typeof item?.name === 'string' ? item.name : '';
    if (!name || into.has(name)) continue; // first file wins, like kubectl
    into.set(name, (item[key] ?? {}) as Section);
    dirs.set(`${key}/${name}`, dir);
  }
}

/**
 * Reads a kubeconfig: `path` (a `--kubeconfig` flag or config.kubeconfig, possibly a `:`-list whose
 * files are merged, first wins), else `~/.kube/config`. In a list, unreadable files are skipped.
 */
export function loadKubeconfig(path?: string): Kubeconfig {
  const full = path || join(homedir(), '.kube', 'config');
  const files = full.split(delimiter).filter(Boolean);
  const kc: Kubeconfig = {
    path: full,
    current: '',
    clusters: new Map(),
    users: new Map(),
    contexts: new Map(),
    dirOf: new Map(),
  };
  let loaded = 0;
  for (const file of files) {
    let doc: Section;
    try {
      doc = (parse(readFileSync(file, 'utf8')) ?? {}) as Section;
    } catch (cause) {
      if (files.length > 1) continue;
      const why = (cause as Error).message.split('\n')[0];
      throw new KubeconfigError(`cannot read kubeconfig ${file}: ${why}`, 'pass --kubeconfig FILE', { cause });
    }
    loaded++;
    kc.current ||= String(doc['current-context'] ?? '');
    addSections(doc.clusters, 'cluster', dirname(file), kc.clusters, kc.dirOf);
    addSections(doc.users, 'user', dirname(file), kc.users, kc.dirOf);
    addSections(doc.contexts, 'context', dirname(file), kc.contexts, kc.dirOf);
  }
  if (!loaded) throw new KubeconfigError(`cannot read kubeconfig: none of ${files.join(delimiter)} is readable`);
  return kc;
}

/** Context names in a kubeconfig (for messages and per-cluster lookups). */
export function listContexts(path: string): string[] {
  return [...loadKubeconfig(path).contexts.keys()];
}

const str = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v : undefined);
const b64 = (s: string) => Buffer.from(s).toString('base64');
const fromB64 = (v: unknown): string | undefined =>
  str(v) ? Buffer.from(String(v), 'base64').toString('utf8') : undefined;

function fileText(dir: string, p: unknown): string | undefined {
  const s = str(p);
  return s ? readFileSync(isAbsolute(s) ? s : join(dir, s), 'utf8') : undefined;
}

/** The context, its cluster and user sections; a missing context or server is a KubeconfigError. */
function resolve(kc: Kubeconfig, context?: string) {
  const name = context || kc.current;
  const ctx = kc.contexts.get(name);
  if (!ctx) {
    const known = [...kc.contexts.keys()].join(', ') || 'none';
    throw new KubeconfigError(
      name ? `context "${name}" not found in ${kc.path} (contexts: ${known})` : `${kc.path} has no current-context`,
      `known contexts: ${known} (kubectl config get-contexts); pass --context`,
    );
  }
  const clusterName = String(ctx.cluster ?? '');
  const userName = String(ctx.user ?? '');
  const cluster = kc.clusters.get(clusterName);
  const server = str(cluster?.server);
  if (!cluster || !server)
    throw new KubeconfigError(`context "${name}" in ${kc.path}: cluster "${clusterName}" has no server`);
  return {
    name,
    ctx,
    cluster,
    server,
    user: kc.users.get(userName) ?? {},
    clusterDir: kc.dirOf.get(`cluster/${clusterName}`) ?? '.',
    userDir: kc.dirOf.get(`user/${userName}`) ?? '.',
  };
}
type Resolved = ReturnType<typeof resolve>;

const needsPlugin = (r: Resolved) => !!(r.user.exec || r.user['auth-provider']);

/** TLS and auth straight from the YAML. */
function directAuth(r: Resolved): { tls: KubeTlsOptions; auth: KubeAuth } {
  const { cluster, user, clusterDir, userDir } = r;
  const tls: KubeTlsOptions = {
    caPem: fromB64(cluster['certificate-authority-data']) ?? fileText(clusterDir, cluster['certificate-authority']),
    certPem: fromB64(user['client-certificate-data']) ?? fileText(userDir, user['client-certificate']),
    keyPem: fromB64(user['client-key-data']) ?? fileText(userDir, user['client-key']),
    insecure: cluster['insecure-skip-tls-verify'] === true || undefined,
    serverName: str(cluster['tls-server-name']),
  };
  const token = str(user.token) ?? fileText(userDir, user.tokenFile)?.trim();
  const auth: KubeAuth = token
    ? { kind: 'bearer', token }
    : str(user.username)
      ? { kind: 'basic', username: String(user.username), password: String(user.password ?? '') }
      : { kind: 'none' };
  return { tls, auth };
}

/** Runs a context's exec/auth-provider plugin and returns what it yields (./kubeconfig-plugin.ts). */
export type PluginAuth = (path: string, context: string) => Promise<{ tls: KubeTlsOptions; auth: KubeAuth }>;

export interface KubeconfigClientOptions {
  /** Kubeconfig path(s); default `~/.kube/config`. */
  kubeconfig?: string;
  /** Context name; default the current context. */
  context?: string;
  /** Use this context when the kubeconfig has it, else `context` / the current one (functions run locally). */
  preferContext?: string;
  /** The Argosy cluster the client stands for (errors, logs); default the context name. */
  cluster?: string;
  /**
   * Runs exec/auth-provider plugins: the CLI passes `runKubeconfigPlugin` (which loads
   * @kubernetes/client-node); without it such a context is an error, so the functions' and the
   * watcher's bundles never carry that package.
   */
  plugins?: PluginAuth;
}

/**
 * A client for a kubeconfig context (default: the current one), and what the context resolved to.
 *
 * @example
 * const { client } = await clientFromKubeconfig({ kubeconfig: local.kubeconfigPath, context: 'main' });
 */
export async function clientFromKubeconfig(
  options: KubeconfigClientOptions = {},
): Promise<{ client: HttpKubeClient; context: KubeContext }> {
  const kc = loadKubeconfig(options.kubeconfig);
  const preferred = options.preferContext && kc.contexts.has(options.preferContext) ? options.preferContext : undefined;
  const r = resolve(kc, preferred ?? options.context);
  if (needsPlugin(r) && !options.plugins) {
    throw new KubeconfigError(
      `context "${r.name}" in ${kc.path} authenticates with an exec/auth-provider plugin, which only the CLI runs`,
      'give this process a context with a token or client certificate',
    );
  }
  const { tls, auth } = needsPlugin(r) ? await options.plugins!(kc.path, r.name) : directAuth(r);
  const client = createKubeClient({ cluster: options.cluster ?? r.name, server: r.server, tls, auth });
  return { client, context: { path: kc.path, context: r.name, namespace: str(r.ctx.namespace), server: r.server } };
}

/** `aws eks get-token --cluster-name X [--region R]` exec plugins become the entry's `AWS` block. */
function awsFromExec(exec: unknown): { ClusterName: string; Region: string } | undefined {
  const e = exec as { command?: string; args?: string[]; env?: { name: string; value: string }[] | null };
  if (!e?.command || !/(^|\/)aws$/.test(e.command) || !e.args?.includes('get-token')) return undefined;
  const arg = (flag: string) => {
    const i = e.args!.indexOf(flag);
    return i >= 0 ? e.args![i + 1] : e.args!.find((a) => a.startsWith(`${flag}=`))?.slice(flag.length + 1);
  };
  const region =
    arg('--region') ?? e.env?.find((v) => v.name === 'AWS_REGION' || v.name === 'AWS_DEFAULT_REGION')?.value;
  const cluster = arg('--cluster-name') ?? arg('--cluster-id');
  if (!cluster || !region) return undefined;
  return { ClusterName: cluster, Region: region };
}

/**
 * Builds the Go-shaped rest-config entry for a kubeconfig context: server, CA, token / client
 * certificate / basic auth, or the AWS block for `aws eks get-token` contexts.
 *
 * @example
 * const entry = entryFromContext(loadKubeconfig(), 'other'); // { Host, BearerToken, TLSClientConfig: {...} }
 */
export function entryFromContext(kc: Kubeconfig, contextName: string): Record<string, unknown> {
  const r = resolve(kc, contextName);
  const { cluster, user, clusterDir, userDir } = r;
  const fileB64 = (dir: string, p: unknown) => {
    const text = fileText(dir, p);
    return text === undefined ? null : b64(text);
  };
  const entry: Record<string, unknown> = { Host: r.server };
  const tls: Record<string, unknown> = {
    Insecure: cluster['insecure-skip-tls-verify'] === true,
    ServerName: str(cluster['tls-server-name']) ?? '',
    CAData: str(cluster['certificate-authority-data']) ?? fileB64(clusterDir, cluster['certificate-authority']),
    CertData: null,
    KeyData: null,
  };
  const aws = awsFromExec(user.exec);
  const token = str(user.token) ?? fileText(userDir, user.tokenFile)?.trim();
  if (aws) entry.AWS = aws;
  else if (token) entry.BearerToken = token;
  else if (user['client-certificate-data'] || user['client-certificate']) {
    tls.CertData = str(user['client-certificate-data']) ?? fileB64(userDir, user['client-certificate']);
    tls.KeyData = str(user['client-key-data']) ?? fileB64(userDir, user['client-key']);
  } else if (str(user.username)) {
    entry.Username = user.username;
    entry.Password = user.password ?? '';
  } else if (needsPlugin(r)) {
    throw new KubeconfigError(
      `context "${r.name}" authenticates with an exec/auth-provider plugin, which an entry cannot carry; ` +
        'use a service account token (kubectl create token ...) or, for EKS, `aws eks get-token`',
    );
  }
  entry.TLSClientConfig = tls;
  return entry;
}
