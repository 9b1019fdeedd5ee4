/**
 * Status objects shaped exactly like kube-apiserver's, and the error class handlers throw to send
 * one. Clients (kubectl, client-go, client-node) branch on `reason` and `code`, so both must match.
 */

/** Kind plus group used in `details` and in the "<resource> \"name\"" message prefix. */
export interface Qualified {
  /** Plural resource, e.g. `pods`, or `workflows.argoproj.io` style via {@link qualifiedResource}. */
  resource: string;
  group: string;
}

export interface StatusCause {
  reason: string;
  message: string;
  field?: string;
}

export interface KubeStatus {
  kind: 'Status';
  apiVersion: 'v1';
  metadata: Record<string, unknown>;
  status: 'Failure' | 'Success';
  message: string;
  reason: string;
  details?: {
    name?: string;
    group?: string;
    kind?: string;
    uid?: string;
    causes?: StatusCause[];
    retryAfterSeconds?: number;
  };
  code: number;
}

/** An API failure carried to the HTTP layer; `status` is what goes on the wire. */
export class ApiError extends Error {
  override readonly name = 'ApiError';
  constructor(readonly status: KubeStatus) {
    super(status.message);
  }
  get code(): number {
    return this.status.code;
  }
}

/** Builds a failure Status. */
export function failure(code: number, reason: string, message: string, details?: KubeStatus['details']): KubeStatus {
  const s: KubeStatus = { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message, reason, code };
  if (details) s.details = details;
  return s;
}

/** `pods` or `workflows.argoproj.io`, as kube-apiserver prints a GroupResource. */
export function qualifiedResource(q: Qualified): string {
  return q.group ? `${q.resource}.${q.group}` : q.resource;
}

function details(q: Qualified, name: string | undefined): KubeStatus['details'] {
  const d: NonNullable<KubeStatus['details']> = {};
  if (name) d.name = name;
  if (q.group) d.group = q.group;
  d.kind = q.resource;
  return d;
}

export function notFound(q: Qualified, name: string): ApiError {
  return new ApiError(failure(404, 'NotFound', `${qualifiedResource(q)} "${name}" not found`, details(q, name)));
}

export function alreadyExists(q: Qualified, name: string): ApiError {
  return new ApiError(
    failure(409, 'AlreadyExists', `${qualifiedResource(q)} "${name}" already exists`, details(q, name)),
  );
}

export function conflict(q: Qualified, name: string): ApiError {
  const msg =
    `Operation cannot be fulfilled on ${qualifiedResource(q)} "${name}": the object has been modified; ` +
    'please apply your changes to the latest version and try again';
  return new ApiError(failure(409, 'Conflict', msg, details(q, name)));
}

/** 422 Invalid: `Pod "x" is invalid: <cause>, <cause>` with causes listed in details. */
export function invalid(kind: string, group: string, name: string, causes: StatusCause[]): ApiError {
  const qualifiedKind = group ? `${kind}.${group}` : kind;
  const text = causes.map((c) => (c.field ? `${c.field}: ${c.message}` : c.message));
  const msg = `${qualifiedKind} "${name}" is invalid: ${text.length > 1 ? `[${text.join(', ')}]` : text[0]}`;
  const d: NonNullable<KubeStatus['details']> = { name, kind, causes };
  if (group) d.group = group;
  return new ApiError(failure(422, 'Invalid', msg, d));
}

export function badRequest(message: string): ApiError {
  return new ApiError(failure(400, 'BadRequest', message));
}

/** What kube-apiserver answers for a path it does not serve. */
export function pathNotFound(): ApiError {
  return new ApiError(failure(404, 'NotFound', 'the server could not find the requested resource', {}));
}

export function methodNotAllowed(verb: string, resource: string): ApiError {
  return new ApiError(
    failure(405, 'MethodNotAllowed', `the server does not allow this method on the requested resource`, {
      kind: resource,
    }),
  );
}

export function unauthorized(): ApiError {
  return new ApiError(failure(401, 'Unauthorized', 'Unauthorized'));
}

export function forbidden(q: Qualified, name: string | undefined, message: string): ApiError {
  const prefix = name ? `${qualifiedResource(q)} "${name}"` : qualifiedResource(q);
  return new ApiError(failure(403, 'Forbidden', `${prefix} is forbidden: ${message}`, details(q, name)));
}

export function gone(message: string): ApiError {
  return new ApiError(failure(410, 'Expired', message));
}

export function tooLarge(message: string): ApiError {
  return new ApiError(failure(413, 'RequestEntityTooLarge', message));
}

export function unsupportedMediaType(contentType: string): ApiError {
  return new ApiError(
    failure(
      415,
      'UnsupportedMediaType',
      `the body of the request was in an unknown format - accepted media types include: ` +
        `application/json-patch+json, application/merge-patch+json, application/apply-patch+yaml`,
      { kind: contentType },
    ),
  );
}

export function internal(message: string): ApiError {
  return new ApiError(
    failure(500, 'InternalError', `Internal error occurred: ${message}`, { causes: [{ reason: '', message }] }),
  );
}

/** Success Status (deletecollection on some resources, delete of namespaces...). */
export function success(details?: KubeStatus['details']): KubeStatus {
  const s: KubeStatus = {
    kind: 'Status',
    apiVersion: 'v1',
    metadata: {},
    status: 'Success',
    message: '',
    reason: '',
    code: 200,
  };
  if (details) s.details = details;
  return s;
}
