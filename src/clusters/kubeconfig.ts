/**
 * Kubeconfig → rest-config entry (for `argosy cluster add`) and kubeconfig context → client (for the
 * CLI and local mode). Parsing uses `@kubernetes/client-node`'s KubeConfig, so this module is for the
 * CLI only: the Lambda bundle never imports it.
 */
import { readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { delimiter, join } from 'node:path';
import { KubeConfig } from '@kubernetes/client-node';
import type { HttpKubeClient } from '../adapters/kube/http-client.ts';
import type { Logger } from '../logger.ts';
import { clientFromEntry } from './client-from-entry.ts';
import { parseEntry } from './entry.ts';

/** A kubeconfig problem (missing file/context, unsupported auth). Terminal; never quotes credentials. */
export class KubeconfigError extends Error {
  override name = 'KubeconfigError' as const;
  readonly terminal = true;
}

/**
 * Loads a kubeconfig: `path` (a `--kubeconfig` flag or config.kubeconfig, possibly a `:`-list whose
 * files are merged, first wins), else `~/.kube/config`.
 */
export function loadKubeconfig(path?: string): KubeConfig {
  const files = (path || join(homedir(), '.kube', 'config')).split(delimiter).filter(Boolean);
  const kc = new KubeConfig();
  let loaded = 0;
  for (const file of files) {
    const one = new KubeConfig();
    try {
      one.loadFromFile(file);
    } catch (cause) {
      if (files.length === 1) throw new KubeconfigError(`cannot read kubeconfig ${file}`, { cause });
      continue;
    }
    if (loaded++ === 0) kc.loadFromString(one.exportConfig());
    else kc.mergeConfig(one, true);
  }
  if (!loaded) throw new KubeconfigError(`no readable kubeconfig in ${files.join(delimiter)}`);
  return kc;
}

const b64 = (s: string) => Buffer.from(s).toString('base64');
const fileB64 = (path: string | undefined) => (path ? b64(readFileSync(path, 'utf8')) : null);

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
 * Builds the Go-shaped rest-config entry (the seed's JSON) for a kubeconfig context: server, CA,
 * token / client certificate / basic auth, or the AWS block for `aws eks get-token` contexts.
 *
 * @example
 * const entry = entryFromContext(loadKubeconfig(), 'other'); // { Host, BearerToken, TLSClientConfig: {...} }
 */
export function entryFromContext(kc: KubeConfig, contextName: string): Record<string, unknown> {
  const ctx = kc.getContextObject(contextName);
  if (!ctx) {
    const known = kc.getContexts().map((c) => c.name);
    throw new KubeconfigError(
      `context "${contextName}" not found in kubeconfig (contexts: ${known.join(', ') || 'none'})`,
    );
  }
  const cluster = kc.getCluster(ctx.cluster);
  const user = kc.getUser(ctx.user);
  if (!cluster) throw new KubeconfigError(`context "${contextName}": cluster "${ctx.cluster}" not found`);
  const entry: Record<string, unknown> = { Host: cluster.server };
  const tls: Record<string, unknown> = {
    Insecure: cluster.skipTLSVerify === true,
    ServerName: cluster.tlsServerName ?? '',
    CAData: cluster.caData ?? fileB64(cluster.caFile),
    CertData: null,
    KeyData: null,
  };
  const aws = awsFromExec(user?.exec);
  if (aws) entry.AWS = aws;
  else if (user?.token) entry.BearerToken = user.token;
  else if (user?.certData || user?.certFile) {
    tls.CertData = user.certData ?? fileB64(user.certFile);
    tls.KeyData = user.keyData ?? fileB64(user.keyFile);
  } else if (user?.username) {
    entry.Username = user.username;
    entry.Password = user.password ?? '';
  } else if (user?.exec || user?.authProvider) {
    throw new KubeconfigError(
      `context "${contextName}" authenticates with an exec/auth-provider plugin, which an entry cannot carry; ` +
        'use a service account token (kubectl create token ...) or, for EKS, `aws eks get-token`',
    );
  }
  entry.TLSClientConfig = tls;
  return entry;
}

export interface KubeconfigClientOptions {
  /** Kubeconfig path(s); default `~/.kube/config`. */
  kubeconfig?: string;
  /** Context name; default the current context. */
  context?: string;
  /** Cluster name for errors/logs; default the context name. */
  cluster?: string;
  logger?: Logger;
}

/**
 * A client for a kubeconfig context, through the same entry → client path the controller uses.
 *
 * @example
 * const main = kubeClientFromKubeconfig({ kubeconfig: local.kubeconfigPath, context: 'main', cluster: 'main' });
 */
export function kubeClientFromKubeconfig(options: KubeconfigClientOptions = {}): HttpKubeClient {
  const kc = loadKubeconfig(options.kubeconfig);
  const context = options.context || kc.getCurrentContext();
  if (!context) throw new KubeconfigError('no context given and the kubeconfig has no current-context');
  const entry = parseEntry(`${context}.`, entryFromContext(kc, context), { logger: options.logger });
  return clientFromEntry(options.cluster ?? context, entry, { logger: options.logger });
}
