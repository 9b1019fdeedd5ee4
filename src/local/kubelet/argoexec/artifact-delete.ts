/**
 * Stand-in for `argoexec artifact delete`, the artifact GC pod's command (Argo's
 * cmd/argoexec/commands/artifact/delete.go): lists the WorkflowArtifactGCTasks labelled with this pod's
 * hash (`ARGO_ARTIFACT_POD_NAME`) in the pod's namespace with the pod's ServiceAccount token, deletes
 * each artifact from its repository (relocated to the node's archive location; a key ending in `/` is a
 * directory: every object under it goes too), with the credentials mounted from the pod's namespace
 * Secrets under /argo/secret, and merge-patches the results into each task's status. A failed delete
 * is a result (`success: false` with the error), not a failed pod, as in Argo.
 */
import { join } from 'node:path';
import type { Artifact } from '../../../engine/types.ts';
import type { ArtifactGCTask } from '../../../engine/artifact-gc/objects.ts';
import { LABEL_GC_POD_HASH } from '../../../engine/artifact-gc/objects.ts';
import type { ContainerExit, StartRequest } from '../runtime.ts';
import { hostPathIn, mountsOf } from './fs.ts';
import { relocate, storeOf } from './location.ts';
import { client } from './wait.ts';

type Log = (line: string, level?: string) => void;
type Results = NonNullable<NonNullable<ArtifactGCTask['status']>['artifactResultsByNode']>;

function tasksPath(ns: string, name = ''): string {
  return `/apis/argoproj.io/v1alpha1/namespaces/${ns}/workflowartifactgctasks${name ? `/${encodeURIComponent(name)}` : ''}`;
}

/** Deletes one artifact (Argo's S3 driver `Delete`). */
async function deleteOne(
  a: Artifact,
  archive: ArtifactGCTask['spec']['artifactsByNode'][string]['archiveLocation'],
  at: (p: string) => string,
): Promise<void> {
  const loc = relocate(a, archive);
  if (!loc?.key) throw new Error(`artifact ${a.name} has no S3 location to delete (only S3 artifacts are collected)`);
  const store = storeOf(loc, at);
  try {
    if (loc.key.endsWith('/')) for (const key of await store.list(loc.key)) await store.delete(key);
    await store.delete(loc.key);
  } finally {
    store.close();
  }
}

/** Deletes a task's artifacts and returns the results by node. */
async function runTask(task: ArtifactGCTask, at: (p: string) => string, log: Log): Promise<Results> {
  const results: Results = {};
  for (const [nodeId, spec] of Object.entries(task.spec.artifactsByNode ?? {})) {
    const artifactResults: NonNullable<Results[string]['artifactResults']> = {};
    for (const [name, artifact] of Object.entries(spec.artifacts ?? {})) {
      try {
        await deleteOne(artifact, spec.archiveLocation, at);
        artifactResults[name] = { name, success: true };
        log(`deleted artifact ${name} of node ${nodeId}`);
      } catch (e) {
        artifactResults[name] = { name, success: false, error: (e as Error).message };
        log(`failed to delete artifact ${name} of node ${nodeId}: ${(e as Error).message}`, 'error');
      }
    }
    results[nodeId] = { artifactResults };
  }
  return results;
}

/** The GC pod's main container. */
export async function runArtifactDelete(req: StartRequest, log: Log): Promise<ContainerExit> {
  const hash = req.env.ARGO_ARTIFACT_POD_NAME;
  if (!hash) return { exitCode: 0 };
  if (!req.api) return { exitCode: 1, message: 'no API server address for the pod (local kubelet without apiUrl)' };
  const ns = String(req.pod.metadata.namespace);
  const mounts = mountsOf(req.pod, req.container, req.podDir, req.secret);
  const at = (p: string) => hostPathIn(mounts, p, join(req.podDir, 'rootfs', req.container.name as string));
  const c = client(req);
  try {
    const list = await c.request<{ items?: ArtifactGCTask[] }>({
      method: 'GET',
      path: tasksPath(ns),
      query: { labelSelector: `${LABEL_GC_POD_HASH}=${hash}` },
    });
    for (const task of list.items ?? []) {
      const results = await runTask(task, at, log);
      await c.request({
        method: 'PATCH',
        path: `${tasksPath(ns, task.metadata.name ?? '')}/status`,
        contentType: 'application/merge-patch+json',
        body: { status: { artifactResultsByNode: results } },
      });
    }
    log('artifacts deleted');
    return { exitCode: 0 };
  } catch (e) {
    log((e as Error).message, 'error');
    return { exitCode: 1, message: (e as Error).message };
  } finally {
    c.close();
  }
}
