// Lambda: scheduled resync → one nudge per unfinished workflow. Wiring only; the logic is
// src/runtime/resync-handler.ts.
import middy from '@middy/core';
import { createLambdaWiring } from '../../src/runtime/lambda.ts';
import { makeResyncHandler } from '../../src/runtime/resync-handler.ts';

const wiring = await createLambdaWiring('resync');
let resync: ReturnType<typeof makeResyncHandler> | undefined;

export const handler = middy()
  .use(wiring.middlewares)
  .handler(async () => {
    resync ??= makeResyncHandler((await wiring.deps()).resync);
    return resync();
  });
