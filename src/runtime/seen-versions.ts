/**
 * What the last successful reconcile of each workflow observed, per object uid: the resourceVersion
 * of the workflow as stored and of each pod it listed. A watcher nudge about an object this process
 * has already seen at that version or a newer one carries nothing the stored decision did not
 * already account for (reconciles are level-triggered), so its reconcile is skipped: without this,
 * the nudges for a pod's intermediate states (bound, waiting, running) that arrive after the
 * reconcile which saw it Succeeded cost one workflow GET each. Timer, resync, lock, CLI and replay
 * nudges are never skipped, nor nudges naming no version or an object not seen (a task result, a
 * pod created since). The memory is per process (a Lambda container): another container's memory
 * only makes it skip less. docs/performance.md, "API budget".
 */
import type { Nudge } from '../nudge.ts';

/** Nudge sources that report an object's change; every other source always reconciles. */
const OBJECT_SOURCES = new Set<Nudge['source']>(['pod', 'workflow']);

/** Workflows remembered per process (the oldest is forgotten first). */
export const DEFAULT_SEEN_WORKFLOWS = 2000;

/**
 * True when version `seen` is at least `v`. The API servers' resourceVersions are etcd revisions:
 * decimal integers that only grow (ours are too). Kubernetes calls them opaque, so a version that is
 * not a decimal integer is only ever equal, never older.
 */
export function versionAtLeast(seen: string, v: string): boolean {
  if (seen === v) return true;
  if (!/^\d{1,30}$/.test(seen) || !/^\d{1,30}$/.test(v)) return false;
  return seen.length !== v.length ? seen.length > v.length : seen > v;
}

/** Per-workflow memory of the objects the last successful reconcile observed. */
export class SeenVersions {
  private readonly byWorkflow = new Map<string, Map<string, string>>();

  constructor(private readonly maxWorkflows = DEFAULT_SEEN_WORKFLOWS) {}

  /** Replaces what is remembered for `ref` with what a successful reconcile observed (uid → version). */
  record(ref: WorkflowRef, seen: Map<string, string>): void {
    const key = keyOf(ref);
    this.byWorkflow.delete(key);
    if (seen.size === 0) return;
    this.byWorkflow.set(key, seen);
    if (this.byWorkflow.size > this.maxWorkflows) {
      const oldest = this.byWorkflow.keys().next().value;
      if (oldest !== undefined) this.byWorkflow.delete(oldest);
    }
  }

  /** A reconcile failed: what it may have changed is not known, so nothing is skipped for it. */
  forget(ref: WorkflowRef): void {
    this.byWorkflow.delete(keyOf(ref));
  }

  /** True when every nudge reports an object already seen at its version or later. */
  covers(ref: WorkflowRef, nudges: Nudge[]): boolean {
    const seen = this.byWorkflow.get(keyOf(ref));
    if (!seen || nudges.length === 0) return false;
    return nudges.every((n) => {
      const o = n.object;
      if (!OBJECT_SOURCES.has(n.source) || !o?.uid || !o.resourceVersion) return false;
      const at = seen.get(o.uid);
      return at !== undefined && versionAtLeast(at, o.resourceVersion);
    });
  }

  get size(): number {
    return this.byWorkflow.size;
  }
}

export interface WorkflowRef {
  namespace: string;
  workflow: string;
}

function keyOf(ref: WorkflowRef): string {
  return `${ref.namespace}/${ref.workflow}`;
}

/** The uid → resourceVersion of objects (those without either are left out). */
export function versionsOf(objects: { metadata?: { uid?: string; resourceVersion?: string } }[]): Map<string, string> {
  const out = new Map<string, string>();
  for (const o of objects) {
    const uid = o.metadata?.uid;
    const rv = o.metadata?.resourceVersion;
    if (uid && rv) out.set(uid, rv);
  }
  return out;
}
