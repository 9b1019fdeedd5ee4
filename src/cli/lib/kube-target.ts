/**
 * Which Kubernetes API the commands talk to, in this order: `--kubeconfig`, `KUBECONFIG`, the state
 * file of a running `argosy dev`, then `~/.kube/config`. The main cluster is `--context` (or the
 * dev stack's main context, or the current context); the namespace is `-n`, then the dev stack's,
 * then the context's, then `argo`.
 */
import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import { delimiter, join } from 'node:path';
import type { HttpKubeClient } from '../../adapters/kube/http-client.ts';
import type { EntryRegistry } from '../../clusters/registry.ts';
import type { ClusterTarget, KubeClient } from '../../ports/kube.ts';
import { readDevState, type DevState } from './dev-state.ts';
import { clientFromKubeconfig, listContexts } from '../../clusters/kubeconfig.ts';
import { runKubeconfigPlugin } from '../../clusters/kubeconfig-plugin.ts';
import type { CliContext } from './context.ts';
import { isNotFound } from '../../adapters/kube/errors.ts';
import { failure, usageError } from './errors.ts';
import type { NodeStatusStore } from '../../ports/node-status.ts';
import { cliNodeStatus } from './node-status.ts';

export interface Target {
  client: HttpKubeClient;
  namespace: string;
  kubeconfigPath: string;
  context: string;
  mainCluster: string;
  dev?: DevState;
  /** A client for pods in (cluster, namespace): the rest-config registry, else a context named after the cluster. */
  clientFor(cluster: string, namespace: string): Promise<KubeClient>;
  /** Where offloaded node status is read (node-status.ts); set by {@link withTarget}. */
  nodeStatus?: NodeStatusStore;
  /** The configured places (rest-config entries), or the reason they cannot be read. */
  configuredTargets(): Promise<ClusterTarget[] | string>;
  close(): void;
}

function pickKubeconfig(ctx: CliContext): { path: string; dev?: DevState } {
  if (ctx.globals.kubeconfig) return { path: ctx.globals.kubeconfig };
  if (ctx.config.kubeconfig) return { path: ctx.config.kubeconfig };
  const dev = readDevState(ctx.config.home);
  if (dev) return { path: dev.kubeconfigPath, dev };
  const home = join(homedir(), '.kube', 'config');
  if (existsSync(home)) return { path: home };
  throw usageError(
    'no cluster to talk to: no --kubeconfig, no KUBECONFIG, no running `argosy dev`, no ~/.kube/config',
    'start `argosy dev` in another terminal, or pass --kubeconfig FILE',
  );
}

/** Resolves the main cluster's client and the namespace for a command. */
export async function resolveTarget(ctx: CliContext): Promise<Target> {
  const { path, dev } = pickKubeconfig(ctx);
  if (!path.split(delimiter).some((p) => existsSync(p))) {
    throw usageError(`kubeconfig ${path} does not exist`, 'pass --kubeconfig FILE or start `argosy dev`');
  }
  const mainCluster = dev?.mainCluster ?? ctx.config.clusterName;
  const { client, context } = await clientFromKubeconfig({
    kubeconfig: path,
    context: ctx.globals.context || dev?.mainContext,
    cluster: mainCluster,
    plugins: runKubeconfigPlugin,
  });
  const namespace = ctx.globals.namespace || dev?.namespace || context.namespace || 'argo';
  const others = new OtherClusters(ctx, path, mainCluster, client);
  return {
    client,
    namespace,
    kubeconfigPath: path,
    context: context.context,
    mainCluster,
    dev,
    clientFor: (cluster, ns) => others.clientFor(cluster, ns),
    configuredTargets: () => others.configuredTargets(),
    close: () => {
      client.close();
      others.close();
    },
  };
}

/**
 * Clients for pods in other clusters: the rest-config registry first (what the controller and
 * argo-server use), then a kubeconfig context named after the cluster (the user's own credentials,
 * e.g. the contexts `argosy dev` generates).
 */
class OtherClusters {
  private registry: EntryRegistry | undefined;
  private readonly byContext = new Map<string, HttpKubeClient>();

  constructor(
    private readonly ctx: CliContext,
    private readonly kubeconfig: string,
    private readonly mainCluster: string,
    private readonly mainClient: HttpKubeClient,
  ) {}

  async clientFor(cluster: string, ns: string): Promise<KubeClient> {
    if (cluster === this.mainCluster) return this.mainClient;
    const viaRegistry = await this.fromRegistry(cluster, ns);
    if (typeof viaRegistry !== 'string') return viaRegistry;
    const viaContext = await this.fromContext(cluster);
    if (viaContext) return viaContext;
    throw usageError(
      `unknown cluster "${cluster}": ${viaRegistry}; and no context named "${cluster}" in ${this.kubeconfig}`,
      `register it with \`argosy cluster add ${cluster}. CONTEXT\`, or add a kubeconfig context named ${cluster}`,
    );
  }

  async configuredTargets(): Promise<ClusterTarget[] | string> {
    try {
      return await (await this.loadRegistry()).targets();
    } catch (e) {
      return (e as Error).message;
    }
  }

  close(): void {
    this.registry?.close();
    for (const c of this.byContext.values()) c.close();
  }

  /** Loaded on first use: the registry pulls in the AWS SDK (Secrets Manager store). */
  private async loadRegistry(): Promise<EntryRegistry> {
    const { buildClusterRegistry } = await import('../../clusters/build.ts');
    this.registry ??= await buildClusterRegistry({
      config: { ...this.ctx.config, clusterName: this.mainCluster },
      logger: this.ctx.logger,
      mainClient: this.mainClient,
    });
    return this.registry;
  }

  /** The registry's client, or why it has none. */
  private async fromRegistry(cluster: string, ns: string): Promise<KubeClient | string> {
    try {
      return await (await this.loadRegistry()).clientFor(cluster, ns);
    } catch (e) {
      return (e as Error).message;
    }
  }

  private async fromContext(cluster: string): Promise<KubeClient | undefined> {
    const cached = this.byContext.get(cluster);
    if (cached) return cached;
    const contexts = listContexts(this.kubeconfig);
    const name = contexts.find((c) => c === cluster) ?? contexts.find((c) => c.endsWith(`-${cluster}`));
    if (!name) return undefined;
    const built = await clientFromKubeconfig({
      kubeconfig: this.kubeconfig,
      context: name,
      cluster,
      plugins: runKubeconfigPlugin,
    });
    this.byContext.set(cluster, built.client);
    return built.client;
  }
}

/** Gives `target` the node status store the configuration names (closed with the target). */
export function attachNodeStatus(ctx: CliContext, target: Target, dev = target.dev): Target {
  const nodeStatus = cliNodeStatus(ctx.config, dev);
  if (!nodeStatus) return target;
  const close = target.close;
  return Object.assign(target, { nodeStatus, close: () => (close(), nodeStatus.close()) });
}

/** Runs `fn` with the resolved target and closes its connections afterwards. */
export async function withTarget<T>(ctx: CliContext, fn: (target: Target) => Promise<T>): Promise<T> {
  const target = attachNodeStatus(ctx, await resolveTarget(ctx));
  try {
    return await fn(target);
  } finally {
    target.close();
  }
}

/** Runs a call on one workflow, turning NotFound into exit 1 with the namespace named. */
export async function onWorkflow<T>(target: Target, name: string, call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (e) {
    if (isNotFound(e)) {
      throw failure(
        `workflow "${name}" not found in namespace "${target.namespace}"`,
        'list them with `argosy list -A`',
      );
    }
    throw e;
  }
}
