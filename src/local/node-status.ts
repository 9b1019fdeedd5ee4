/**
 * Local mode's node status store (docs/adr/0017-node-status-offload.md): a bucket of its own in the
 * S3 emulator that serves the queues, apart from the workflows' artifact bucket, reached with the
 * controller's credentials. Its calls are recorded as the IAM actions they are in AWS, on the
 * resource {@link NODE_STATUS_BUCKET_RESOURCE} (the packaged NodeStatusBucket).
 */
import type { Config } from '../config.ts';
import type { NodeStatusStore } from '../ports/node-status.ts';
import type { StatusStorage } from '../runtime/status-size.ts';
import { EMULATOR_KEYS, LOCAL_STATUS_BUCKET, s3NodeStatusStore } from '../adapters/artifacts/node-status-s3.ts';
import { s3Store } from '../adapters/artifacts/s3.ts';
import type { AwsCallLog, AwsIdentity } from './aws-calls.ts';

export { LOCAL_STATUS_BUCKET };
/** The resource recorded for calls on the node status bucket (IAM parity test). */
export const NODE_STATUS_BUCKET_RESOURCE = 'node-status-bucket';

/** A store whose calls are recorded in IAM's vocabulary (ListObjectsV2 is s3:ListBucket). */
export function recordingNodeStatus(store: NodeStatusStore, identity: AwsIdentity, log: AwsCallLog): NodeStatusStore {
  // Object actions are on `<bucket>/*`, ListBucket on the bucket itself (as IAM scopes them).
  const rec = (action: string, objects = true) =>
    log.record(identity, action, `${NODE_STATUS_BUCKET_RESOURCE}${objects ? '/*' : ''}`);
  return {
    location: store.location,
    put: (k, b) => (rec('s3:PutObject'), store.put(k, b)),
    get: (k) => (rec('s3:GetObject'), store.get(k)),
    list: (p) => (rec('s3:ListBucket', false), store.list(p)),
    delete: (k) => (rec('s3:DeleteObject'), store.delete(k)),
  };
}

/**
 * The reconcile's status storage in local mode: the configured bucket, or (unless the caller set
 * `statusBucket`, '' turning offload off) {@link LOCAL_STATUS_BUCKET} in the emulator at `s3Url`,
 * created here. Returns the storage, the watcher's view of the same store and a close function.
 */
export async function localStatusStorage(
  config: Config,
  explicit: Partial<Record<keyof Config, unknown>> | undefined,
  s3Url: string,
  log: AwsCallLog,
): Promise<{ storage: StatusStorage; watcherStore?: NodeStatusStore; close: () => void }> {
  const bucket = explicit && 'statusBucket' in explicit ? config.statusBucket : LOCAL_STATUS_BUCKET;
  const base = { maxWorkflowSize: config.maxWorkflowSize, alwaysOffload: config.alwaysOffloadNodeStatus === 'true' };
  if (!bucket) return { storage: base, close: () => {} };
  const endpoint = config.s3Endpoint || s3Url;
  const credentials = EMULATOR_KEYS;
  const admin = s3Store({ endpoint, bucket, credentials });
  try {
    await admin.ensureBucket();
  } finally {
    admin.close();
  }
  const store = s3NodeStatusStore({ bucket, endpoint, credentials });
  return {
    storage: { ...base, nodeStatus: recordingNodeStatus(store, 'reconcile', log) },
    // The watcher reads offloaded nodes too (resumes), as its own identity.
    watcherStore: recordingNodeStatus(store, 'watcher', log),
    close: () => store.close(),
  };
}
