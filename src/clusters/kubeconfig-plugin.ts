/**
 * Exec/auth-provider kubeconfig contexts for the CLI: @kubernetes/client-node runs the plugin (as
 * kubectl would) and Argosy's own client uses the result. Its own module, passed to
 * `clientFromKubeconfig({ plugins })`, so only the CLI loads the package — imported on first use
 * because loading it costs over half a second.
 */
import type https from 'node:https';
import { delimiter } from 'node:path';
import type { KubeAuth, KubeTlsOptions } from '../adapters/kube/http-client.ts';
import type { PluginAuth } from './kubeconfig.ts';

/** Runs `context`'s plugin from the first file of `path` and returns its TLS material and token. */
export const runKubeconfigPlugin: PluginAuth = async (path, context) => {
  const { KubeConfig } = await import('@kubernetes/client-node');
  const kc = new KubeConfig();
  kc.loadFromFile(path.split(delimiter)[0]!);
  kc.setCurrentContext(context);
  const opts: https.RequestOptions = {};
  await kc.applyToHTTPSOptions(opts);
  const pem = (v: unknown) =>
    v === undefined || v === null ? undefined : Buffer.isBuffer(v) ? v.toString('utf8') : String(v);
  const authz = ((opts.headers ?? {}) as Record<string, string>).Authorization;
  const tls: KubeTlsOptions = {
    caPem: pem(opts.ca),
    certPem: pem(opts.cert),
    keyPem: pem(opts.key),
    insecure: opts.rejectUnauthorized === false || undefined,
  };
  const auth: KubeAuth = authz?.startsWith('Bearer ') ? { kind: 'bearer', token: authz.slice(7) } : { kind: 'none' };
  return { tls, auth };
};
