// Shared helpers of the pipeline tests: admin clients per embedded cluster, pod listings, fixtures.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { createKubeClient, type HttpKubeClient } from '../../../src/adapters/kube/http-client.ts';
import type { KubePod } from '../../../src/engine/contract.ts';
import type { Workflow } from '../../../src/engine/types.ts';
import type { LocalStack } from '../../../src/local/stack.ts';
import { s3Store } from '../../../src/adapters/artifacts/s3.ts';
import { LOCAL_ARTIFACT_BUCKET } from '../../../src/local/artifact-repository.ts';

export const SHARED = join(import.meta.dirname, '../../../../shared/conformance/multi-cluster');

/** Reads a conformance example. */
export function example(name: string): Workflow {
  return parse(readFileSync(join(SHARED, name), 'utf8')) as Workflow;
}

/** An admin client for an embedded cluster (closed by the caller). */
export function adminClient(stack: LocalStack, cluster: string): HttpKubeClient {
  const c = stack.clusters.get(cluster);
  return createKubeClient({
    cluster,
    server: c.url,
    tls: { caPem: c.caPem },
    auth: { kind: 'bearer', token: c.adminToken },
    qps: 1000,
    burst: 1000,
  });
}

export interface PlacedPod {
  cluster: string;
  namespace: string;
  pod: KubePod;
}

/** Every pod of a workflow in every cluster (any namespace). */
export async function podsOf(stack: LocalStack, workflow: string, clusters = ['main', 'other']): Promise<PlacedPod[]> {
  const out: PlacedPod[] = [];
  for (const cluster of clusters) {
    const client = adminClient(stack, cluster);
    try {
      const list = await client.request<{ items: KubePod[] }>({
        method: 'GET',
        path: '/api/v1/pods',
        query: { labelSelector: `workflows.argoproj.io/workflow=${workflow}` },
      });
      for (const pod of list.items) out.push({ cluster, namespace: pod.metadata.namespace ?? '', pod });
    } finally {
      client.close();
    }
  }
  return out;
}

export const isDone = (wf: Workflow) => ['Succeeded', 'Failed', 'Error'].includes(wf.status?.phase ?? '');

/** A DAG of `n` tasks in a row, each a pod; `other` puts the odd ones in cluster other. */
export function chain(name: string, n: number, opts: { other?: boolean; duration?: string } = {}): Workflow {
  const tasks = Array.from({ length: n }, (_, i) => ({
    name: `t${i}`,
    template: opts.other && i % 2 === 1 ? 'remote' : 'local',
    ...(i > 0 ? { depends: `t${i - 1}` } : {}),
  }));
  const metadata = opts.duration ? { annotations: { 'sim.argosy.io/duration': opts.duration } } : undefined;
  return {
    apiVersion: 'argoproj.io/v1alpha1',
    kind: 'Workflow',
    metadata: { generateName: `${name}-` },
    spec: {
      entrypoint: 'main',
      templates: [
        { name: 'main', dag: { tasks } },
        { name: 'local', ...(metadata ? { metadata } : {}), container: { image: 'argoproj/argosay:v2' } },
        {
          name: 'remote',
          clusterName: 'other',
          namespace: 'argo',
          serviceAccountName: 'workflow',
          ...(metadata ? { metadata } : {}),
          container: { image: 'argoproj/argosay:v2' },
        },
      ],
    },
  } as Workflow;
}

export async function until(cond: () => boolean | Promise<boolean>, timeoutMs: number, what: string): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!(await cond())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** An object of the local stack's artifact repository bucket (undefined when there is none). */
export async function bucketObject(stack: LocalStack, key: string): Promise<Buffer | undefined> {
  const store = s3Store({
    endpoint: stack.sqsEndpoint,
    bucket: LOCAL_ARTIFACT_BUCKET,
    credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
  });
  try {
    return await store.get(key);
  } finally {
    store.close();
  }
}
