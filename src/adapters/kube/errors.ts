/**
 * Typed errors of the Kubernetes REST client. Messages carry the cluster, verb and path and the API
 * server's Status message, never a credential. Guards are keyed on `name` (not `instanceof`) because
 * local mode may load two copies of this module.
 */

/** The non-2xx answer of an API server, with the fields of its `Status` object. */
export class KubeApiError extends Error {
  override name = 'KubeApiError' as const;
  /** HTTP status code (or the Status `code` of a watch ERROR event). */
  readonly statusCode: number;
  /** Status `reason` (`NotFound`, `AlreadyExists`, `Conflict`, `Expired`, ...), `''` when absent. */
  readonly reason: string;
  /** Status `message` as the server wrote it. */
  readonly statusMessage: string;
  readonly cluster: string;
  readonly verb: string;
  readonly path: string;
  /** Seconds from `Retry-After`, when the server sent one (429, 503). */
  readonly retryAfterSeconds: number | undefined;

  constructor(init: {
    statusCode: number;
    reason?: string;
    message?: string;
    cluster: string;
    verb: string;
    path: string;
    retryAfterSeconds?: number;
  }) {
    const reason = init.reason ?? '';
    const msg = init.message ?? '';
    super(
      `${init.verb} ${init.path} on cluster "${init.cluster}": ${init.statusCode}${reason ? ` ${reason}` : ''}` +
        (msg ? `: ${msg}` : ''),
    );
    this.statusCode = init.statusCode;
    this.reason = reason;
    this.statusMessage = msg;
    this.cluster = init.cluster;
    this.verb = init.verb;
    this.path = init.path;
    this.retryAfterSeconds = init.retryAfterSeconds;
  }
}

/** Why a cluster could not be reached at all. */
export type UnreachableKind = 'x509' | 'refused' | 'dns' | 'timeout' | 'reset' | 'other';

/** The request never got an HTTP answer: TLS verification, DNS, refused connection, timeout. */
export class KubeUnreachableError extends Error {
  override name = 'KubeUnreachableError' as const;
  readonly cluster: string;
  readonly verb: string;
  readonly path: string;
  readonly kind: UnreachableKind;
  /** The low-level code (`ECONNREFUSED`, `DEPTH_ZERO_SELF_SIGNED_CERT`, `ETIMEDOUT`, ...). */
  readonly code: string;
  /** A human explanation with the likely fix. */
  readonly diagnosis: string;

  constructor(init: { cluster: string; verb: string; path: string; host: string; cause: unknown }) {
    const code = errorCode(init.cause);
    const kind = classifyCode(code);
    const diagnosis = diagnose(kind, code, init.host);
    super(`${init.verb} ${init.path} on cluster "${init.cluster}": unreachable (${code}): ${diagnosis}`, {
      cause: init.cause,
    });
    this.cluster = init.cluster;
    this.verb = init.verb;
    this.path = init.path;
    this.kind = kind;
    this.code = code;
    this.diagnosis = diagnosis;
  }
}

const X509_CODES = new Set([
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'CERT_HAS_EXPIRED',
  'CERT_NOT_YET_VALID',
  'CERT_SIGNATURE_FAILURE',
  'ERR_TLS_CERT_ALTNAME_INVALID',
  'CERT_UNTRUSTED',
  'CERT_REJECTED',
]);

function errorCode(cause: unknown): string {
  if (cause && typeof cause === 'object') {
    const c = cause as { code?: unknown; name?: unknown };
    if (typeof c.code === 'string' && c.code) return c.code;
    if (c.name === 'TimeoutError') return 'ETIMEDOUT';
  }
  return 'UNKNOWN';
}

function classifyCode(code: string): UnreachableKind {
  if (X509_CODES.has(code) || code.startsWith('ERR_SSL') || code.startsWith('ERR_TLS')) return 'x509';
  if (code === 'ECONNREFUSED') return 'refused';
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN') return 'dns';
  if (code === 'ETIMEDOUT' || code === 'ESOCKETTIMEDOUT' || code === 'UND_ERR_CONNECT_TIMEOUT') return 'timeout';
  if (code === 'ECONNRESET' || code === 'EPIPE' || code === 'ECONNABORTED') return 'reset';
  return 'other';
}

function diagnose(kind: UnreachableKind, code: string, host: string): string {
  switch (kind) {
    case 'x509':
      return (
        `x509: the server certificate of ${host} could not be verified (${code}); ` +
        'check TLSClientConfig.CAData (the cluster CA, base64 PEM) and TLSClientConfig.ServerName'
      );
    case 'refused':
      return `connection refused by ${host}; is the API server running and the port right?`;
    case 'dns':
      return `the host name of ${host} does not resolve (DNS); check Host`;
    case 'timeout':
      return `no answer from ${host} in time; check network paths/security groups, or raise Timeout`;
    case 'reset':
      return `the connection to ${host} was reset; a proxy, load balancer or TLS mismatch may be in the way`;
    default:
      return `could not reach ${host}`;
  }
}

/** True for {@link KubeApiError} (by name, so two module copies agree). */
export function isKubeApiError(e: unknown): e is KubeApiError {
  return !!e && typeof e === 'object' && (e as { name?: unknown }).name === 'KubeApiError';
}

/** True for {@link KubeUnreachableError}. */
export function isKubeUnreachableError(e: unknown): e is KubeUnreachableError {
  return !!e && typeof e === 'object' && (e as { name?: unknown }).name === 'KubeUnreachableError';
}

/** 404 NotFound. */
export function isNotFound(e: unknown): boolean {
  return isKubeApiError(e) && e.statusCode === 404;
}

/** 409 Conflict on a write (stale resourceVersion), not AlreadyExists. */
export function isConflict(e: unknown): boolean {
  return isKubeApiError(e) && e.statusCode === 409 && e.reason !== 'AlreadyExists';
}

/** 409 AlreadyExists on create. */
export function isAlreadyExists(e: unknown): boolean {
  return isKubeApiError(e) && e.statusCode === 409 && e.reason === 'AlreadyExists';
}

/** 410 Gone / Expired: a watch's resourceVersion is too old; re-list. */
export function isGone(e: unknown): boolean {
  return isKubeApiError(e) && e.statusCode === 410;
}

/** 401 or 403: the credential is wrong or lacks RBAC. */
export function isUnauthorized(e: unknown): boolean {
  return isKubeApiError(e) && (e.statusCode === 401 || e.statusCode === 403);
}

/**
 * Worth retrying: 5xx, 429, 409 Conflict (re-read and re-decide), 410 (re-list), timeouts and unreachable
 * clusters. Everything else (400, 401, 403, 404, 422, AlreadyExists) is terminal for that request.
 */
export function isTransient(e: unknown): boolean {
  if (isKubeUnreachableError(e)) return true;
  if (!isKubeApiError(e)) return false;
  const s = e.statusCode;
  return s >= 500 || s === 429 || s === 410 || s === 408 || isConflict(e) || isExceededQuota(e);
}

/**
 * 403 `exceeded quota` (a ResourceQuota admission refusal): room comes back as other pods end or the
 * quota is raised, so Argo's controller takes it as transient (util/errors isExceededQuotaErr) and keeps
 * the node Pending with the message instead of failing it.
 */
export function isExceededQuota(e: unknown): boolean {
  return isKubeApiError(e) && e.statusCode === 403 && e.statusMessage.includes('exceeded quota');
}
