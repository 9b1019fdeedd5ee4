/**
 * The node status store on S3 (docs/adr/0017-node-status-offload.md): the controller's own bucket,
 * reached with the process's AWS credentials (the Lambda role, the watcher's, the user's for the CLI
 * and UI). The S3 client is loaded on the first call: only workflows too large to store compressed
 * pay for it, and a Lambda's INIT does not.
 */
import type { NodeStatusStore } from '../../ports/node-status.ts';
import type { ArtifactStore } from './store.ts';
import type { Config } from '../../config.ts';

/** The bucket local mode (`argosy dev`, the local stack) keeps offloaded nodes in, in its S3 emulator. */
export const LOCAL_STATUS_BUCKET = 'argosy-node-status';

/** Keys for the local emulator, which checks none (real AWS uses the default chain). */
export const EMULATOR_KEYS = { accessKeyId: 'argosy-local', secretAccessKey: 'local' };

export interface NodeStatusS3Options {
  bucket: string;
  /** An emulator's URL (`AWS_ENDPOINT_URL_S3`); empty = AWS. */
  endpoint?: string;
  region?: string;
  /** Explicit keys; absent = the SDK's default chain. */
  credentials?: { accessKeyId: string; secretAccessKey: string; sessionToken?: string };
}

/** A {@link NodeStatusStore} over one bucket. */
export function s3NodeStatusStore(opts: NodeStatusS3Options): NodeStatusStore & { close(): void } {
  let store: Promise<ArtifactStore> | undefined;
  const open = (): Promise<ArtifactStore> =>
    (store ??= import('./s3.ts').then(({ s3Store }) =>
      s3Store({
        endpoint: opts.endpoint || `https://s3.${opts.region || 'us-east-1'}.amazonaws.com`,
        bucket: opts.bucket,
        region: opts.region,
        ...(opts.credentials ? { credentials: opts.credentials } : {}),
      }),
    ));
  return {
    location: `s3://${opts.bucket}`,
    put: async (key, body) => (await open()).put(key, body),
    get: async (key) => (await open()).get(key),
    list: async (prefix) => (await open()).list(prefix),
    delete: async (key) => (await open()).delete(key),
    close: () => void store?.then((s) => s.close()),
  };
}

/** The store the configuration names (`ARGOSY_STATUS_BUCKET`), or none. */
export function nodeStatusStoreFromConfig(
  config: Pick<
    Config,
    'statusBucket' | 's3Endpoint' | 'awsRegion' | 'awsAccessKeyId' | 'awsSecretAccessKey' | 'awsSessionToken'
  >,
): (NodeStatusStore & { close(): void }) | undefined {
  if (!config.statusBucket) return undefined;
  const keys = config.awsAccessKeyId && config.awsSecretAccessKey;
  return s3NodeStatusStore({
    bucket: config.statusBucket,
    endpoint: config.s3Endpoint,
    region: config.awsRegion,
    ...(keys
      ? {
          credentials: {
            accessKeyId: config.awsAccessKeyId,
            secretAccessKey: config.awsSecretAccessKey,
            ...(config.awsSessionToken ? { sessionToken: config.awsSessionToken } : {}),
          },
        }
      : {}),
  });
}

/** Size limit, offload flag and store as the configuration says (status-size.ts's StatusStorage). */
export function statusStorageFromConfig(config: Config): {
  nodeStatus?: NodeStatusStore & { close(): void };
  maxWorkflowSize: number;
  alwaysOffload: boolean;
} {
  const nodeStatus = nodeStatusStoreFromConfig(config);
  return {
    ...(nodeStatus ? { nodeStatus } : {}),
    maxWorkflowSize: config.maxWorkflowSize,
    alwaysOffload: config.alwaysOffloadNodeStatus === 'true',
  };
}
