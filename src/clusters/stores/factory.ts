/**
 * The one place a store is made from its kind: the registry wiring (clusters/build.ts), the Lambda
 * wiring, `argosy cluster …` and `argosy doctor` all call {@link createSecretStore}. Adding a store:
 * a module in this folder implementing `WritableSecretStore`, its kind in ./kinds.ts, a row in
 * {@link STORES} (docs/architecture.md, "Where to add…").
 */
import type { KubeClient } from '../../ports/kube.ts';
import { SecretStoreError } from '../errors.ts';
import { createSecretsManagerStore, type SecretsManagerLike } from './aws-secretsmanager.ts';
import type { StoreKind } from './kinds.ts';
import { createKubernetesStore } from './kubernetes.ts';
import type { WritableSecretStore } from './types.ts';

/** What a store may need; each kind takes what is relevant to it. */
export interface StoreParams {
  /** The Secret's or the Secrets Manager secret's name (config.secretName). */
  secretName: string;
  /** Namespace of the Kubernetes Secret (config.controllerNamespace). */
  namespace: string;
  /** The main cluster's client (kubernetes); a function is called when the store is first used. */
  mainClient?: KubeClient | (() => KubeClient | Promise<KubeClient>);
  /** Secrets Manager SDK client (tests, custom endpoints); default: the default provider chain. */
  secretsManager?: SecretsManagerLike;
  /** Reads the secret without the SDK (the Lambda functions' thin signed call). */
  getSecretValue?: (secretId: string) => Promise<{ SecretString?: string }>;
}

const STORES: Record<StoreKind, (p: StoreParams) => WritableSecretStore> = {
  kubernetes: (p) => {
    if (!p.mainClient) {
      throw new SecretStoreError(
        'kubernetes',
        'the kubernetes store lives in the main cluster, but there is no main cluster client ' +
          '(not in a pod, and no kubeconfig context given); use --kubeconfig/--context or ARGOSY_SECRET_STORE=aws-secretsmanager',
      );
    }
    return createKubernetesStore({ client: p.mainClient, namespace: p.namespace, name: p.secretName });
  },
  'aws-secretsmanager': (p) =>
    createSecretsManagerStore({
      secretId: p.secretName,
      ...(p.secretsManager ? { client: p.secretsManager } : {}),
      ...(p.getSecretValue ? { getSecretValue: p.getSecretValue } : {}),
    }),
};

/**
 * The store of `kind`.
 *
 * @example
 * const store = createSecretStore(config.secretStore, { secretName: config.secretName, namespace: config.controllerNamespace, mainClient });
 */
export function createSecretStore(kind: StoreKind, params: StoreParams): WritableSecretStore {
  return STORES[kind](params);
}
