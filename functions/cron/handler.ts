// Lambda: every minute (EventBridge rule) → evaluate every CronWorkflow and start the runs that are
// due. Wiring only; the logic is src/runtime/cron-handler.ts (docs/adr/0014-cron-scheduling.md).
import middy from '@middy/core';
import { createLambdaWiring } from '../../src/runtime/lambda.ts';
import { makeCronHandler } from '../../src/runtime/cron-handler.ts';

const wiring = await createLambdaWiring('cron');
let cron: ReturnType<typeof makeCronHandler> | undefined;

export const handler = middy()
  .use(wiring.middlewares)
  .handler(async () => {
    const { config, logger } = wiring;
    cron ??= makeCronHandler({
      mainClient: (await wiring.deps()).resync.mainClient,
      logger,
      managedNamespace: config.managedNamespace || undefined,
      now: () => new Date(),
      graceSeconds: config.cronGraceSeconds,
    });
    return cron();
  });
