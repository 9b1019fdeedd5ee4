/**
 * LIST: selectors, `limit`/`continue` pagination with tokens that expire (410) once their
 * resourceVersion leaves the history window, and the List envelope kube-apiserver returns.
 */
import type { ClusterState } from './objects.ts';
import { type KubeObject, type ResourceDef, apiVersionOf, resourceKey } from './resources.ts';
import { type FieldSelector, type Selector } from './selectors.ts';
import { ApiError, badRequest, failure } from './status.ts';

export interface ListQuery {
  namespace?: string;
  labels: Selector;
  /** The label selector's `key=value` requirements (the store's label index narrows the LIST by one). */
  labelEquals?: [string, string][];
  fields: FieldSelector;
  limit?: number;
  continueToken?: string;
  /**
   * A label or field selector was given: kube-apiserver then leaves `remainingItemCount` unset (the
   * number of matching items left is unknown without reading them all).
   */
  selective?: boolean;
}

interface ContinueToken {
  rv: number;
  /** Last key returned: `namespace/name`. */
  start: string;
}

function encodeToken(t: ContinueToken): string {
  return Buffer.from(JSON.stringify({ v: 'meta.k8s.io/v1', rv: t.rv, start: t.start })).toString('base64url');
}

function decodeToken(s: string): ContinueToken {
  try {
    const t = JSON.parse(Buffer.from(s, 'base64url').toString('utf8'));
    if (typeof t.rv === 'number' && typeof t.start === 'string') return { rv: t.rv, start: t.start };
  } catch {
    // fall through to the real server's message
  }
  throw badRequest('continue key is not valid: incorrect encoded start resourceVersion (version meta.k8s.io/v1)');
}

/** Runs a LIST and builds the `<Kind>List` envelope: one page, read from where the token left off. */
export function listObjects(state: ClusterState, def: ResourceDef, version: string, q: ListQuery): KubeObject {
  let rv = state.store.currentRv();
  let start = '';
  if (q.continueToken) {
    const token = decodeToken(q.continueToken);
    if (token.rv < state.store.compactedRv()) {
      const status = failure(
        410,
        'Expired',
        'The provided continue parameter is too old to display a consistent list result. You can start a new list ' +
          'without the continue parameter, or use the continue token in this response to retrieve the remainder of ' +
          'the results. Continuing with the provided token results in an inconsistent list - objects that were ' +
          'created, modified, or deleted between the time the first chunk was returned and now may show up in the list.',
      );
      status.metadata = { continue: encodeToken({ rv: state.store.currentRv(), start: token.start }) };
      throw new ApiError(status);
    }
    rv = token.rv;
    start = token.start;
  }
  const rk = resourceKey(def.group, def.resource);
  const namespace = def.namespaced ? q.namespace : undefined;
  const accept = (o: KubeObject) => q.labels(o.metadata.labels) && q.fields(o);
  const limit = q.limit && q.limit > 0 ? q.limit : 0;
  const page = state.store.page(rk, namespace, start, accept, limit, q.labelEquals);
  const items = page.items;
  const metadata: KubeObject = { resourceVersion: String(rv) };
  if (page.more) {
    metadata.continue = encodeToken({ rv, start: keyOf(items[items.length - 1]!) });
    if (!q.selective) metadata.remainingItemCount = page.rest;
  }
  return { kind: def.listKind, apiVersion: apiVersionOf(def, version), metadata, items };
}

function keyOf(o: KubeObject): string {
  return `${o.metadata.namespace ?? ''}\u0000${o.metadata.name}`;
}
