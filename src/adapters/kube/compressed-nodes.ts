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
  return new EncodedNodes(nodes).base64;
}

/**
 * One node map's encodings, each made at most once: the JSON bytes (their length sizes the object,
 * their FNV names an offloaded version), their gzip (the offloaded body) and its base64
 * (`compressedNodes`). At 100,000 nodes each serialisation or gzip costs seconds, and one status write
 * used to make them twice (compressed first, then offloaded).
 */
export class EncodedNodes {
  /** Serialisations and compressions made (for tests: at most one of each per write). */
  encodings = 0;
  private json?: Buffer;
  private gz?: Buffer;
  private b64?: string;

  constructor(readonly nodes: unknown) {}

  /** The nodes' JSON, UTF-8. */
  get bytes(): Buffer {
    if (!this.json) {
      this.encodings++;
      this.json = Buffer.from(JSON.stringify(this.nodes), 'utf8');
    }
    return this.json;
  }

  get gzip(): Buffer {
    if (!this.gz) {
      const bytes = this.bytes;
      this.encodings++;
      this.gz = gzipSync(bytes);
    }
    return this.gz;
  }

  get base64(): string {
    this.b64 ??= this.gzip.toString('base64');
    return this.b64;
  }
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
