/**
 * Keeping the Workflow object under the API server's size limit, as Argo does (workflow/hydrator):
 * when the object would exceed the limit (`MAX_WORKFLOW_SIZE`, default {@link MAX_WORKFLOW_BYTES}),
 * its `status.nodes` are stored gzip+base64 in `status.compressedNodes` (src/adapters/kube/compressed-nodes.ts);
 * when even that is too large and a node status store is configured, the nodes are offloaded to it
 * and the object keeps `status.offloadNodeStatusVersion` (src/adapters/kube/offloaded-nodes.ts).
 * Reads hydrate them again, so the engine always sees plain `nodes`. When the status still cannot be
 * stored, the write could never succeed and the reconcile would retry forever: the write throws
 * {@link StatusTooLargeError}, and the engine decides the workflow's end instead
 * (src/runtime/write-or-end.ts, src/engine/too-large.ts).
 */
import type { Workflow, WorkflowStatus } from '../engine/types.ts';
import type { NodeStatusStore } from '../ports/node-status.ts';
import { EncodedNodes } from '../adapters/kube/compressed-nodes.ts';
import { saveNodes } from '../adapters/kube/offloaded-nodes.ts';

/** Argo's default maxWorkflowSize: compress above this; fail when compression is not enough. */
export const MAX_WORKFLOW_BYTES = 1024 * 1024;

/** The status could not be made small enough to store (terminal: retrying cannot help). */
export class StatusTooLargeError extends Error {
  override name = 'StatusTooLargeError';
  readonly terminal = true;
  readonly bytes: number;
  readonly limit: number;

  constructor(bytes: number, limit: number, nodes: 'compressed' | 'offloaded' = 'compressed') {
    super(`workflow is longer than maximum allowed size: ${bytes} bytes with ${nodes} nodes > ${limit}`);
    this.bytes = bytes;
    this.limit = limit;
  }
}

/**
 * The status to store for `wf`: as decided when the object fits, else with nodes compressed.
 * Throws {@link StatusTooLargeError} when the compressed object is still over the limit. `encoded`:
 * the nodes' encodings, made once and shared with the offload that may follow.
 */
export function statusForStorage(
  wf: Workflow,
  status: WorkflowStatus,
  limit = MAX_WORKFLOW_BYTES,
  encoded = new EncodedNodes(status.nodes),
): WorkflowStatus {
  if (!status.nodes) return status;
  const { nodes: _n, ...rest } = status;
  // The object's size with the nodes' JSON in place, without serialising the nodes a second time.
  if (bytesWith(wf, rest, 'nodes', encoded.bytes.length) <= limit) return status;
  const compressed: WorkflowStatus = { ...rest, compressedNodes: encoded.base64 };
  const bytes = bytesWith(wf, rest, 'compressedNodes', encoded.base64.length + 2);
  if (bytes > limit) throw new StatusTooLargeError(bytes, limit);
  return compressed;
}

/** Bytes of `wf` stored with status `rest` plus a member `key` whose JSON value is `valueBytes` long. */
function bytesWith(wf: Workflow, rest: WorkflowStatus, key: string, valueBytes: number): number {
  // 0 stands in for the value: one byte, swapped for the value's length.
  return Buffer.byteLength(JSON.stringify({ ...wf, status: { ...rest, [key]: 0 } })) - 1 + valueBytes;
}

/** How statuses are stored: Argo's `MAX_WORKFLOW_SIZE`, `ALWAYS_OFFLOAD_NODE_STATUS` and the store. */
export interface StatusStorage {
  /** Where nodes go when they do not fit compressed; absent = they cannot be offloaded. */
  nodeStatus?: NodeStatusStore;
  maxWorkflowSize?: number;
  /** Offload whenever there are nodes (tests and operators who want it exercised), as Argo's flag. */
  alwaysOffload?: boolean;
}

const objectBytes = (wf: Workflow, s: WorkflowStatus) => Buffer.byteLength(JSON.stringify({ ...wf, status: s }));

/**
 * {@link statusForStorage}, then, when the nodes do not fit even compressed (or always, with
 * `alwaysOffload`) and a store is configured, the nodes offloaded to it. Throws
 * {@link StatusTooLargeError} when the status without its nodes is still over the limit. The nodes are
 * serialised and gzipped once for all of it (`encoded`, counted by tests).
 */
export async function storableStatus(
  wf: Workflow,
  status: WorkflowStatus,
  storage: StatusStorage = {},
  encoded = new EncodedNodes(status.nodes),
): Promise<WorkflowStatus> {
  const limit = storage.maxWorkflowSize ?? MAX_WORKFLOW_BYTES;
  const store = storage.nodeStatus;
  if (!store || !status.nodes || !storage.alwaysOffload) {
    try {
      return statusForStorage(wf, status, limit, encoded);
    } catch (e) {
      if (!(e instanceof StatusTooLargeError) || !store || !status.nodes) throw e;
    }
  }
  const { nodes: _n, compressedNodes: _c, offloadNodeStatusVersion: _v, ...rest } = status;
  const offloaded: WorkflowStatus = { ...rest, offloadNodeStatusVersion: await saveNodes(store, wf, encoded) };
  const bytes = objectBytes(wf, offloaded);
  if (bytes > limit) throw new StatusTooLargeError(bytes, limit, 'offloaded');
  return offloaded;
}
