/**
 * Where the CLI reads offloaded node status (workflows too large to keep their nodes in the object):
 * the bucket `ARGOSY_STATUS_BUCKET` names, with the user's AWS credentials; else the bucket of a
 * running `argosy dev`, in its S3 emulator. None: reading such a workflow fails with Argo's message
 * and what to set.
 */
import type { Config } from '../../config.ts';
import type { NodeStatusStore } from '../../ports/node-status.ts';
import {
  EMULATOR_KEYS,
  nodeStatusStoreFromConfig,
  s3NodeStatusStore,
} from '../../adapters/artifacts/node-status-s3.ts';
import type { DevState } from './dev-state.ts';

export function cliNodeStatus(
  config: Config,
  dev: DevState | undefined,
): (NodeStatusStore & { close(): void }) | undefined {
  const configured = nodeStatusStoreFromConfig(config);
  if (configured) return configured;
  if (!dev?.statusBucket) return undefined;
  return s3NodeStatusStore({ bucket: dev.statusBucket, endpoint: dev.sqsEndpoint, credentials: EMULATOR_KEYS });
}
