/**
 * What the three Lambda handlers share: configuration read once, one logger, the rest-config store
 * (Secrets Manager read with a thin signed GetSecretValue, or the Kubernetes Secret; the registry
 * caches either for config.secretCacheMs), and the handler dependencies built once per process —
 * lazily on the first invocation, so INIT makes no network call.
 */
import type { AwsCredentialIdentity } from '@smithy/types';
import type { Config } from '../config.ts';
import { lambdaGetSecretValue } from '../adapters/aws/secretsmanager-thin.ts';
import { lambdaSqsSender } from '../adapters/aws/sqs-thin.ts';
import { buildClusterRegistry } from '../clusters/build.ts';
import { createRuntimeDeps, type RuntimeCounters, type RuntimeDeps } from './deps.ts';
import { createLambdaBase, type LambdaBase } from './lambda-base.ts';
import type { DecideFn } from './reconcile.ts';
import { emfSink } from './custom-metrics-emf.ts';

export interface LambdaWiring extends LambdaBase {
  /** The handler dependencies, built on first use and kept for the life of the process. */
  deps(): Promise<RuntimeDeps>;
}

/**
 * Builds the shared wiring of a Lambda function (awaited at module top level, so it is INIT work).
 * The aws-secretsmanager store reads with a thin SigV4 call (no AWS SDK in the cold start; the SDK
 * client only without credentials in the environment), and the registry re-reads it after
 * config.secretCacheMs, so a rotated entry takes effect within that — what middy's cache gave.
 */
export async function createLambdaWiring(fn: string, decide: DecideFn = noDecide): Promise<LambdaWiring> {
  let counters: RuntimeCounters | undefined;
  const { config, logger, middlewares } = createLambdaBase(fn, () => counters);
  if (config.secretStore === 'kubernetes' && !config.kubeconfig) {
    // The Secret lives in the main cluster, and in Lambda the only way into it is an entry of the
    // store itself: refused at INIT, by name, rather than a 5-minute stream of failed invocations.
    throw new Error(
      'ARGOSY_SECRET_STORE=kubernetes is not supported in Lambda (no main-cluster client to read Secret rest-config with): use aws-secretsmanager, as serverless.yml sets',
    );
  }
  // An aws-secretsmanager store reads with the thin signed call (undefined without credentials).
  const getSecretValue = lambdaGetSecretValue(config);
  // Workflows' custom metrics: EMF lines on stdout, which CloudWatch Logs extracts (ADR 0018).
  const customMetrics = emfSink((line) => process.stdout.write(line + '\n'));
  let built: Promise<RuntimeDeps> | undefined;
  const deps = () => {
    // KUBECONFIG gives the main cluster's client when the functions run outside AWS (local invoke,
    // tests); in Lambda the main cluster comes from its rest-config entry like every other.
    built ??= (config.kubeconfig ? mainClientFromKubeconfig(config) : Promise.resolve(undefined))
      .then((mainClient) =>
        buildClusterRegistry({
          config,
          logger,
          mainClient,
          getSecretValue,
          clientOptions: { awsCredentials: lambdaCredentials(config) },
        }),
      )
      .then((registry) =>
        createRuntimeDeps({ config, logger, registry, sqs: lambdaSqsSender(config), decide, customMetrics }),
      )
      .then((d) => {
        counters = d.counters;
        return d;
      })
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

/**
 * EKS tokens are signed with the function's own credentials (the runtime puts them in the
 * environment), so the Lambda bundle never needs @aws-sdk/credential-provider-node. Undefined outside
 * Lambda without environment credentials: the token source then uses the SDK's chain.
 */
export function lambdaCredentials(
  config: Pick<Config, 'awsAccessKeyId' | 'awsSecretAccessKey' | 'awsSessionToken'>,
): (() => Promise<AwsCredentialIdentity>) | undefined {
  if (!config.awsAccessKeyId || !config.awsSecretAccessKey) return undefined;
  const credentials: AwsCredentialIdentity = {
    accessKeyId: config.awsAccessKeyId,
    secretAccessKey: config.awsSecretAccessKey,
    ...(config.awsSessionToken ? { sessionToken: config.awsSessionToken } : {}),
  };
  return () => Promise.resolve(credentials);
}

/**
 * The main cluster's client from KUBECONFIG (functions run outside AWS): its context named like the
 * cluster, else the current one. The reader is imported only then, so Lambda never loads it.
 */
async function mainClientFromKubeconfig(config: Config) {
  const { clientFromKubeconfig } = await import('../clusters/kubeconfig.ts');
  const { client } = await clientFromKubeconfig({
    kubeconfig: config.kubeconfig,
    preferContext: config.clusterName,
    cluster: config.clusterName,
  });
  return client;
}
