/**
 * The Lambda path for the Secrets Manager store: `@middy/secrets-manager` fetches and caches the secret
 * (cacheExpiry = config.secretCacheMs) and puts it on `request.context`; a tiny middleware hands that
 * value to a store the registry reads. A rotated entry takes effect when middy's cache expires.
 */
import type { Config } from '../../config.ts';
import { SecretStoreError } from '../errors.ts';
import { parseSecretString } from './aws-secretsmanager.ts';
import { snapshotFrom } from './snapshot.ts';
import type { SecretStore } from './types.ts';

/** Where middy puts the secret on `request.context`. */
export const REST_CONFIG_CONTEXT_KEY = 'argosyRestConfig';

/**
 * Options for `secretsManager(...)` from `@middy/secrets-manager`.
 *
 * @example
 * middy(handler).use(secretsManager(restConfigSecretsOptions(config))).use(feedStoreMiddleware(store))
 */
export function restConfigSecretsOptions(config: Pick<Config, 'secretName' | 'secretCacheMs'>) {
  return {
    fetchData: { [REST_CONFIG_CONTEXT_KEY]: config.secretName },
    cacheKey: 'argosy-rest-config',
    cacheExpiry: config.secretCacheMs,
    setToContext: true,
  } as const;
}

/** A store fed by middy: `feed(value)` on every invocation, `load()` returns the last value. */
export interface MiddyFedStore extends SecretStore {
  feed(value: unknown): void;
}

export function createMiddyFedStore(secretId: string): MiddyFedStore {
  let record: Record<string, unknown> | undefined;
  return {
    kind: 'middy',
    location: `AWS Secrets Manager secret ${secretId} (via middy)`,
    selfCaching: true,
    feed(value) {
      // middy parses JSON when it can; a string here is a SecretString it could not parse.
      record =
        typeof value === 'string'
          ? parseSecretString(secretId, value)
          : value && typeof value === 'object'
            ? (value as Record<string, unknown>)
            : {};
    },
    async load() {
      if (!record) throw new SecretStoreError('middy', `secret ${secretId} was not fetched (is the middleware wired?)`);
      return snapshotFrom(record);
    },
  };
}

/** Middleware (after `@middy/secrets-manager`) that feeds the fetched secret to `store`. */
export function feedStoreMiddleware(store: MiddyFedStore): {
  before: (request: { context: object }) => void;
} {
  return {
    before: (request) => {
      store.feed((request.context as Record<string, unknown>)[REST_CONFIG_CONTEXT_KEY]);
    },
  };
}
