/**
 * Turns a parsed rest-config entry into a {@link HttpKubeClient}: TLS material, auth (bearer, basic,
 * client certificate, or EKS IAM tokens), Timeout, UserAgent and the QPS/Burst token bucket.
 */
import { readFileSync, statSync } from 'node:fs';
import { createSecureContext } from 'node:tls';
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
  checkTlsMaterial(entry);
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

/**
 * Certificate and key data Node cannot load (bad PEM, a key that does not match its certificate) would
 * otherwise fail every request with a bare OpenSSL error far from the entry. Checked when the client is
 * built (not at parse: an entry is only refused where it is used). OpenSSL's messages name the problem,
 * never the key material.
 */
function checkTlsMaterial(entry: RestConfigEntry): void {
  const { caPem, certPem, keyPem } = entry.tls;
  if (!caPem && !certPem && !keyPem) return;
  try {
    createSecureContext({ ca: caPem || undefined, cert: certPem || undefined, key: keyPem || undefined });
  } catch (e) {
    throw new TlsMaterialError((e as Error).message);
  }
}

/** The entry's TLS data cannot be loaded (callers name the entry and the fix). */
export class TlsMaterialError extends Error {
  override name = 'TlsMaterialError';
  readonly field = 'TLSClientConfig';
  readonly problem: string;
  constructor(reason: string) {
    super(`certificate/key data cannot be loaded (${reason})`);
    this.problem = this.message;
  }
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
