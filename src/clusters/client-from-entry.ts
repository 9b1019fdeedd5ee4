/**
 * Turns a parsed rest-config entry into a {@link HttpKubeClient}: TLS material, auth (bearer, basic,
 * client certificate, or EKS IAM tokens), Timeout, UserAgent and the QPS/Burst token bucket.
 */
import { readFileSync, statSync } from 'node:fs';
import { createKubeClient, type HttpKubeClient, type KubeAuth } from '../adapters/kube/http-client.ts';
import type { Logger } from '../logger.ts';
import type { RestConfigEntry } from './entry.ts';
import { createEksTokenSource, type EksTokenSourceOptions } from './eks-token.ts';

export interface ClientFromEntryOptions {
  logger?: Logger;
  /** Credentials for EKS tokens (tests); default = the AWS default provider chain. */
  awsCredentials?: EksTokenSourceOptions['credentials'];
  now?: () => Date;
}

/**
 * Builds the client for `cluster` from an entry.
 *
 * @example
 * const kube = clientFromEntry('other', parseEntry('other.', json));
 */
export function clientFromEntry(
  cluster: string,
  entry: RestConfigEntry,
  options: ClientFromEntryOptions = {},
): HttpKubeClient {
  return createKubeClient({
    cluster,
    server: entry.host,
    tls: {
      caPem: entry.tls.caPem || undefined,
      certPem: entry.tls.certPem || undefined,
      keyPem: entry.tls.keyPem || undefined,
      insecure: entry.tls.insecure,
      serverName: entry.tls.serverName || undefined,
    },
    auth: authOf(entry, options),
    timeoutMs: entry.timeoutMs,
    userAgent: entry.userAgent || undefined,
    qps: entry.qps,
    burst: entry.burst,
    disableCompression: entry.disableCompression,
    logger: options.logger?.child({ cluster }),
  });
}

function authOf(entry: RestConfigEntry, options: ClientFromEntryOptions): KubeAuth {
  if (entry.aws) {
    return {
      kind: 'bearer',
      token: createEksTokenSource({
        clusterName: entry.aws.clusterName,
        region: entry.aws.region,
        credentials: options.awsCredentials,
        now: options.now,
      }),
    };
  }
  if (entry.bearerTokenFile)
    return { kind: 'bearer', token: fileTokenSource(entry.bearerTokenFile, entry.bearerToken) };
  if (entry.bearerToken) return { kind: 'bearer', token: entry.bearerToken };
  if (entry.username) return { kind: 'basic', username: entry.username, password: entry.password };
  return { kind: 'none' };
}

/**
 * `BearerTokenFile`: re-read whenever the file changes (a projected ServiceAccount token is rotated
 * by the kubelet about hourly), checked with one stat per request. An unreadable file keeps the last
 * token: the API server's 401 then says what is wrong.
 */
export function fileTokenSource(path: string, initial: string): () => Promise<string> {
  let token = initial;
  let seen = -1;
  return async () => {
    try {
      const mtime = statSync(path).mtimeMs;
      if (mtime !== seen) {
        token = readFileSync(path, 'utf8').trim();
        seen = mtime;
      }
    } catch {
      // keep the last token
    }
    return token;
  };
}
