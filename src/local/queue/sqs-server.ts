/**
 * The local SQS: fauxqs in-process, bound to 127.0.0.1 on an ephemeral port (its CLI and
 * `startFauxqs` bind 0.0.0.0, so `buildApp().listen` is used instead), with the queues Argosy needs:
 * the FIFO work queue, its FIFO dead-letter queue (redrive after `maxReceiveCount`), and the standard
 * timer queue for delayed wake-ups. Everything talks to it through the real SQS API.
 */
import { CreateQueueCommand, GetQueueAttributesCommand, type SQSClient } from '@aws-sdk/client-sqs';
import { buildApp } from 'fauxqs';
import { createSqsClient } from '../../adapters/aws/sqs-client.ts';

export interface LocalQueuesOptions {
  /** Receives before a nudge is dead-lettered. */
  maxReceiveCount?: number;
  /** Visibility timeout of the work queue (s): how long a failed record waits before its retry. */
  visibilityTimeoutSeconds?: number;
  /** Queue name prefix (several stacks in one emulator). */
  prefix?: string;
}

export interface LocalQueues {
  endpoint: string;
  client: SQSClient;
  queueUrls: { work: string; dlq: string; timer: string };
  stop(): Promise<void>;
}

/** Starts the emulator and creates the queues. */
export async function startLocalQueues(options: LocalQueuesOptions = {}): Promise<LocalQueues> {
  const app = buildApp({ logger: false });
  const address = await app.listen({ host: '127.0.0.1', port: 0 });
  const endpoint = new URL(address).origin;
  const client = createSqsClient({ endpoint });
  const prefix = options.prefix ?? 'argosy';
  try {
    const dlq = await createQueue(client, `${prefix}-work-dlq.fifo`, { FifoQueue: 'true' });
    const dlqArn = await queueArn(client, dlq);
    const work = await createQueue(client, `${prefix}-work.fifo`, {
      FifoQueue: 'true',
      // As in AWS, at least the function's timeout (the poller's default is 60 s): a reconcile that is
      // still running is never handed to a second invocation. Failed records come back sooner: the
      // reconcile shortens their visibility itself (exponential backoff).
      VisibilityTimeout: String(options.visibilityTimeoutSeconds ?? 60),
      RedrivePolicy: JSON.stringify({ deadLetterTargetArn: dlqArn, maxReceiveCount: options.maxReceiveCount ?? 5 }),
    });
    const timer = await createQueue(client, `${prefix}-timer`, { VisibilityTimeout: '10' });
    return {
      endpoint,
      client,
      queueUrls: { work, dlq, timer },
      async stop() {
        client.destroy();
        await app.close();
      },
    };
  } catch (e) {
    client.destroy();
    await app.close();
    throw e;
  }
}

async function createQueue(client: SQSClient, name: string, attributes: Record<string, string>): Promise<string> {
  const out = await client.send(new CreateQueueCommand({ QueueName: name, Attributes: attributes }));
  if (!out.QueueUrl) throw new Error(`emulator returned no URL for queue ${name}`);
  return out.QueueUrl;
}

async function queueArn(client: SQSClient, url: string): Promise<string> {
  const out = await client.send(new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ['QueueArn'] }));
  const arn = out.Attributes?.QueueArn;
  if (!arn) throw new Error(`emulator returned no ARN for ${url}`);
  return arn;
}
