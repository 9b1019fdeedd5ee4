/**
 * Kubeconfig → {@link HttpKubeClient} for the CLI. @kubernetes/client-node only parses the file and
 * resolves credentials (tokens, certificates, exec plugins); requests go through Argosy's own thin
 * client so the CLI and the functions share one code path and one error model.
 */
import { KubeConfig } from '@kubernetes/client-node';
import type https from 'node:https';
import { createKubeClient, type HttpKubeClient } from '../adapters/kube/http-client.ts';
import { CliError } from './commands/errors.ts';

/** A resolved kubeconfig context. */
export interface KubeContext {
  path: string;
  context: string;
  /** The context's namespace, if it sets one. */
  namespace?: string;
  server: string;
}

function loadConfig(path: string): KubeConfig {
  const kc = new KubeConfig();
  try {
    kc.loadFromFile(path);
  } catch (e) {
    throw new CliError(`cannot read kubeconfig ${path}: ${(e as Error).message}`, 2, 'pass --kubeconfig FILE', {
      cause: e,
    });
  }
  return kc;
}

/** Context names in a kubeconfig file (for messages and for per-cluster lookups). */
export function listContexts(path: string): string[] {
  return loadConfig(path)
    .getContexts()
    .map((c) => c.name);
}

const pem = (v: unknown): string | undefined =>
  v === undefined || v === null ? undefined : Buffer.isBuffer(v) ? v.toString('utf8') : String(v);

/**
 * Builds a client for `context` (default: the file's current context). The cluster name given to
 * the client is `clusterName` (the Argosy cluster it stands for) or the context name.
 */
export async function kubeClientFromKubeconfig(
  path: string,
  context?: string,
  clusterName?: string,
): Promise<{ client: HttpKubeClient; context: KubeContext }> {
  const kc = loadConfig(path);
  const name = context || kc.getCurrentContext();
  const ctx = kc.getContextObject(name);
  if (!ctx) {
    const known = kc.getContexts().map((c) => c.name);
    throw new CliError(
      `context "${name}" not found in ${path}`,
      2,
      `known contexts: ${known.join(', ') || 'none'} (kubectl config get-contexts)`,
    );
  }
  kc.setCurrentContext(name);
  const cluster = kc.getCurrentCluster();
  if (!cluster) throw new CliError(`context "${name}" in ${path} names no cluster`, 2);
  const opts: https.RequestOptions = {};
  await kc.applyToHTTPSOptions(opts);
  const headers = (opts.headers ?? {}) as Record<string, string>;
  const authz = headers.Authorization ?? headers.authorization;
  const user = kc.getCurrentUser();
  const client = createKubeClient({
    cluster: clusterName ?? name,
    server: cluster.server,
    tls: {
      caPem: pem(opts.ca),
      certPem: pem(opts.cert),
      keyPem: pem(opts.key),
      insecure: cluster.skipTLSVerify || undefined,
      serverName: cluster.tlsServerName || undefined,
    },
    auth: authz?.startsWith('Bearer ')
      ? { kind: 'bearer', token: authz.slice('Bearer '.length) }
      : user?.username && user.password
        ? { kind: 'basic', username: user.username, password: user.password }
        : { kind: 'none' },
  });
  return { client, context: { path, context: name, namespace: ctx.namespace, server: cluster.server } };
}
