/**
 * Which artifacts artifact garbage collection deletes, and when (Argo's `GetArtifactGCStrategy` and
 * `HasArtifactGC`, workflow/controller/artifact_gc.go): an artifact's own `artifactGC.strategy` wins over
 * the workflow's `spec.artifactGC.strategy`; neither set means `Never`.
 */
import type { Artifact, Template, WorkflowSpec } from '../types.ts';

/** Argo's finalizer: held while artifacts wait for garbage collection. */
export const ARTIFACT_GC_FINALIZER = 'workflows.argoproj.io/artifact-gc';

export type GcStrategy = 'OnWorkflowCompletion' | 'OnWorkflowDeletion' | 'Never';

/** The valid values of `strategy` (Argo's CRD enum; '' is "not set"). */
export const GC_STRATEGIES: readonly string[] = ['', 'OnWorkflowCompletion', 'OnWorkflowDeletion', 'Never'];

/** The `artifactGC` block of the workflow spec (Argo's `WorkflowLevelArtifactGC`). */
export interface WorkflowArtifactGC {
  strategy?: string;
  serviceAccountName?: string;
  podMetadata?: { labels?: Record<string, string>; annotations?: Record<string, string> };
  forceFinalizerRemoval?: boolean;
  podSpecPatch?: string;
}

/** The workflow-level artifactGC block, if any. */
export function workflowGc(spec: WorkflowSpec): WorkflowArtifactGC | undefined {
  return (spec as { artifactGC?: WorkflowArtifactGC }).artifactGC;
}

/** The strategy that applies to `a` in a workflow with this spec. */
export function gcStrategy(spec: WorkflowSpec, a: Artifact): GcStrategy {
  const own = a.artifactGC?.strategy;
  const strategy = own || workflowGc(spec)?.strategy;
  return strategy === 'OnWorkflowCompletion' || strategy === 'OnWorkflowDeletion' ? strategy : 'Never';
}

/** True when some output artifact of these templates is collected (the workflow needs the finalizer). */
export function hasArtifactGC(spec: WorkflowSpec, storedTemplates?: Record<string, Template>): boolean {
  const templates = [...(spec.templates ?? []), ...Object.values(storedTemplates ?? {})];
  return templates.some((t) => (t.outputs?.artifacts ?? []).some((a) => gcStrategy(spec, a) !== 'Never'));
}

/** Argo's FNV-1a 32-bit hash (pod names and the task label are built from it). */
export function fnv32a(text: string): number {
  let h = 0x811c9dc5;
  for (const byte of new TextEncoder().encode(text)) {
    h ^= byte;
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h >>> 0;
}
