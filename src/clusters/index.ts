/**
 * Multi-cluster access: rest-config entries, secret stores, the cluster registry and the placement
 * policy. Named re-exports only (no `export *`). `./kubeconfig.ts` (CLI only: it pulls in
 * @kubernetes/client-node) is deliberately not re-exported, so the Lambda bundle stays thin.
 */
export { buildClusterRegistry, type BuildRegistryOptions } from './build.ts';
export { clientFromEntry, type ClientFromEntryOptions } from './client-from-entry.ts';
export { createEksToken, createEksTokenSource, EKS_TOKEN_PREFIX } from './eks-token.ts';
export { authKindOf, parseEntry, type AuthKind, type RestConfigEntry } from './entry.ts';
export {
  ClusterNotConfiguredError,
  EntryInvalidError,
  InvalidKeyError,
  SecretStoreError,
  clusterNotConfiguredMessage,
  isClusterNotConfiguredError,
  isEntryInvalidError,
  isInvalidKeyError,
  isSecretStoreError,
} from './errors.ts';
export { inClusterClient, isInCluster } from './in-cluster.ts';
export { keyOf, lookupKey, normaliseKey, parseKey } from './keys.ts';
export {
  checkPlacement,
  DEFAULT_PLACEMENT_POLICY,
  evaluatePlacement,
  loadPlacementPolicy,
  placementDenial,
  PlacementPolicyError,
  type PlacementPolicy,
} from './policy.ts';
export { createEntryRegistry, type EntryRegistry, type EntryRegistryOptions } from './registry.ts';
export { createSecretsManagerStore } from './stores/aws-secretsmanager.ts';
export { createKubernetesStore } from './stores/kubernetes.ts';
export {
  createMiddyFedStore,
  feedStoreMiddleware,
  restConfigSecretsOptions,
  REST_CONFIG_CONTEXT_KEY,
} from './stores/middy.ts';
export { staticStore } from './stores/snapshot.ts';
export type { SecretStore, StoreSnapshot, WritableSecretStore } from './stores/types.ts';
