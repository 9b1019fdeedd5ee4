/**
 * What every function starts from, the timer included (which needs no cluster access, so it does
 * not import lambda.ts and its registry): configuration read once, the logger, the middlewares.
 */
import type middy from '@middy/core';
import { loadConfig, type Config } from '../config.ts';
import { createLogger, type LogScope, type Logger } from '../logger.ts';
import type { RuntimeCounters } from './deps.ts';
import { flushMetrics, logInvocationErrors, requestLogContext } from './lambda-middleware.ts';

export interface LambdaBase {
  config: Config;
  logger: Logger;
  /** Middlewares to `.use()` before the handler (lambda-middleware.ts). */
  middlewares: middy.MiddlewareObj[];
}

/**
 * Configuration, a logger whose lines carry the invocation's request id and cold-start flag, and
 * the middlewares that set them, log a thrown invocation and (ARGOSY_METRICS=emf) flush metrics.
 */
export function createLambdaBase(
  fn: string,
  counters: () => RuntimeCounters | undefined = () => undefined,
): LambdaBase {
  const config = loadConfig();
  const scope: LogScope = { fields: {} };
  const logger = createLogger({ level: config.logLevel, fields: { fn }, scope });
  const middlewares: middy.MiddlewareObj[] = [requestLogContext(scope), logInvocationErrors(logger)];
  if (config.metrics === 'emf') {
    middlewares.push(flushMetrics(fn, counters, (line) => process.stdout.write(line + '\n')));
  }
  return { config, logger, middlewares };
}
