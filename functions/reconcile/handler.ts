// Lambda: SQS FIFO work queue → reconcile (partial batch response, FIFO-aware). Wiring only; the
// logic is src/runtime/reconcile-handler.ts, the same factory local mode's poller calls.
import middy from '@middy/core';
import type { Context, SQSBatchResponse, SQSEvent } from 'aws-lambda';
// decide.ts, not engine/index.ts: the index also re-exports the workflow parser and its `yaml` import.
import { decide } from '../../src/engine/decide.ts';
import { createLambdaWiring } from '../../src/runtime/lambda.ts';
import { makeReconcileHandler } from '../../src/runtime/reconcile-handler.ts';

const wiring = await createLambdaWiring('reconcile', decide);
let reconcile: ReturnType<typeof makeReconcileHandler> | undefined;

export const handler = middy<SQSEvent, SQSBatchResponse, Error, Context>()
  .use(wiring.middlewares)
  .handler(async (event, context) => {
    reconcile ??= makeReconcileHandler((await wiring.deps()).reconcile);
    return reconcile(event, context);
  });
