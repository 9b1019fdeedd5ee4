/**
 * What the three Lambda handlers share: configuration read once, one logger, the rest-config store
 * (Secrets Manager through @middy/secrets-manager with caching, or the Kubernetes Secret), and the
 * handler dependencies built once per process — lazily on the first invocation, because with
 * Secrets Manager the entries (including the main cluster's) only arrive through the middleware.
 */
import type middy from '@middy/core';
import { lambdaSqsSender } from '../adapters/aws/sqs-thin.ts';
import { buildClusterRegistry } from '../clusters/build.ts';
import { createMiddyFedStore, feedStoreMiddleware, restConfigSecretsOptions } from '../clusters/stores/middy.ts';
import { loadConfig, type Config } from '../config.ts';
import { createLogger, type Logger } from '../logger.ts';
import { createRuntimeDeps, type RuntimeDeps } from './deps.ts';
import { clientFromKubeconfigFile } from './kubeconfig-lite.ts';
import type { DecideFn } from './reconcile.ts';

export interface LambdaWiring {
  config: Config;
  logger: Logger;
  /** Middlewares to `.use()` before the handler (secret fetching), possibly none. */
  middlewares: middy.MiddlewareObj[];
  /** The handler dependencies, built on first use and kept for the life of the process. */
  deps(): Promise<RuntimeDeps>;
}

/**
 * Builds the shared wiring of a Lambda function (awaited at module top level, so it is INIT work).
 * `@middy/secrets-manager` and its SDK client are imported only with the aws-secretsmanager store: a
 * kubernetes-store install would otherwise load and construct them in every cold start for nothing.
 */
export async function createLambdaWiring(fn: string, decide: DecideFn = noDecide): Promise<LambdaWiring> {
  const config = loadConfig();
  const logger = createLogger({ level: config.logLevel, fields: { fn } });
  const store = config.secretStore === 'aws-secretsmanager' ? createMiddyFedStore(config.secretName) : undefined;
  const secretsManager = store ? (await import('@middy/secrets-manager')).default : undefined;
  const middlewares: middy.MiddlewareObj[] =
    store && secretsManager
      ? [
          secretsManager(restConfigSecretsOptions(config)) as middy.MiddlewareObj,
          feedStoreMiddleware(store) as middy.MiddlewareObj,
        ]
      : [];
  let built: Promise<RuntimeDeps> | undefined;
  const deps = () => {
    // KUBECONFIG gives the main cluster's client when the functions run outside AWS (local invoke,
    // tests); in Lambda the main cluster comes from its rest-config entry like every other.
    built ??= (
      config.kubeconfig
        ? clientFromKubeconfigFile(config.kubeconfig, config.clusterName, config.clusterName)
        : Promise.resolve(undefined)
    )
      .then((mainClient) => buildClusterRegistry({ config, logger, store, mainClient }))
      .then((registry) => createRuntimeDeps({ config, logger, registry, sqs: lambdaSqsSender(config), decide }))
      .catch((e: unknown) => {
        built = undefined; // a failed cold start must not poison the warm container
        throw e;
      });
    return built;
  };
  return { config, logger, middlewares, deps };
}

/** For functions that never decide (resync): keeps the engine out of their bundle. */
const noDecide: DecideFn = () => {
  throw new Error('this function does not run decide');
};
