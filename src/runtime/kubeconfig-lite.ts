/**
 * Just enough kubeconfig reading for running the functions outside AWS (local invoke, tests): one
 * context's server, CA data and bearer token. The full reader (src/clusters/kubeconfig.ts) pulls
 * @kubernetes/client-node (~1.5 MB with its dependencies) into the Lambda bundle, which only pays for
 * this path in local runs — so the bundle gets this small one instead.
 */
import { readFileSync } from 'node:fs';
import { createKubeClient, type HttpKubeClient } from '../adapters/kube/http-client.ts';

interface Named<T> {
  name: string;
  cluster?: T;
  user?: T;
  context?: T;
}
interface KubeconfigDoc {
  'current-context'?: string;
  contexts?: Named<{ cluster: string; user: string }>[];
  clusters?: Named<{ server: string; 'certificate-authority-data'?: string }>[];
  users?: Named<{ token?: string }>[];
}

/**
 * A client for `context` (default: the current one) of the kubeconfig at `path`; token auth only.
 * Async so that `yaml` is imported only here: in Lambda there is no kubeconfig, and importing `yaml`
 * up front is ~8 ms of every cold start.
 */
export async function clientFromKubeconfigFile(
  path: string,
  context: string | undefined,
  cluster: string,
): Promise<HttpKubeClient> {
  const { parse } = await import('yaml');
  const doc = parse(readFileSync(path, 'utf8')) as KubeconfigDoc;
  const name = context && doc.contexts?.some((c) => c.name === context) ? context : doc['current-context'];
  const ctx = doc.contexts?.find((c) => c.name === name)?.context;
  const server = doc.clusters?.find((c) => c.name === ctx?.cluster)?.cluster;
  const user = doc.users?.find((u) => u.name === ctx?.user)?.user;
  if (!ctx || !server) throw new Error(`kubeconfig ${path}: no usable context "${name ?? ''}"`);
  const ca = server['certificate-authority-data'];
  return createKubeClient({
    cluster,
    server: server.server,
    tls: ca ? { caPem: Buffer.from(ca, 'base64').toString('utf8') } : {},
    auth: user?.token ? { kind: 'bearer', token: user.token } : { kind: 'none' },
  });
}
