/** The CLI's view of the store: the one config.secretStore names, through the store factory. */
import type { HttpKubeClient } from '../../adapters/kube/http-client.ts';
import { clientFromKubeconfig } from '../../clusters/kubeconfig.ts';
import { runKubeconfigPlugin } from '../../clusters/kubeconfig-plugin.ts';
import { createSecretStore } from '../../clusters/stores/factory.ts';
import type { WritableSecretStore } from '../../clusters/stores/types.ts';
import type { ClusterCliContext } from './cluster-context.ts';

/**
 * Opens the store the flags/config name; close when done. The main cluster's client (for the
 * kubernetes store) is built from the kube context only when the store is first used.
 */
export function openStore(ctx: ClusterCliContext): { store: WritableSecretStore; close: () => void } {
  const { config, flags } = ctx;
  let main: Promise<HttpKubeClient> | undefined;
  const mainClient = () =>
    (main ??= clientFromKubeconfig({
      kubeconfig: config.kubeconfig || undefined,
      context: flags.context,
      cluster: config.clusterName,
      plugins: runKubeconfigPlugin,
    }).then((r) => r.client));
  const store = createSecretStore(config.secretStore, {
    secretName: config.secretName,
    namespace: config.controllerNamespace,
    mainClient,
    ...(ctx.io.secretsManager ? { secretsManager: ctx.io.secretsManager } : {}),
  });
  return {
    store,
    close: () =>
      void main?.then(
        (c) => c.close(),
        () => undefined,
      ),
  };
}
