/**
 * The Lambda functions' read of the rest-config secret: one SigV4-signed `GetSecretValue` in the AWS
 * JSON protocol (signed-json.ts), because `@aws-sdk/client-secrets-manager` is a large share of a cold
 * start for this one call (docs/performance.md has the measurement). Without credentials in the environment the SDK
 * client with its own credential resolution is used, imported on first use.
 */
import { regionalEndpoint } from './partition.ts';
import type { Config } from '../../config.ts';
import { AwsJsonRequestError, signedJsonCall, type JsonService, type SignedJsonOptions } from './signed-json.ts';

export interface ThinSecretsManagerOptions extends SignedJsonOptions {
  /** Endpoint override (`http://127.0.0.1:port`); absent = the regional endpoint in the region's partition. */
  endpoint?: string;
}

/** A Secrets Manager error answer (or a failed request), named like the SDK names it. */
export class SecretsManagerRequestError extends AwsJsonRequestError {
  constructor(action: string, name: string, message: string, status?: number, options?: { cause?: unknown }) {
    super('Secrets Manager', action, name, message, status, options);
  }
}

const SECRETS_MANAGER: JsonService = {
  signingName: 'secretsmanager',
  targetPrefix: 'secretsmanager',
  jsonVersion: '1.1',
  error: (...args) => new SecretsManagerRequestError(...args),
};

/** Reads a secret's current value; rejects with the service's error (`ResourceNotFoundException`, ...). */
export type GetSecretValue = (secretId: string) => Promise<{ SecretString?: string }>;

/** Creates the thin `GetSecretValue`. */
export function createThinGetSecretValue(options: ThinSecretsManagerOptions): GetSecretValue {
  const endpoint = options.endpoint || regionalEndpoint('secretsmanager', options.region);
  return async (secretId) => {
    const out = await signedJsonCall<{ SecretString?: unknown }>(options, SECRETS_MANAGER, endpoint, 'GetSecretValue', {
      SecretId: secretId,
    });
    return typeof out.SecretString === 'string' ? { SecretString: out.SecretString } : {};
  };
}

/**
 * The Lambda functions' `GetSecretValue`: the thin call with the runtime's credentials (read through
 * config), or undefined without them (the store then uses the SDK client).
 */
export function lambdaGetSecretValue(
  config: Pick<
    Config,
    'awsRegion' | 'awsAccessKeyId' | 'awsSecretAccessKey' | 'awsSessionToken' | 'secretsManagerEndpoint' | 'secretName'
  >,
): GetSecretValue | undefined {
  if (!config.awsAccessKeyId || !config.awsSecretAccessKey) return undefined;
  return createThinGetSecretValue({
    region: config.awsRegion || regionOfArn(config.secretName),
    credentials: {
      accessKeyId: config.awsAccessKeyId,
      secretAccessKey: config.awsSecretAccessKey,
      ...(config.awsSessionToken ? { sessionToken: config.awsSessionToken } : {}),
    },
    ...(config.secretsManagerEndpoint ? { endpoint: config.secretsManagerEndpoint } : {}),
  });
}

/** The region in a secret ARN (`arn:aws:secretsmanager:<region>:...`), else us-east-1. */
export function regionOfArn(secretId: string): string {
  return /^arn:[a-z-]+:secretsmanager:([a-z0-9-]+):/.exec(secretId)?.[1] ?? 'us-east-1';
}
