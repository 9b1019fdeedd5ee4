/**
 * One round of artifact garbage collection for a workflow that is completed or being deleted (pure):
 * which strategies start now (their tasks and pods), what finished GC pods reported, and whether the
 * `workflows.argoproj.io/artifact-gc` finalizer may go. Argo's order (workflow/controller/artifact_gc.go
 * `garbageCollectArtifacts`): strategies ready → start each once → read back finished pods → finalizer.
 * Argosy adds a bound: a workflow being deleted whose GC has not finished (a GC pod that cannot start,
 * a delete that keeps failing) lets go of the finalizer after the controller's transient timeout with
 * an `ArtifactGCFailed` event naming what is left, so deletion never hangs forever.
 */
import type { ControllerSettings, KubePod, ObservedPod } from '../contract.ts';
import type { Workflow, WorkflowSpec, WorkflowStatus } from '../types.ts';
import { LABEL_COMPLETED } from '../labels.ts';
import { startStrategy, type GcCreate } from './groups.ts';
import { recoupKey, recoupPods, type Named, type ObservedGcTask } from './recoup.ts';
import { gcStrategy, workflowGc, type GcStrategy } from './strategy.ts';

export type { GcCreate, Named, ObservedGcTask };

/** How long deletion waits for artifact GC when the controller sets no transient timeout. */
export const DEFAULT_GC_BOUND_MS = 60 * 60 * 1000;
/** How soon to look again while GC pods run (their changes nudge too; this is the backstop). */
export const GC_RECHECK_MS = 10_000;

export interface ArtifactGCInput {
  /** The workflow as read (nodes inflated), completed or being deleted. */
  workflow: Workflow;
  /** The spec it runs (stored at start). */
  spec: WorkflowSpec;
  controller: ControllerSettings;
  /** Its GC pods (component artifact-gc) in every place. */
  pods: ObservedPod[];
  tasks: ObservedGcTask[];
  now: Date;
}

export interface ArtifactGCPlan {
  creates: GcCreate[];
  deleteTasks: Named[];
  deletePods: Named[];
  status: WorkflowStatus;
  /** Warning events (reason ArtifactGCFailed) on the workflow. */
  events: string[];
  removeFinalizer: boolean;
  requeueAfterMs?: number;
}

/** Argo's `artifactGCStrategiesReady`. */
function readyStrategies(wf: Workflow, status: WorkflowStatus): GcStrategy[] {
  const processed = status.artifactGCStatus?.strategiesProcessed ?? {};
  const deleting = !!wf.metadata.deletionTimestamp;
  const ready: GcStrategy[] = [];
  if ((wf.metadata.labels?.[LABEL_COMPLETED] === 'true' || deleting) && !processed.OnWorkflowCompletion)
    ready.push('OnWorkflowCompletion');
  if (deleting && !processed.OnWorkflowDeletion) ready.push('OnWorkflowDeletion');
  return ready;
}

/** Collected artifacts not deleted yet, as `node/artifact` (Argo's `allArtifactsDeleted`, inverted). */
function leftOver(spec: WorkflowSpec, status: WorkflowStatus): string[] {
  const left: string[] = [];
  for (const n of Object.values(status.nodes ?? {})) {
    if (n.type !== 'Pod') continue;
    for (const a of n.outputs?.artifacts ?? [])
      if (!a.deleted && gcStrategy(spec, a) !== 'Never') left.push(`${n.displayName || n.name}/${a.name}`);
  }
  return left;
}

/** GC pods started and not read back yet (created now, or observed unfinished). */
function outstanding(input: ArtifactGCInput, status: WorkflowStatus, creates: GcCreate[]): number {
  const home = { cluster: input.controller.clusterName, namespace: input.workflow.metadata.namespace ?? '' };
  const recouped = status.artifactGCStatus?.podsRecouped ?? {};
  const seen = input.pods.filter((p) => !recouped[recoupKey({ ...p, name: p.pod.metadata.name ?? '' }, home)]);
  const observed = new Set(seen.map((p) => `${p.cluster}/${p.namespace}/${p.pod.metadata.name ?? ''}`));
  const fresh = creates.filter(
    (c) => !observed.has(`${c.place.cluster}/${c.place.namespace}/${c.pod.metadata.name ?? ''}`),
  );
  return seen.length + fresh.length;
}

/** Decides one round. */
export function planArtifactGC(input: ArtifactGCInput): ArtifactGCPlan {
  const wf = input.workflow;
  const status: WorkflowStatus = structuredClone(wf.status ?? {});
  const gc = (status.artifactGCStatus ??= {});
  const settings = {
    mainCluster: input.controller.clusterName,
    instanceId: input.controller.instanceId,
    executorImage: input.controller.executorImage,
  };
  const creates: GcCreate[] = [];
  for (const strategy of readyStrategies(wf, status)) {
    creates.push(...startStrategy(wf, input.spec, settings, strategy, input.now));
    (gc.strategiesProcessed ??= {})[strategy] = true;
  }
  const home = { cluster: input.controller.clusterName, namespace: wf.metadata.namespace ?? '' };
  const read = recoupPods(status, input.pods, input.tasks, home);
  const plan: ArtifactGCPlan = { creates, ...read, status, removeFinalizer: false };
  return decideFinalizer(input, plan, outstanding(input, status, creates));
}

/** Whether the finalizer goes now (Argo's rule, plus the bound on deletion), and when to look again. */
function decideFinalizer(input: ArtifactGCInput, plan: ArtifactGCPlan, running: number): ArtifactGCPlan {
  const force = workflowGc(input.spec)?.forceFinalizerRemoval === true;
  const left = leftOver(input.spec, plan.status);
  const deleted = input.workflow.metadata.deletionTimestamp;
  // forceFinalizerRemoval lets go once the deletion's GC pods are read back, failed or not (not at
  // completion: the OnWorkflowDeletion artifacts still need the finalizer then).
  if (left.length === 0 || (force && deleted && running === 0)) return { ...plan, removeFinalizer: true };
  if (!deleted) return running > 0 ? { ...plan, requeueAfterMs: GC_RECHECK_MS } : plan;
  const bound = input.controller.transientTimeoutMs ?? DEFAULT_GC_BOUND_MS;
  const waited = input.now.getTime() - Date.parse(deleted);
  if (waited < bound) return { ...plan, requeueAfterMs: Math.min(GC_RECHECK_MS, bound - waited) };
  const shown = left.slice(0, 5).join(', ') + (left.length > 5 ? `, … (${left.length} in all)` : '');
  const message =
    `artifact garbage collection did not finish within ${Math.round(bound / 1000)}s of the deletion; ` +
    `the artifact-gc finalizer was removed so the workflow can go, and these artifacts are left in the repository: ${shown} ` +
    `(see the GC pods' logs; spec.artifactGC.forceFinalizerRemoval lets go as soon as GC fails)`;
  return { ...plan, events: [...plan.events, message], removeFinalizer: true };
}

/** True for a GC pod of a workflow (its `component` label). */
export function isGcPod(pod: KubePod): boolean {
  return pod.metadata.labels?.['workflows.argoproj.io/component'] === 'artifact-gc';
}
