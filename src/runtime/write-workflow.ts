/**
 * Writing the Workflow back: status through the status subresource, metadata (labels, annotations,
 * finalizers) by merge patch, both with a resourceVersion precondition so a concurrent writer makes
 * us re-read and re-decide instead of overwriting (optimistic concurrency). Nothing is written when
 * nothing changed. When the CRD has no status subresource (Argo's own CRDs do not), one PUT of the
 * whole object carries status and metadata together. See docs/adr/0003-status-writes.md.
 */
import type { ObjectMeta, WorkflowMetaPatch } from '../engine/contract.ts';
import type { Workflow, WorkflowStatus } from '../engine/types.ts';
import type { KubeClient } from '../ports/kube.ts';
import { patchWorkflow, replaceWorkflow, replaceWorkflowStatus } from '../adapters/kube/resources.ts';
import { inflateWorkflow } from '../adapters/kube/compressed-nodes.ts';
import { statusForStorage } from './status-size.ts';

/** The metadata changes a decision asks for; `undefined` when there are none. */
export interface MetaDiff {
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  /** The complete new finalizer list (existing + missing ones), when some are missing. */
  finalizers?: string[];
}

/** Computes what must change in `current` to satisfy `want` (never removes anything). */
export function diffMeta(current: ObjectMeta, want: WorkflowMetaPatch): MetaDiff | undefined {
  const diff: MetaDiff = {};
  const labels = changed(current.labels ?? {}, want.labels);
  const annotations = changed(current.annotations ?? {}, want.annotations);
  if (labels) diff.labels = labels;
  if (annotations) diff.annotations = annotations;
  const have = current.finalizers ?? [];
  const missing = want.finalizers.filter((f) => !have.includes(f));
  if (missing.length > 0) diff.finalizers = [...have, ...missing];
  return Object.keys(diff).length > 0 ? diff : undefined;
}

function changed(have: Record<string, string>, want: Record<string, string>): Record<string, string> | undefined {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(want)) if (have[k] !== v) out[k] = v;
  return Object.keys(out).length > 0 ? out : undefined;
}

/** Canonical JSON (sorted keys, undefined dropped) to compare statuses. */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (_k, v: unknown) => {
    if (v && typeof v === 'object' && !Array.isArray(v)) {
      return Object.fromEntries(Object.entries(v as Record<string, unknown>).sort(([a], [b]) => a.localeCompare(b)));
    }
    return v;
  });
}

/** True when the decided status differs from the stored one. */
export function isStatusChanged(stored: WorkflowStatus | undefined, decided: WorkflowStatus): boolean {
  return canonicalJson(stored ?? {}) !== canonicalJson(decided);
}

/** Applies a metadata diff with the object's resourceVersion as precondition; returns the new object. */
export function patchMeta(client: KubeClient, workflow: Workflow, diff: MetaDiff): Promise<Workflow> {
  const meta: Record<string, unknown> = { resourceVersion: workflow.metadata.resourceVersion };
  if (diff.labels) meta.labels = diff.labels;
  if (diff.annotations) meta.annotations = diff.annotations;
  if (diff.finalizers) meta.finalizers = diff.finalizers;
  return patchWorkflow<Workflow>(client, workflow.metadata.namespace ?? '', workflow.metadata.name ?? '', {
    metadata: meta,
  });
}

/** Merges a metadata diff into an object's metadata (for the single-PUT path). */
export function mergeMeta(meta: ObjectMeta, diff: MetaDiff | undefined): ObjectMeta {
  if (!diff) return meta;
  return {
    ...meta,
    labels: { ...meta.labels, ...diff.labels },
    annotations: { ...meta.annotations, ...diff.annotations },
    finalizers: diff.finalizers ?? meta.finalizers,
  };
}

export interface WriteOutcome {
  workflow: Workflow;
  writes: number;
}

/**
 * Writes the decided status and metadata. With a status subresource: status first, then metadata —
 * in that order so the `completed=true` label is never set on a workflow whose final status was not
 * stored (a crash in between is repaired by the next reconcile, which re-derives the labels).
 * Throws the API's 409 on a stale resourceVersion.
 */
export async function writeWorkflow(
  client: KubeClient,
  workflow: Workflow,
  status: WorkflowStatus,
  diff: MetaDiff | undefined,
  hasStatusSubresource: boolean,
): Promise<WriteOutcome> {
  const statusChanged = isStatusChanged(workflow.status, status);
  // Over the size limit the nodes are stored compressed (throws StatusTooLargeError if still too big).
  const stored = statusChanged ? statusForStorage(workflow, status) : status;
  if (!hasStatusSubresource) {
    if (!statusChanged && !diff) return { workflow, writes: 0 };
    const next = await replaceWorkflow(client, {
      ...workflow,
      metadata: mergeMeta(workflow.metadata, diff),
      status: stored,
    });
    return { workflow: inflateWorkflow(next), writes: 1 };
  }
  let current = workflow;
  let writes = 0;
  if (statusChanged) {
    current = inflateWorkflow(await replaceWorkflowStatus(client, { ...current, status: stored }));
    writes++;
  }
  if (diff) {
    current = inflateWorkflow(await patchMeta(client, current, diff));
    writes++;
  }
  return { workflow: current, writes };
}
