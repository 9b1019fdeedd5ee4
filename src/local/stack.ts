/**
 * Local mode in one call: embedded API servers for every cluster, the setup a platform team does for
 * another cluster (docs/architecture.md, "Local mode") (namespaces, the `workflow` ServiceAccount, an identity for Argosy in
 * each other cluster and its entry in Secret `rest-config`), the SQS emulator with the work/DLQ/timer
 * queues, the watcher in-process, and pollers that feed the SAME handler factories the Lambda
 * functions use. Everything speaks the real protocols (HTTPS to the API servers, SQS API to fauxqs).
 *
 * @example
 * const stack = await startLocalStack();
 * const wf = await stack.submit(yamlObject);
 * await stack.waitFor('argo', wf.metadata.name!, (w) => w.status?.phase === 'Succeeded', 60_000);
 * await stack.stop();
 */
import { DEFAULT_CONTROLLER_NAMESPACE, type Config } from '../config.ts';
import { silentLogger, type Logger } from '../logger.ts';
import type { EventSourceControl, NudgePublisher } from '../ports/event-source.ts';
import type { ClusterRegistry, KubeClient } from '../ports/kube.ts';
import type { Workflow } from '../engine/types.ts';
import { createKubeClient, type HttpKubeClient } from '../adapters/kube/http-client.ts';
import { isAlreadyExists } from '../adapters/kube/errors.ts';
import { workflowPath, workflowsPath } from '../adapters/kube/resources.ts';
import type { SecretStore } from '../clusters/stores/types.ts';
import type { EventPolicy } from '../runtime/events.ts';
import type { PolicyCheck } from '../runtime/placement.ts';
import type { DecideFn, ReconcileHooks } from '../runtime/reconcile.ts';
import type { RuntimeDeps } from '../runtime/deps.ts';
import type { Watcher } from '../watcher/watcher.ts';
import { startLocalClusters, type LocalClusterOptions, type LocalClusters } from './clusters.ts';
import { startLocalController } from './controller.ts';
import type { AwsCallLog } from './aws-calls.ts';
import type { CronResult } from '../runtime/cron-handler.ts';
import { FUNCTIONS_SUBJECT, installedRules, mainOverlay, REMOTE_SUBJECT, WATCHER_SUBJECT } from './identities.ts';
import type { LocalQueues } from './queue/sqs-server.ts';
import { workflowIdentities } from './workflow-rbac.ts';
import { configureArtifactRepository } from './artifact-repository.ts';

export interface LocalStackOptions {
  /** Cluster names; the first is the main cluster. Default `['main', 'other']`. */
  clusters?: string[];
  /** Labels written into the clusters' rest-config entries (`placement.clusterSelector`), by cluster. */
  clusterLabels?: Record<string, Record<string, string>>;
  /** Kubelet runtime: run commands as processes, or simulate them. Default `process`. */
  runtime?: 'process' | 'sim';
  dataDir?: string;
  logger?: Logger;
  /** Periodic resync interval (ms); 0 = only `resyncNow()`. Default 30 s. */
  resyncIntervalMs?: number;
  /** CronWorkflow evaluation interval (ms); 0 = only `cronNow()`. Default 10 s. */
  cronIntervalMs?: number;
  /** The clock CronWorkflows are evaluated with (test seam). */
  clock?: () => Date;
  /** Receives before a nudge is dead-lettered (default 5) and the local visibility timeout (s, default 5). */
  maxReceiveCount?: number;
  visibilityTimeoutSeconds?: number;
  /** Run the watcher (default true). Tests that drop nudges on purpose may turn it off. */
  watcher?: boolean;
  /** Serve the watcher's /healthz and /metrics (default: no, a library user may not want a port). */
  watcherHttp?: { host?: string; port?: number } | false;
  /** More options for the embedded clusters (sim defaults, bookmark interval, ...). */
  clusterOptions?: Partial<Omit<LocalClusterOptions, 'names' | 'runtime' | 'dataDir'>>;
  /** Test seams. `watcherPublisher` wraps what the watcher sends (to drop or duplicate nudges). */
  watcherPublisher?: (publisher: NudgePublisher) => NudgePublisher;
  /** Test seam: wraps the secret store the registry reads (to make it fail for a while). */
  secretStore?: (store: SecretStore) => SecretStore;
  /** The watcher's send-buffer bound (workflows); default the watcher's own. */
  watcherMaxPending?: number;
  /** How long a pod watch may fail before the watcher's /healthz does (ms). */
  watcherHealthGraceMs?: number;
  decide?: DecideFn;
  policy?: PolicyCheck;
  hooks?: ReconcileHooks;
  events?: EventPolicy;
  /** Extra configuration (instance id, managed namespace, ...). */
  config?: Partial<Record<keyof Config, unknown>>;
}

