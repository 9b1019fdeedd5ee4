/**
 * The Kubernetes vocabulary, part 3: Argo's `status.compressedNodes` codec. A workflow whose object
 * would exceed the API server's size limit stores its node map gzip+base64 in `compressedNodes`
 * instead of `nodes` (src/runtime/status-size.ts decides when). Everything that reads nodes from a
 * stored workflow — the reconcile, the watcher's filter, the CLI — inflates through here, so none
 * of them sees an empty node map for a large workflow.
 */
import { gunzipSync, gzipSync } from 'node:zlib';
import type { Workflow, WorkflowStatus } from '../../engine/types.ts';

/** The node map, gzip+base64 (what `status.compressedNodes` holds). */
export function compressNodes(nodes: unknown): string {
  return gzipSync(JSON.stringify(nodes)).toString('base64');
}

/** The node map from `status.compressedNodes`. */
export function decompressNodes<T = unknown>(compressed: string): T {
  return JSON.parse(gunzipSync(Buffer.from(compressed, 'base64')).toString('utf8')) as T;
}

/** `wf` with `status.compressedNodes` inflated into `status.nodes` (the same object when absent). */
export function inflateWorkflow(wf: Workflow): Workflow {
  const status = wf.status;
  if (!status?.compressedNodes) return wf;
  const { compressedNodes, ...rest } = status;
  return { ...wf, status: { ...rest, nodes: decompressNodes<WorkflowStatus['nodes']>(compressedNodes) } };
}
