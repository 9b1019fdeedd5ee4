/**
 * The few SQS calls the publisher and the retry backoff make, as a port: the Lambda functions
 * implement it with a thin SigV4 client (`sqs-thin.ts`, no AWS SDK loaded in the cold start), the
 * watcher, the CLI, local mode and the tests with the SDK client through {@link toSqsSender}. The
 * shapes are the SDK's (and the JSON protocol's) field names, so both implementations take them as is.
 */
import type { SQSClient } from '@aws-sdk/client-sqs';

export interface SendMessageInput {
  QueueUrl: string;
  MessageBody: string;
  DelaySeconds?: number;
  MessageGroupId?: string;
  MessageDeduplicationId?: string;
}

export interface SendMessageBatchInput {
  QueueUrl: string;
  Entries: (Omit<SendMessageInput, 'QueueUrl'> & { Id: string })[];
}

/** A refused batch entry. */
export interface BatchFailure {
  Id?: string;
  Code?: string;
  Message?: string;
  SenderFault?: boolean;
}

export interface BatchOutput {
  Successful?: { Id?: string }[];
  Failed?: BatchFailure[];
}

export interface ChangeMessageVisibilityBatchInput {
  QueueUrl: string;
  Entries: { Id: string; ReceiptHandle: string; VisibilityTimeout?: number }[];
}

/** What the publisher and the backoff need from SQS. */
export interface SqsSender {
  sendMessage(input: SendMessageInput): Promise<{ MessageId?: string }>;
  sendMessageBatch(input: SendMessageBatchInput): Promise<BatchOutput>;
  changeMessageVisibilityBatch(input: ChangeMessageVisibilityBatchInput): Promise<BatchOutput>;
}

/** Either implementation, as callers hold them. */
export type SqsLike = SqsSender | SQSClient;

/**
 * The port over an SDK client (or the sender itself). The SDK's command classes are imported on
 * the first call, so a module that only passes a thin sender around never loads the SDK.
 */
export function toSqsSender(client: SqsLike): SqsSender {
  if (!('send' in client)) return client;
  const sdk = () => import('@aws-sdk/client-sqs');
  return {
    async sendMessage(input) {
      return client.send(new (await sdk()).SendMessageCommand(input));
    },
    async sendMessageBatch(input) {
      return client.send(new (await sdk()).SendMessageBatchCommand(input));
    },
    async changeMessageVisibilityBatch(input) {
      return client.send(new (await sdk()).ChangeMessageVisibilityBatchCommand(input));
    },
  };
}