export interface LocalStack {
  clusters: LocalClusters;
  kubeconfigPath: string;
  mainCluster: string;
  sqsEndpoint: string;
  queueUrls: { work: string; dlq: string; timer: string };
  /** Pause/resume the queue → reconcile event source. */
  control: EventSourceControl;
  registry: ClusterRegistry;
  /** The main cluster's admin client. */
  mainClient: KubeClient;
  /** The main cluster as the functions reach it (group argosy-controller's RBAC from infra/k8s). */
  functionsClient: KubeClient;
  /** Every AWS action each deployed identity called (IAM parity test). */
  awsCalls: AwsCallLog;
  /** The registry as the watcher's identity sees it (its RBAC in the main cluster). */
  watcherRegistry: ClusterRegistry;
  /** The handler dependencies (counters, publisher) for tests and benches. */
  runtime: RuntimeDeps;
  watcher?: Watcher;
  queues: LocalQueues;
  submit(workflow: unknown, namespace?: string): Promise<Workflow>;
  waitFor(namespace: string, name: string, predicate: (wf: Workflow) => boolean, timeoutMs: number): Promise<Workflow>;
  resyncNow(): Promise<{ nudged: number }>;
  /** Evaluates every CronWorkflow now. */
  cronNow(): Promise<CronResult>;
  stop(): Promise<void>;
}

/**
 * Local mode's placement policy: the default (same namespace name in any configured cluster) plus
 * workflows of namespace `argo` may use namespace `batch` (the fan-out example's right branch).
 */
export const LOCAL_PLACEMENT_POLICY = JSON.stringify({
  apiVersion: 'argosy.io/v1alpha1',
  kind: 'PlacementPolicy',
  metadata: { name: 'local' },
  spec: {
    rules: [
      { name: 'same-namespace', effect: 'Allow', namespaces: ['$workflowNamespace'] },
      { name: 'argo-may-use-batch', effect: 'Allow', workflowNamespaces: ['argo'], namespaces: ['batch'] },
    ],
  },
});

/** Starts the whole local stack. */
export async function startLocalStack(opts: LocalStackOptions = {}): Promise<LocalStack> {
  const logger = opts.logger ?? silentLogger;
  const names = opts.clusters ?? ['main', 'other'];
  const mainName = names[0] ?? 'main';
  const stops: (() => Promise<void> | void)[] = [];
  const stopAll = async () => {
    for (const s of stops.reverse()) await Promise.resolve(s()).catch(() => undefined);
  };
  try {
    const clusters = await startLocalClusters({
      logger,
      ...opts.clusterOptions,
      names,
      runtime: opts.runtime ?? 'process',
      dataDir: opts.dataDir,
    });
    stops.push(() => clusters.stop());
    const m = clusters.get(mainName);
    const mainClient: HttpKubeClient = createKubeClient({
      cluster: mainName,
      server: m.url,
      tls: { caPem: m.caPem },
      auth: { kind: 'bearer', token: m.adminToken },
      qps: 1000,
      burst: 1000,
    });
    stops.push(() => mainClient.close());
    const storeNamespace = String(opts.config?.controllerNamespace ?? DEFAULT_CONTROLLER_NAMESPACE);
    await configureClusters(clusters, names, mainClient, storeNamespace, opts.clusterLabels);
    // The functions and the watcher reach the main cluster with the RBAC infra/k8s installs for them.
    const overlay = mainOverlay(opts.config?.managedNamespace as string | undefined);
    const clientAs = (id: string, rules: ReturnType<typeof installedRules>): HttpKubeClient => {
      const c = createKubeClient({
        cluster: mainName,
        server: m.url,
        tls: { caPem: m.caPem },
        auth: { kind: 'bearer', token: m.createIdentity(id, rules).token },
        qps: 1000,
        burst: 1000,
      });
      stops.push(() => c.close());
      return c;
    };
    const functionsClient = clientAs(FUNCTIONS_SUBJECT.user, installedRules(overlay, FUNCTIONS_SUBJECT));
    const watcherClient = clientAs(WATCHER_SUBJECT.user, installedRules(overlay, WATCHER_SUBJECT));
    const controller = await startLocalController({
      mainCluster: mainName,
      mainClient: functionsClient,
      watcherClient,
      logger,
      config: {
        secretCacheMs: 1000,
        placementPolicy: LOCAL_PLACEMENT_POLICY,
        // The sim runtime simulates the user's container only, not Argo's executor (no task results):
        // its pods are pods-only (docs/adr/0009-argo-executor-pods.md); the process runtime runs both.
        ...(opts.runtime === 'sim' ? { executorMode: 'pods' } : {}),
        ...opts.config,
      },
      ...timing(opts),
      watcher: opts.watcher,
      watcherHttp: opts.watcherHttp,
      watcherMaxPending: opts.watcherMaxPending,
      watcherHealthGraceMs: opts.watcherHealthGraceMs,
      watcherTargetsPollMs: 2000,
      watcherBackoffMs: { initial: 200, max: 2000 },
      watcherPublisher: opts.watcherPublisher,
      secretStore: opts.secretStore,
      decide: opts.decide,
      policy: opts.policy,
      hooks: opts.hooks,
      events: opts.events,
    });
    stops.push(() => controller.stop());
    const { queues, registry, runtime, watcher } = await withArtifactRepository(controller, clusters, mainClient);
    return {
      clusters,
      kubeconfigPath: clusters.kubeconfigPath,
      mainCluster: mainName,
      sqsEndpoint: queues.endpoint,
      queueUrls: queues.queueUrls,
      control: controller.reconcilePoller,
      registry,
      mainClient,
      functionsClient,
      awsCalls: controller.awsCalls,
      watcherRegistry: controller.watcherRegistry,
      runtime,
      watcher,
      queues,
      submit: (wf, namespace = 'argo') => submitWorkflow(mainClient, wf, namespace),
      waitFor: (ns, name, predicate, timeoutMs) => waitForWorkflow(mainClient, ns, name, predicate, timeoutMs),
      resyncNow: () => controller.resyncNow(),
      cronNow: () => controller.cronNow(),
      stop: stopAll,
    };
  } catch (e) {
    await stopAll();
    throw e;
  }
}

