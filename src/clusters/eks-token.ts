/**
 * EKS IAM tokens, as `aws eks get-token` makes them: `k8s-aws-v1.` + base64url (no padding) of a
 * presigned STS `GetCallerIdentity` URL whose signature covers the header `x-k8s-aws-id: <cluster>`.
 * EKS accepts such a token for 15 minutes after signing; we cache it and sign anew a minute before.
 */
import type { AwsCredentialIdentity, AwsCredentialIdentityProvider } from '@smithy/types';
import { NodeSha256 } from '../adapters/aws/node-sha256.ts';
import { dnsSuffix } from '../adapters/aws/partition.ts';

export const EKS_TOKEN_PREFIX = 'k8s-aws-v1.';
/** How long EKS honours a token after its signing time. */
export const EKS_TOKEN_LIFETIME_MS = 15 * 60_000;
/** Sign a new token this long before the old one expires. */
export const EKS_TOKEN_REFRESH_MARGIN_MS = 60_000;

export interface EksTokenRequest {
  clusterName: string;
  region: string;
  credentials: AwsCredentialIdentity | AwsCredentialIdentityProvider;
  /** Signing time (injected for deterministic tests). */
  now?: Date;
}

/** A signed token and when EKS stops accepting it. */
export interface EksToken {
  token: string;
  expiresAt: Date;
}

/**
 * Presigns the STS URL and wraps it into a bearer token.
 *
 * @example
 * const { token } = await createEksToken({ clusterName: 'prod', region: 'eu-west-1', credentials });
 */
export async function createEksToken(req: EksTokenRequest): Promise<EksToken> {
  const now = req.now ?? new Date();
  // The partition's STS endpoint (sts.cn-north-1.amazonaws.com.cn in China), as `aws eks get-token`.
  const hostname = `sts.${req.region}.${dnsSuffix(req.region)}`;
  // Loaded on first use: the signer and @smithy/core would add to every Lambda cold start
  // (docs/performance.md), and only entries with EKS auth sign anything (esbuild inlines it as a lazy module).
  const { SignatureV4 } = await import('@smithy/signature-v4');
  const signer = new SignatureV4({
    credentials: req.credentials,
    region: req.region,
    service: 'sts',
    sha256: NodeSha256,
  });
  const signed = await signer.presign(
    {
      method: 'GET',
      protocol: 'https:',
      hostname,
      path: '/',
      query: { Action: 'GetCallerIdentity', Version: '2011-06-15' },
      headers: { host: hostname, 'x-k8s-aws-id': req.clusterName },
    },
    { expiresIn: 60, signingDate: now },
  );
  const params = new URLSearchParams();
  const query = signed.query ?? {};
  for (const name of Object.keys(query).sort()) {
    const v = query[name];
    for (const item of Array.isArray(v) ? v : [v]) if (item !== null && item !== undefined) params.append(name, item);
  }
  const url = `https://${hostname}/?${params.toString()}`;
  return {
    token: EKS_TOKEN_PREFIX + Buffer.from(url).toString('base64url'),
    expiresAt: new Date(now.getTime() + EKS_TOKEN_LIFETIME_MS),
  };
}

export interface EksTokenSourceOptions {
  clusterName: string;
  region: string;
  /** Defaults to the AWS SDK's default provider chain (env, web identity, ECS/Lambda role, IMDS...). */
  credentials?: AwsCredentialIdentityProvider;
  now?: () => Date;
}

/**
 * A token function for the Kube client's bearer auth: returns the cached token while it has more
 * than a minute left, otherwise signs a new one. Concurrent callers share one signing.
 */
export function createEksTokenSource(options: EksTokenSourceOptions): () => Promise<string> {
  const now = options.now ?? (() => new Date());
  let cached: EksToken | undefined;
  let inflight: Promise<EksToken> | undefined;
  let provider = options.credentials;
  return async () => {
    const t = now();
    if (cached && cached.expiresAt.getTime() - EKS_TOKEN_REFRESH_MARGIN_MS > t.getTime()) return cached.token;
    if (!inflight) {
      inflight = (async () => {
        if (!provider) {
          // Loaded lazily: only processes with an EKS entry pay for the provider chain.
          const { defaultProvider } = await import('@aws-sdk/credential-provider-node');
          provider = defaultProvider();
        }
        return createEksToken({
          clusterName: options.clusterName,
          region: options.region,
          credentials: provider,
          now: t,
        });
      })().finally(() => {
        inflight = undefined;
      });
    }
    cached = await inflight;
    return cached.token;
  };
}
