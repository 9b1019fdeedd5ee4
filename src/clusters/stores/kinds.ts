/**
 * The kinds of rest-config store (ARGOSY_SECRET_STORE, `argosy cluster --store`). Kept apart from the
 * factory (./factory.ts) so configuration and CLI options can name them without loading a store.
 */
export const STORE_KINDS = ['kubernetes', 'aws-secretsmanager'] as const;
export type StoreKind = (typeof STORE_KINDS)[number];