/** The queue and timer settings passed through to the controller as given. */
function timing(opts: LocalStackOptions) {
  const { maxReceiveCount, visibilityTimeoutSeconds, resyncIntervalMs, cronIntervalMs, clock } = opts;
  return { maxReceiveCount, visibilityTimeoutSeconds, resyncIntervalMs, cronIntervalMs, clock };
}

// ---------------------------------------------------------------------------------------------
// Setup: what a platform team does by hand before the seed example can run (seed: "Configure Your
// Other Cluster"): namespaces, the `workflow` ServiceAccount, an identity for Argosy in every other
// cluster with the pod rights infra/k8s/remote-cluster/rbac.yaml grants, and Secret `rest-config` in the main
// cluster holding one `cluster.` entry per other cluster, in the JSON shape of Go's rest.Config.

/** Namespaces each cluster gets: `argo` everywhere, plus `batch` in the other clusters (fan-out example). */
export function namespacesFor(cluster: string, mainCluster: string): string[] {
  return cluster === mainCluster ? ['argo'] : ['argo', 'batch'];
}

/** The rights infra/k8s/remote-cluster gives Argosy's identity in another cluster. */
export const REMOTE_RULES = installedRules('remote-cluster', REMOTE_SUBJECT);

async function createIgnoringExisting(client: KubeClient, path: string, body: unknown): Promise<void> {
  try {
    await client.request({ method: 'POST', path, body });
  } catch (e) {
    if (!isAlreadyExists(e)) throw e;
  }
}

/**
 * Prepares every cluster and writes Secret `rest-config` in the main cluster's controller namespace
 * (`storeNamespace`, its own namespace: workflows never run there).
 */
