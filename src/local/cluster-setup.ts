/**
 * What a platform team does by hand before the multi-cluster example can run (docs/architecture.md,
 * "Local mode"): namespaces, the `workflow` ServiceAccount, an identity for Argosy in every other
 * cluster with the pod rights infra/k8s/remote-cluster/rbac.yaml grants, and Secret `rest-config` in
 * the main cluster holding one `cluster.` entry per other cluster, in the JSON shape of Go's
 * rest.Config; plus the default artifact repository. Used by startLocalStack (stack.ts) and by tests
 * that set up clusters of their own.
 */
import { DEFAULT_CONTROLLER_NAMESPACE } from '../config.ts';
import type { KubeClient } from '../ports/kube.ts';
import { createKubeClient } from '../adapters/kube/http-client.ts';
import { isAlreadyExists } from '../adapters/kube/errors.ts';
import type { LocalCluster, LocalClusters } from './clusters.ts';
import { installedRules, REMOTE_SUBJECT } from './identities.ts';
import type { LocalQueues } from './queue/sqs-server.ts';
import { workflowIdentities } from './workflow-rbac.ts';
import { configureArtifactRepository } from './artifact-repository.ts';

/** Namespaces each cluster gets: `argo` everywhere, plus `batch` in the other clusters (fan-out example). */
export function namespacesFor(cluster: string, mainCluster: string): string[] {
  return cluster === mainCluster ? ['argo'] : ['argo', 'batch'];
}

/**
 * The client-side token bucket the local rest-config entries set (`QPS`/`Burst`, docs/configuration.md):
 * what each process — each Lambda instance in AWS — may send to one cluster.
 */
export const ENTRY_RATE = { qps: 100, burst: 200 } as const;

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
    const entry = await prepareCluster(clusters.get(name), name, mainName, mainClient, labels[name]);
    if (entry !== undefined) data[`${name}.`] = entry;
  }
  await writeRestConfig(mainClient, storeNamespace, data);
}

/**
 * One cluster's namespaces, workflow identities and (another cluster only) `workflow`
 * ServiceAccounts and Argosy's identity; returns that cluster's rest-config entry (base64), if any.
 */
async function prepareCluster(
  c: LocalCluster,
  name: string,
  mainName: string,
  mainClient: KubeClient,
  labels: Record<string, string> | undefined,
): Promise<string | undefined> {
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
    if (name === mainName) return undefined;
    const identity = c.createIdentity(REMOTE_SUBJECT.user, REMOTE_RULES);
    const restConfig = {
      Host: c.url,
      BearerToken: identity.token,
      TLSClientConfig: { CAData: Buffer.from(c.caPem).toString('base64') },
      QPS: ENTRY_RATE.qps,
      Burst: ENTRY_RATE.burst,
      ...(labels ? { Labels: labels } : {}),
    };
    return Buffer.from(JSON.stringify(restConfig)).toString('base64');
  } finally {
    if (admin !== mainClient && 'close' in admin) (admin as { close(): void }).close();
  }
}

/** Creates Secret `rest-config`, or replaces it when it exists. */
async function writeRestConfig(mainClient: KubeClient, storeNamespace: string, data: Record<string, string>) {
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
export async function withArtifactRepository<C extends { queues: LocalQueues }>(
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
