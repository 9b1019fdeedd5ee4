/**
 * Which AWS actions each deployed identity calls, recorded while the local stack runs, so a test can
 * hold them against the IAM policies of the packaged CloudFormation template (every call allowed,
 * nothing allowed that is not called). Calls are recorded in IAM's vocabulary (`sqs:SendMessage` for
 * SendMessageBatch, `sqs:ChangeMessageVisibility` for its batch form) and on the resource the call
 * names (a queue URL, the rest-config secret). Local mode reads rest-config entries from a Kubernetes
 * Secret where Lambda reads them from Secrets Manager: that read is recorded as the
 * `secretsmanager:GetSecretValue` it is in AWS.
 */
import type { SqsLike, SqsSender } from '../adapters/aws/sqs-sender.ts';
import { toSqsSender } from '../adapters/aws/sqs-sender.ts';
import type { SecretStore } from '../clusters/stores/types.ts';

/** The identities with an IAM role in infra/aws/iam.yml. */
export type AwsIdentity = 'reconcile' | 'timer' | 'resync' | 'cron' | 'watcher';

export interface AwsCall {
  identity: AwsIdentity;
  /** IAM action, e.g. `sqs:SendMessage`. */
  action: string;
  /** A queue URL, or `rest-config` for the rest-config secret. */
  resource: string;
}

/** The resource name recorded for the rest-config secret, whatever store local mode uses. */
export const REST_CONFIG_SECRET = 'rest-config';

/** A set of distinct calls (identity, action, resource). */
export class AwsCallLog {
  private readonly seen = new Map<string, AwsCall>();

  record(identity: AwsIdentity, action: string, resource: string): void {
    const key = `${identity} ${action} ${resource}`;
    if (!this.seen.has(key)) this.seen.set(key, { identity, action, resource });
  }

  list(): AwsCall[] {
    return [...this.seen.values()];
  }
}

/** An SQS sender that records each call (before making it: a refused call was still attempted). */
export function recordingSqs(sqs: SqsLike, identity: AwsIdentity, log: AwsCallLog): SqsSender {
  const inner = toSqsSender(sqs);
  return {
    sendMessage(input) {
      log.record(identity, 'sqs:SendMessage', input.QueueUrl);
      return inner.sendMessage(input);
    },
    sendMessageBatch(input) {
      log.record(identity, 'sqs:SendMessage', input.QueueUrl);
      return inner.sendMessageBatch(input);
    },
    changeMessageVisibilityBatch(input) {
      log.record(identity, 'sqs:ChangeMessageVisibility', input.QueueUrl);
      return inner.changeMessageVisibilityBatch(input);
    },
  };
}

/**
 * A secret store whose reads are recorded as the GetSecretValue they are in AWS, for every identity
 * that shares it here (reconcile, resync and cron share one registry in local mode; in Lambda each
 * function builds its own from the secret).
 */
export function recordingStore(store: SecretStore, identities: AwsIdentity[], log: AwsCallLog): SecretStore {
  return {
    kind: store.kind,
    location: store.location,
    load() {
      for (const id of identities) log.record(id, 'secretsmanager:GetSecretValue', REST_CONFIG_SECRET);
      return store.load();
    },
  };
}
