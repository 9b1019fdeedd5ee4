// Lambda: standard timer queue (DelaySeconds) → due wake-ups become FIFO nudges; early ones hop.
// Wiring only; the logic is src/runtime/timer-handler.ts.
import middy from '@middy/core';
import type { SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { createSqsPublisher } from '../../src/adapters/aws/sqs-publisher.ts';
import { lambdaSqsSender } from '../../src/adapters/aws/sqs-thin.ts';
import { createLambdaBase } from '../../src/runtime/lambda-base.ts';
import { makeTimerHandler } from '../../src/runtime/timer-handler.ts';

// The timer needs no cluster access: only the queues.
const { config, logger, middlewares } = createLambdaBase('timer');
const publisher = createSqsPublisher({
  client: lambdaSqsSender(config),
  workQueueUrl: config.queueUrl,
  timerQueueUrl: config.timerQueueUrl,
});

export const handler = middy<SQSEvent, SQSBatchResponse>()
  .use(middlewares)
  .handler(makeTimerHandler({ publisher, logger, now: () => new Date() }));
