/**
 * Where offloaded node status lives (Argo's `status.offloadNodeStatusVersion`): bytes by key in an
 * object store only the controller writes. The S3 adapter is src/adapters/artifacts/node-status-s3.ts;
 * the codec that decides keys and versions is src/adapters/kube/offloaded-nodes.ts.
 */
export interface NodeStatusStore {
  /** Writes one object. */
  put(key: string, body: Buffer): Promise<void>;
  /** Reads one object; `undefined` when there is none at `key`. */
  get(key: string): Promise<Buffer | undefined>;
  /** Every key under `prefix`. */
  list(prefix: string): Promise<string[]>;
  /** Deletes one object (absent is fine). */
  delete(key: string): Promise<void>;
  /** Where the objects are, for messages (`s3://bucket`). */
  readonly location: string;
}
