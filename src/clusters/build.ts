/**
 * Wiring of the registry from the configuration, for the three ways Argosy runs:
 * local mode / CLI (main client from a kubeconfig context), the in-cluster watcher (service account),
 * and Lambda (entries, including the main cluster's, from AWS Secrets Manager, read with a thin signed call).
 */
import type { Config } from '../config.ts';
import type { Logger } from '../logger.ts';
import type { KubeClient } from '../ports/kube.ts';
import type { ClientFromEntryOptions } from './client-from-entry.ts';
import { SecretStoreError } from './errors.ts';
import { inClusterClient } from './in-cluster.ts';
import { createEntryRegistry, type EntryRegistry } from './registry.ts';
import { createSecretsManagerStore, type SecretsManagerLike } from './stores/aws-secretsmanager.ts';
import { createKubernetesStore } from './stores/kubernetes.ts';
import type { SecretStore } from './stores/types.ts';

export interface BuildRegistryOptions {
  config: Config;
  logger: Logger;
  /** Main cluster client (local mode/CLI). Default: in-cluster service account, else the `<main>.` entry. */
  mainClient?: KubeClient;
  /** Overrides the store chosen by config.secretStore (e.g. Lambda's thin-read Secrets Manager store). */
  store?: SecretStore;
  /** Secrets Manager client for the aws-secretsmanager store (tests, custom endpoints). */
  secretsManager?: SecretsManagerLike;
  clientOptions?: ClientFromEntryOptions;
}

/**
 * Builds the registry the configuration describes.
 *
 * @example
 * // Lambda (src/runtime/lambda.ts): the store reads with a thin SigV4 GetSecretValue
 * const store = createSecretsManagerStore({ secretId: config.secretName, getSecretValue: lambdaGetSecretValue(config) });
 * const registry = await buildClusterRegistry({ config, logger, store });
 */
export async function buildClusterRegistry(options: BuildRegistryOptions): Promise<EntryRegistry> {
  const { config, logger } = options;
  const mainClient = options.mainClient ?? inClusterClient(config, { logger });
  const store = options.store ?? configuredStore(options, mainClient);
  return createEntryRegistry({
    mainCluster: config.clusterName,
    mainClient,
    mainNamespace: config.managedNamespace,
    store,
    cacheMs: config.secretCacheMs,
    logger,
    clientOptions: options.clientOptions,
  });
}

/** The store config.secretStore names (local mode wraps it to record its reads). */
export function configuredStore(
  options: Pick<BuildRegistryOptions, 'config' | 'secretsManager'>,
  mainClient: KubeClient | undefined,
): SecretStore {
  const { config } = options;
  if (config.secretStore === 'aws-secretsmanager') {
    return createSecretsManagerStore({ secretId: config.secretName, client: options.secretsManager });
  }
  if (!mainClient) {
    throw new SecretStoreError(
      'kubernetes',
      'the kubernetes store lives in the main cluster, but there is no main cluster client ' +
        '(not in a pod, and no kubeconfig context given); use --kubeconfig/--context or ARGOSY_SECRET_STORE=aws-secretsmanager',
    );
  }
  return createKubernetesStore({ client: mainClient, namespace: config.controllerNamespace, name: config.secretName });
}
