/**
 * Parses request paths into what they address, the way kube-apiserver's RequestInfo does:
 * resource requests (`/api/v1/namespaces/<ns>/<resource>/<name>/<subresource>`, the legacy
 * `/watch/` prefix, cluster-scoped and all-namespace forms) versus non-resource paths.
 */

export interface ResourceRequest {
  kind: 'resource';
  group: string;
  version: string;
  resource: string;
  namespace?: string;
  name?: string;
  subresource?: string;
  /** Legacy `/watch/` prefix. */
  watchPrefix: boolean;
}

export interface NonResourceRequest {
  kind: 'nonresource';
  path: string;
}

export type RequestInfo = ResourceRequest | NonResourceRequest;

/** Splits a URL path into a {@link RequestInfo}. */
export function parsePath(path: string): RequestInfo {
  let parts: string[];
  try {
    parts = path
      .split('/')
      .filter((p) => p !== '')
      .map(decodeURIComponent);
  } catch {
    return { kind: 'nonresource', path }; // undecodable ⇒ not a resource path ⇒ 404
  }
  let rest: string[];
  let group: string;
  let version: string;
  if (parts[0] === 'api' && parts.length >= 3) {
    group = '';
    version = parts[1]!;
    rest = parts.slice(2);
  } else if (parts[0] === 'apis' && parts.length >= 4) {
    group = parts[1]!;
    version = parts[2]!;
    rest = parts.slice(3);
  } else {
    return { kind: 'nonresource', path };
  }
  let watchPrefix = false;
  if (rest[0] === 'watch') {
    watchPrefix = true;
    rest = rest.slice(1);
  }
  const req: ResourceRequest = { kind: 'resource', group, version, resource: '', watchPrefix };
  // `namespaces/<ns>/<resource>...` is namespaced unless it addresses the namespace itself.
  if (rest[0] === 'namespaces' && rest.length >= 3 && rest[2] !== 'status' && rest[2] !== 'finalize') {
    req.namespace = rest[1];
    rest = rest.slice(2);
  }
  req.resource = rest[0] ?? '';
  if (rest[1] !== undefined) req.name = rest[1];
  if (rest[2] !== undefined) req.subresource = rest[2];
  if (rest.length > 3) return { kind: 'nonresource', path };
  return req;
}
