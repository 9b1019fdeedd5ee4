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
import type { NodeStatusStore } from '../ports/node-status.ts';
import { WORKFLOW_FINALIZER } from '../engine/contract.ts';
import { inflateWorkflow } from '../adapters/kube/compressed-nodes.ts';
import { offloadedVersionOf, offloadKey, withNodes } from '../adapters/kube/offloaded-nodes.ts';
import { storableStatus, type StatusStorage } from './status-size.ts';

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

/** Objects compared member by member (not the same object on both sides), for tests. */
export interface CompareVisits {
  objects: number;
}

/**
 * True when the decided status differs from the stored one, as their canonical JSON would. Compared
 * without serialising: the engine copies only the nodes it changes, so the others are the very objects
 * read, and a 100,000-node status is compared in time linear in its node count, deeply only where it
 * changed (sorting every key of every node took seconds per reconcile).
 */
export function isStatusChanged(
  stored: WorkflowStatus | undefined,
  decided: WorkflowStatus,
  visits?: CompareVisits,
): boolean {
  return !sameJson(stored ?? {}, decided, visits);
}

/** JSON equality up to key order, undefined members dropped (what {@link canonicalJson} compares). */
export function sameJson(a: unknown, b: unknown, visits?: CompareVisits): boolean {
  if (a === b) return true;
  if (!isPlain(a) || !isPlain(b)) return JSON.stringify(inArray(a)) === JSON.stringify(inArray(b));
  if (visits) visits.objects++;
  if (Array.isArray(a) || Array.isArray(b)) {
    if (!Array.isArray(a) || !Array.isArray(b) || a.length !== b.length) return false;
    return a.every((x, i) => sameJson(inArray(x), inArray(b[i]), visits));
  }
  const x = a as Record<string, unknown>;
  const y = b as Record<string, unknown>;
  let defined = 0;
  for (const k in x) {
    if (x[k] === undefined) continue;
    defined++;
    if (!Object.prototype.hasOwnProperty.call(y, k) || !sameJson(x[k], y[k], visits)) return false;
  }
  for (const k in y) if (y[k] !== undefined) defined--;
  return defined === 0;
}

/** An object or array serialised member by member (not through a toJSON of its own). */
function isPlain(v: unknown): v is object {
  return typeof v === 'object' && v !== null && typeof (v as { toJSON?: unknown }).toJSON !== 'function';
}

/** JSON writes undefined (and functions) in an array as null. */
function inArray(v: unknown): unknown {
  return v === undefined || typeof v === 'function' ? null : v;
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
 * Throws the API's 409 on a stale resourceVersion. Nodes that do not fit are stored as
 * `storage` says (status-size.ts); an offloaded workflow carries WORKFLOW_FINALIZER so its nodes are
 * deleted with it, and the version it was read at is deleted once the object names another.
 */
export async function writeWorkflow(
  client: KubeClient,
  workflow: Workflow,
  status: WorkflowStatus,
  diff: MetaDiff | undefined,
  hasStatusSubresource: boolean,
  storage: StatusStorage = {},
): Promise<WriteOutcome> {
  const statusChanged = isStatusChanged(workflow.status, status);
  // The whole-object PUT also carries the status when only metadata changed: it must be the storable one.
  const storeStatus = statusChanged || (!hasStatusSubresource && diff !== undefined);
  // Over the size limit the nodes are compressed, then offloaded (throws StatusTooLargeError if still too big).
  const stored = storeStatus ? await storableStatus(workflow, status, storage) : status;
  const offload = new OffloadWrite(storage.nodeStatus, workflow, storeStatus, stored.offloadNodeStatusVersion);
  const metaDiff = offload.withFinalizer(diff);
  // A write that fails (409, ...) leaves the version it saved: with the same nodes, a concurrent winner
  // names that very key. The finalizer deletes every version with the workflow.
  const out = await writeStored(client, workflow, stored, statusChanged, metaDiff, hasStatusSubresource);
  await offload.written();
  return { workflow: offload.hydrate(out.workflow, status), writes: out.writes };
}

async function writeStored(
  client: KubeClient,
  workflow: Workflow,
  stored: WorkflowStatus,
  statusChanged: boolean,
  diff: MetaDiff | undefined,
  hasStatusSubresource: boolean,
): Promise<WriteOutcome> {
  if (!hasStatusSubresource) {
    if (!statusChanged && !diff) return { workflow, writes: 0 };
    const next = await replaceWorkflow(client, {
      ...workflow,
      metadata: mergeMeta(workflow.metadata, diff),
      status: stored,
    });
    return { workflow: next, writes: 1 };
  }
  let current = workflow;
  let writes = 0;
  if (statusChanged) {
    current = await replaceWorkflowStatus(client, { ...current, status: stored });
    writes++;
  }
  if (diff) {
    current = await patchMeta(client, current, diff);
    writes++;
  }
  return { workflow: current, writes };
}

/** The offload side of one write: the finalizer, then which version to delete afterwards. */
class OffloadWrite {
  private readonly previous: string | undefined;

  constructor(
    private readonly store: NodeStatusStore | undefined,
    private readonly workflow: Workflow,
    private readonly storesStatus: boolean,
    private readonly next: string | undefined,
  ) {
    this.previous = offloadedVersionOf(workflow);
  }

  /** Offloaded nodes are deleted by the finalizer round: the workflow must hold our finalizer. */
  withFinalizer(diff: MetaDiff | undefined): MetaDiff | undefined {
    const have = diff?.finalizers ?? this.workflow.metadata.finalizers ?? [];
    if (!this.next || have.includes(WORKFLOW_FINALIZER)) return diff;
    return { ...diff, finalizers: [...have, WORKFLOW_FINALIZER] };
  }

  /** The stored object names the new version (or none): the one it was read at is garbage now. */
  async written(): Promise<void> {
    if (this.storesStatus && this.previous && this.previous !== this.next) await this.drop(this.previous);
  }

  /** The object as written, with the nodes in it again (the reader's view). */
  hydrate(written: Workflow, status: WorkflowStatus): Workflow {
    const version = written.status?.offloadNodeStatusVersion;
    if (version && written.status) return withNodes(written, written.status, status.nodes ?? {}, version);
    return inflateWorkflow(written);
  }

  // Best effort: a version left behind is deleted with the workflow (the finalizer deletes the prefix).
  private async drop(version: string): Promise<void> {
    if (this.store) await this.store.delete(offloadKey(this.workflow, version)).catch(() => undefined);
  }
}
