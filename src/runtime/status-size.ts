/**
 * Keeping the Workflow object under the API server's size limit, as Argo does: when the object would
 * exceed {@link MAX_WORKFLOW_BYTES}, its `status.nodes` are stored gzip+base64 in
 * `status.compressedNodes` (the codec is src/adapters/kube/compressed-nodes.ts); reads inflate them again, so the engine always sees plain `nodes`. When
 * even the compressed object is too large, the status write could never succeed and the reconcile
 * would retry forever: the write throws {@link StatusTooLargeError}, and the engine decides the
 * workflow's end instead (src/runtime/write-or-end.ts, src/engine/too-large.ts).
 */
import type { Workflow, WorkflowStatus } from '../engine/types.ts';
import { compressNodes } from '../adapters/kube/compressed-nodes.ts';

/** Argo's default maxWorkflowSize: compress above this; fail when compression is not enough. */
export const MAX_WORKFLOW_BYTES = 1024 * 1024;

/** The status could not be made small enough to store (terminal: retrying cannot help). */
export class StatusTooLargeError extends Error {
  override name = 'StatusTooLargeError';
  readonly terminal = true;
  readonly bytes: number;
  readonly limit: number;

  constructor(bytes: number, limit: number) {
    super(`workflow is longer than maximum allowed size: ${bytes} bytes with compressed nodes > ${limit}`);
    this.bytes = bytes;
    this.limit = limit;
  }
}

/**
 * The status to store for `wf`: as decided when the object fits, else with nodes compressed.
 * Throws {@link StatusTooLargeError} when the compressed object is still over the limit.
 */
export function statusForStorage(wf: Workflow, status: WorkflowStatus, limit = MAX_WORKFLOW_BYTES): WorkflowStatus {
  const size = (s: WorkflowStatus) => Buffer.byteLength(JSON.stringify({ ...wf, status: s }));
  if (!status.nodes || size(status) <= limit) return status;
  const { nodes, ...rest } = status;
  const compressed: WorkflowStatus = { ...rest, compressedNodes: compressNodes(nodes) };
  const bytes = size(compressed);
  if (bytes > limit) throw new StatusTooLargeError(bytes, limit);
  return compressed;
}
