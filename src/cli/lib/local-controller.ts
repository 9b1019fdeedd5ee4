/**
 * `argosy dev --kubeconfig FILE`: the controller half of the local stack — SQS emulator, watcher and
 * pollers feeding the real function handlers — driving clusters you already have (the main cluster
 * from a kubeconfig context; other clusters through Secret `rest-config`, as `argosy cluster add`
 * writes it). No AWS needed: a way to try Argosy on real clusters, or to debug the functions.
 */
import { createWorkflow } from '../../adapters/kube/resources.ts';
import type { Workflow } from '../../engine/types.ts';
import { startLocalController } from '../../local/controller.ts';
import type { Logger } from '../../logger.ts';
import { clientFromKubeconfig } from '../../clusters/kubeconfig.ts';
import { runKubeconfigPlugin } from '../../clusters/kubeconfig-plugin.ts';
import type { LocalStack } from './local-stack.ts';

export interface KubeconfigControllerOptions {
  kubeconfig: string;
  context?: string;
  mainCluster: string;
  logger: Logger;
  /** Placement policy file (absolute path), else config.placementPolicy. */
  policy?: string;
  resyncIntervalMs?: number;
}

/** Starts queue, functions and watcher against the clusters of a kubeconfig. */
export async function startKubeconfigController(
  opts: KubeconfigControllerOptions,
): Promise<LocalStack & { mainContext: string }> {
  const stops: (() => Promise<void> | void)[] = [];
  const stopAll = async () => {
    for (const s of stops.reverse()) await Promise.resolve(s()).catch(() => undefined);
  };
  try {
    const { client: mainClient, context } = await clientFromKubeconfig({
      kubeconfig: opts.kubeconfig,
      context: opts.context,
      cluster: opts.mainCluster,
      plugins: runKubeconfigPlugin,
    });
    stops.push(() => mainClient.close());
    const controller = await startLocalController({
      mainCluster: opts.mainCluster,
      mainClient,
      logger: opts.logger,
      config: opts.policy ? { placementPolicy: opts.policy } : {},
      readEnv: true,
      resyncIntervalMs: opts.resyncIntervalMs,
    });
    stops.push(() => controller.stop());
    const { queues, registry } = controller;
    return {
      clusters: undefined,
      kubeconfigPath: opts.kubeconfig,
      mainContext: context.context,
      mainCluster: opts.mainCluster,
      sqsEndpoint: queues.endpoint,
      queueUrls: queues.queueUrls,
      control: controller.reconcilePoller,
      registry,
      mainClient,
      submit: (wf: Workflow, ns = 'argo') => createWorkflow<Workflow>(mainClient, ns, wf),
      resyncNow: () => controller.resyncNow(),
      stop: stopAll,
    };
  } catch (e) {
    await stopAll();
    throw e;
  }
}
