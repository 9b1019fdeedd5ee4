/**
 * Keys of rest-config entries: `cluster.namespace` (one namespace) or `cluster.` (every namespace).
 * Stored with a dot (Secret data keys cannot hold `/`); the slash spelling
 * (`other/argo`, `other/`) is accepted wherever a user or a store supplies a key and normalised.
 */
import type { ClusterTarget } from '../ports/kube.ts';
import { InvalidKeyError } from './errors.ts';

/** Cluster names and namespaces are DNS labels (RFC 1123), hence no dots. */
export const DNS_LABEL = /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/;

/**
 * Parses a key in dot or slash form into a {@link ClusterTarget} with the normalised dot key.
 * Throws {@link InvalidKeyError}.
 *
 * @example
 * parseKey('other/argo') // { key: 'other.argo', cluster: 'other', namespace: 'argo' }
 * parseKey('other.')     // { key: 'other.', cluster: 'other', namespace: '' }
 */
export function parseKey(input: string): ClusterTarget {
  const raw = input.trim();
  const hasDot = raw.includes('.');
  const hasSlash = raw.includes('/');
  if (hasDot && hasSlash) throw new InvalidKeyError(input, 'use either "cluster.namespace" or "cluster/namespace"');
  if (!hasDot && !hasSlash) throw new InvalidKeyError(input, `dot delimiter missing, do you mean "${raw}."?`);
  const parts = raw.split(hasDot ? '.' : '/');
  if (parts.length !== 2) {
    throw new InvalidKeyError(input, 'must be "cluster.namespace" or "cluster." (names cannot contain dots)');
  }
  const [cluster = '', namespace = ''] = parts;
  if (!DNS_LABEL.test(cluster)) {
    throw new InvalidKeyError(input, `cluster name "${cluster}" must be a DNS label (a-z, 0-9, "-")`);
  }
  if (namespace !== '' && !DNS_LABEL.test(namespace)) {
    throw new InvalidKeyError(input, `namespace "${namespace}" must be a DNS label (a-z, 0-9, "-")`);
  }
  return { key: `${cluster}.${namespace}`, cluster, namespace };
}

/** The normalised dot form of a key (throws {@link InvalidKeyError}). */
export function normaliseKey(input: string): string {
  return parseKey(input).key;
}

/** The key of (cluster, namespace); `namespace = ''` gives the cluster-scoped key. */
export function keyOf(cluster: string, namespace: string): string {
  return `${cluster}.${namespace}`;
}

/** Result of {@link lookupKey}: the key to use, and the cluster-scoped key it shadows, if both exist. */
export interface KeyMatch {
  key: string;
  /** Set when both `C.N` and `C.` exist: the exact key wins, the caller warns once. */
  shadowed?: string;
}

/**
 * The precedence rule: `cluster.namespace` first, then `cluster.`. Both present is defined (the exact
 * one wins) and reported through `shadowed`, so a shadowed entry is never a silent surprise.
 */
export function lookupKey(has: (key: string) => boolean, cluster: string, namespace: string): KeyMatch | undefined {
  const exact = keyOf(cluster, namespace);
  const wide = keyOf(cluster, '');
  if (namespace !== '' && has(exact)) return has(wide) ? { key: exact, shadowed: wide } : { key: exact };
  if (has(wide)) return { key: wide };
  return undefined;
}
