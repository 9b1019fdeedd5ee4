/**
 * Reading back finished GC pods (Argo's `processArtifactGCCompletion` / `processCompletedArtifactGCPod`):
 * each artifact's result from the pod's task goes into its node (`deleted`), errors become the
 * workflow's `ArtifactGCError` condition and one `ArtifactGCFailed` event per task, a pod that failed
 * says so the same way. The task is deleted once read (its results are in the workflow now; in another
 * cluster no ownerReference would remove it); a pod that succeeded is deleted, a failed one is kept for
 * its logs until the workflow goes.
 */
import type { ObservedPod } from '../contract.ts';
import type { Condition, WorkflowStatus } from '../types.ts';
import { ANNOTATION_GC_STRATEGY, gcPodHash, LABEL_GC_POD_HASH, type ArtifactGCTask, type GcPlace } from './objects.ts';

export interface ObservedGcTask extends GcPlace {
  task: ArtifactGCTask;
}

export interface Named extends GcPlace {
  name: string;
}

export interface RecoupOut {
  deleteTasks: Named[];
  deletePods: Named[];
  events: string[];
}

/** Argo's `UpsertCondition`: one condition per type, the latest message. */
function upsertCondition(status: WorkflowStatus, message: string): void {
  const conditions: Condition[] = (status.conditions ?? []).filter((c) => c.type !== 'ArtifactGCError');
  conditions.push({ type: 'ArtifactGCError', status: 'True', message });
  status.conditions = conditions;
}

/** Copies one task's results into the nodes; returns the first error (for the event), if any. */
function readTask(status: WorkflowStatus, task: ArtifactGCTask): string | undefined {
  let first: string | undefined;
  const name = task.metadata.name ?? '';
  for (const [nodeId, result] of Object.entries(task.status?.artifactResultsByNode ?? {})) {
    const node = status.nodes?.[nodeId];
    for (const a of node?.outputs?.artifacts ?? []) {
      const r = result.artifactResults?.[a.name];
      if (!r) continue;
      a.deleted = r.success === true;
      if (r.error === undefined) continue;
      upsertCondition(status, `${r.error} (artifactGCTask: ${name})`);
      first ??= r.error;
    }
  }
  return first;
}

const samePlace = (a: GcPlace, b: GcPlace) => a.cluster === b.cluster && a.namespace === b.namespace;

/** Reads one finished GC pod and its tasks. */
function recoupPod(status: WorkflowStatus, observed: ObservedPod, tasks: ObservedGcTask[], out: RecoupOut): void {
  const pod = observed.pod;
  const name = pod.metadata.name ?? '';
  const strategy = pod.metadata.annotations?.[ANNOTATION_GC_STRATEGY] ?? '';
  const failed = pod.status?.phase === 'Failed';
  if (failed) {
    const message = `Artifact Garbage Collection failed for strategy ${strategy}, pod ${name} exited with non-zero exit code: check pod logs for more information`;
    upsertCondition(status, message);
    out.events.push(message);
  }
  const hash = gcPodHash(name);
  let allSucceeded = true;
  for (const t of tasks) {
    if (!samePlace(t, observed) || t.task.metadata.labels?.[LABEL_GC_POD_HASH] !== hash) continue;
    const error = readTask(status, t.task);
    if (error !== undefined) {
      allSucceeded = false;
      out.events.push(`Artifact Garbage Collection failed for strategy ${strategy}, err:${error}`);
    }
    out.deleteTasks.push({ cluster: t.cluster, namespace: t.namespace, name: t.task.metadata.name ?? '' });
  }
  if (!failed && allSucceeded) out.deletePods.push({ cluster: observed.cluster, namespace: observed.namespace, name });
}

/**
 * The key of a GC pod in `podsRecouped`: its name, as in Argo, for a pod in the workflow's own place;
 * `cluster/namespace/name` elsewhere (the same pod name can exist in several places).
 */
export function recoupKey(p: GcPlace & { name: string }, home: GcPlace): string {
  return samePlace(p, home) ? p.name : `${p.cluster}/${p.namespace}/${p.name}`;
}

/** Reads every GC pod that finished and was not read yet; marks them recouped. */
export function recoupPods(
  status: WorkflowStatus,
  pods: ObservedPod[],
  tasks: ObservedGcTask[],
  home: GcPlace,
): RecoupOut {
  const out: RecoupOut = { deleteTasks: [], deletePods: [], events: [] };
  const gc = (status.artifactGCStatus ??= {});
  for (const observed of pods) {
    const key = recoupKey({ ...observed, name: observed.pod.metadata.name ?? '' }, home);
    const phase = observed.pod.status?.phase;
    if (gc.podsRecouped?.[key] || (phase !== 'Succeeded' && phase !== 'Failed')) continue;
    recoupPod(status, observed, tasks, out);
    (gc.podsRecouped ??= {})[key] = true;
  }
  return out;
}
