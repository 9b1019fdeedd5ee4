/**
 * How to reach one cluster (server, TLS, authentication, limits): the options of `createKubeClient`
 * (http-client.ts, which re-exports them), in their own module so the transport can read them without
 * importing the client that uses it.
 */
import type { Logger } from '../../logger.ts';

/** How the client authenticates. A token function is called per request (it caches, e.g. EKS tokens). */
export type KubeAuth =
  | { kind: 'none' }
  | { kind: 'bearer'; token: string | (() => Promise<string>) }
  | { kind: 'basic'; username: string; password: string };

export interface KubeTlsOptions {
  /** PEM of the CA(s) that signed the server certificate; absent = the system roots. */
  caPem?: string;
  /** Client certificate and key (PEM) for certificate authentication. */
  certPem?: string;
  keyPem?: string;
  /** Skip server certificate verification (logged as a warning). */
  insecure?: boolean;
  /** Name checked against the server certificate (and sent as SNI) instead of the URL's host. */
  serverName?: string;
}

export interface KubeClientOptions {
  /** Cluster name, for errors and logs. */
  cluster: string;
  /** `https://host:port`, optionally with a path prefix (rest.Config Host + APIPath proxies). */
  server: string;
  tls?: KubeTlsOptions;
  auth?: KubeAuth;
  /** Per request; for watches and streams only until the response headers arrive. Default 30 s. */
  timeoutMs?: number;
  userAgent?: string;
  /** Token bucket; 0 = defaults (see rate-limit.ts). */
  qps?: number;
  burst?: number;
  disableCompression?: boolean;
  logger?: Logger;
}
