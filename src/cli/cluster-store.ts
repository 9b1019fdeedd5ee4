/** The CLI's view of the store: the main cluster's client from a kube context, and the chosen store. */
import type { HttpKubeClient } from '../adapters/kube/http-client.ts';
import { kubeClientFromKubeconfig } from '../clusters/kubeconfig.ts';
import { createSecretsManagerStore } from '../clusters/stores/aws-secretsmanager.ts';
import { createKubernetesStore } from '../clusters/stores/kubernetes.ts';
import type { WritableSecretStore } from '../clusters/stores/types.ts';
import type { ClusterCliContext } from './cluster.ts';

/** Opens the store the flags/config name; close the returned client when done. */
export function openStore(ctx: ClusterCliContext): { store: WritableSecretStore; close: () => void } {
  const { config, flags } = ctx;
  if (config.secretStore === 'aws-secretsmanager') {
    return {
      store: createSecretsManagerStore({ secretId: config.secretName, client: ctx.io.secretsManager }),
      close: () => undefined,
    };
  }
  const main: HttpKubeClient = kubeClientFromKubeconfig({
    kubeconfig: config.kubeconfig || undefined,
    context: flags.context,
    cluster: config.clusterName,
    logger: ctx.logger,
  });
  return {
    store: createKubernetesStore({ client: main, namespace: config.controllerNamespace, name: config.secretName }),
    close: () => main.close(),
  };
}