export async function configureClusters(
  clusters: LocalClusters,
  names: string[],
  mainClient: KubeClient,
  storeNamespace = DEFAULT_CONTROLLER_NAMESPACE,
  labels: Record<string, Record<string, string>> = {},
): Promise<void> {
  const mainName = names[0] ?? 'main';
  await createIgnoringExisting(mainClient, '/api/v1/namespaces', {
    apiVersion: 'v1',
    kind: 'Namespace',
    metadata: { name: storeNamespace },
  });
  const data: Record<string, string> = {};
  for (const name of names) {
    const c = clusters.get(name);
    // infra/k8s/workflow-rbac in each namespace: the pods' ServiceAccounts (Argo's executor writes task results).
    for (const ns of namespacesFor(name, mainName))
      for (const [user, rules] of workflowIdentities(ns)) c.createIdentity(user, rules);
    const admin =
      name === mainName
        ? mainClient
        : createKubeClient({
            cluster: name,
            server: c.url,
            tls: { caPem: c.caPem },
            auth: { kind: 'bearer', token: c.adminToken },
          });
    try {
      for (const ns of namespacesFor(name, mainName)) {
        await createIgnoringExisting(admin, '/api/v1/namespaces', {
          apiVersion: 'v1',
          kind: 'Namespace',
          metadata: { name: ns },
        });
        if (name !== mainName) {
          await createIgnoringExisting(admin, `/api/v1/namespaces/${ns}/serviceaccounts`, {
            apiVersion: 'v1',
            kind: 'ServiceAccount',
            metadata: { name: 'workflow', namespace: ns },
          });
        }
      }
      if (name === mainName) continue;
      const identity = c.createIdentity(REMOTE_SUBJECT.user, REMOTE_RULES);
      const restConfig = {
        Host: c.url,
        BearerToken: identity.token,
        TLSClientConfig: { CAData: Buffer.from(c.caPem).toString('base64') },
        QPS: 100,
        Burst: 200,
        ...(labels[name] ? { Labels: labels[name] } : {}),
      };
      data[`${name}.`] = Buffer.from(JSON.stringify(restConfig)).toString('base64');
    } finally {
      if (admin !== mainClient && 'close' in admin) (admin as { close(): void }).close();
    }
  }
  const secret = {
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: { name: 'rest-config', namespace: storeNamespace },
    type: 'Opaque',
    data,
  };
  try {
    await mainClient.request({ method: 'POST', path: `/api/v1/namespaces/${storeNamespace}/secrets`, body: secret });
  } catch (e) {
    if (!isAlreadyExists(e)) throw e;
    await mainClient.request({
      method: 'PUT',
      path: `/api/v1/namespaces/${storeNamespace}/secrets/rest-config`,
      body: secret,
    });
  }
}

/**
 * The default artifact repository in the emulator that also serves the queues, its ConfigMap and
 * Secrets (artifact-repository.ts); returns the controller once they exist.
 */
async function withArtifactRepository<C extends { queues: LocalQueues }>(
  controller: C,
  clusters: LocalClusters,
  mainClient: KubeClient,
): Promise<C> {
  const s3Url = controller.queues.endpoint;
  const names = [...clusters.clusters.keys()];
  const mainName = names[0] ?? 'main';
  const others = names.slice(1).map((name) => {
    const c = clusters.get(name);
    const client = createKubeClient({
      cluster: name,
      server: c.url,
      tls: { caPem: c.caPem },
      auth: { kind: 'bearer', token: c.adminToken },
    });
    return { client, namespaces: namespacesFor(name, mainName) };
  });
  try {
    await configureArtifactRepository(s3Url, {
      main: { client: mainClient, namespaces: namespacesFor(mainName, mainName) },
      others,
    });
  } finally {
    for (const o of others) o.client.close();
  }
  return controller;
}

/** Creates a workflow (names from generateName are made by the API server). */
export function submitWorkflow(client: KubeClient, workflow: unknown, namespace: string): Promise<Workflow> {
  const wf = workflow as Workflow;
  return client.request<Workflow>({
    method: 'POST',
    path: workflowsPath(namespace),
    body: { apiVersion: 'argoproj.io/v1alpha1', kind: 'Workflow', ...wf, metadata: { ...wf.metadata, namespace } },
  });
}

/** Polls a workflow until `predicate` holds; throws with the last phase seen on timeout. */
export async function waitForWorkflow(
  client: KubeClient,
  namespace: string,
  name: string,
  predicate: (wf: Workflow) => boolean,
  timeoutMs: number,
): Promise<Workflow> {
  const end = Date.now() + timeoutMs;
  let last: Workflow | undefined;
  for (;;) {
    try {
      last = await client.request<Workflow>({ method: 'GET', path: workflowPath(namespace, name) });
      if (predicate(last)) return last;
    } catch {
      // not there yet, or a transient error: keep polling until the deadline
    }
    if (Date.now() > end) {
      throw new Error(
        `timed out after ${timeoutMs} ms waiting for workflow ${namespace}/${name} (phase ${last?.status?.phase ?? 'unknown'}: ${last?.status?.message ?? ''})`,
      );
    }
    await new Promise((r) => setTimeout(r, 100));
  }
}
