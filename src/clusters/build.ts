/**
 * Wiring of the registry from the configuration, for the three ways Argosy runs:
 * local mode / CLI (main client from a kubeconfig context), the in-cluster watcher (service account),
 * and Lambda (entries, including the main cluster's, from AWS Secrets Manager, read with a thin signed call).
 */
import type { Config } from '../config.ts';
import type { Logger } from '../logger.ts';
import type { KubeClient } from '../ports/kube.ts';
import type { ClientFromEntryOptions } from './client-from-entry.ts';
import { inClusterClient } from './in-cluster.ts';
import { createEntryRegistry, type EntryRegistry } from './registry.ts';
import type { SecretsManagerLike } from './stores/aws-secretsmanager.ts';
import { createSecretStore, type StoreParams } from './stores/factory.ts';
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
  /** The aws-secretsmanager store's read without the SDK (the Lambda functions' thin signed call). */
  getSecretValue?: StoreParams['getSecretValue'];
  clientOptions?: ClientFromEntryOptions;
}

/**
 * Builds the registry the configuration describes.
 *
 * @example
 * // Lambda (src/runtime/lambda.ts): the store reads with a thin SigV4 GetSecretValue
 * const registry = await buildClusterRegistry({ config, logger, getSecretValue: lambdaGetSecretValue(config) });
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
    removedGraceMs: config.removedEntryGraceMs,
    logger,
    clientOptions: options.clientOptions,
  });
}

/** The store config.secretStore names (local mode wraps it to record its reads). */
export function configuredStore(
  options: Pick<BuildRegistryOptions, 'config' | 'secretsManager' | 'getSecretValue'>,
  mainClient: KubeClient | undefined,
): SecretStore {
  const { config } = options;
  return createSecretStore(config.secretStore, {
    secretName: config.secretName,
    namespace: config.controllerNamespace,
    ...(mainClient ? { mainClient } : {}),
    ...(options.secretsManager ? { secretsManager: options.secretsManager } : {}),
    ...(options.getSecretValue ? { getSecretValue: options.getSecretValue } : {}),
  });
}
