/**
 * The main cluster's client inside a pod: the service account token and CA the kubelet mounts, and
 * the API address from `KUBERNETES_SERVICE_HOST/PORT` (read through src/config.ts). The token file
 * is re-read every minute because bound service-account tokens rotate.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createKubeClient, type HttpKubeClient } from '../adapters/kube/http-client.ts';
import type { Config } from '../config.ts';
import type { Logger } from '../logger.ts';

const TOKEN_REREAD_MS = 60_000;

export interface InClusterOptions {
  logger?: Logger;
  readFile?: (path: string) => string;
  now?: () => number;
}

/** True when the process runs in a pod (the service host variable is set). */
export function isInCluster(config: Pick<Config, 'kubernetesServiceHost'>): boolean {
  return config.kubernetesServiceHost !== '';
}

/**
 * Builds the in-cluster client, or returns `undefined` outside a pod.
 *
 * @example
 * const main = inClusterClient(loadConfig()) ?? kubeconfigClient(...);
 */
export function inClusterClient(
  config: Pick<Config, 'clusterName' | 'kubernetesServiceHost' | 'kubernetesServicePort' | 'serviceAccountDir'>,
  options: InClusterOptions = {},
): HttpKubeClient | undefined {
  if (!isInCluster(config)) return undefined;
  const read = options.readFile ?? ((p: string) => readFileSync(p, 'utf8'));
  const now = options.now ?? Date.now;
  const host = config.kubernetesServiceHost.includes(':')
    ? `[${config.kubernetesServiceHost}]`
    : config.kubernetesServiceHost;
  const port = config.kubernetesServicePort || '443';
  let token = '';
  let readAt = -Infinity;
  return createKubeClient({
    cluster: config.clusterName,
    server: `https://${host}:${port}`,
    tls: { caPem: read(join(config.serviceAccountDir, 'ca.crt')) },
    auth: {
      kind: 'bearer',
      token: async () => {
        if (now() - readAt > TOKEN_REREAD_MS) {
          token = read(join(config.serviceAccountDir, 'token')).trim();
          readAt = now();
        }
        return token;
      },
    },
    logger: options.logger,
  });
}
