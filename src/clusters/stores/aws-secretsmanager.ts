/**
 * AWS Secrets Manager store: one secret whose SecretString is a JSON object mapping keys (dot or
 * slash form) to entries; an entry may be a JSON object, a string of JSON, or base64 of JSON.
 */
import type { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { SecretStoreError } from '../errors.ts';
import { normaliseKey } from '../keys.ts';
import { snapshotFrom, spellingsOf } from './snapshot.ts';
import type { StoreSnapshot, WritableSecretStore } from './types.ts';

/** The part of the SDK client the store uses (a real client, or a test double). */
export type SecretsManagerLike = Pick<SecretsManagerClient, 'send'>;

export interface SecretsManagerStoreOptions {
  /** Secret name or ARN (config.secretName). */
  secretId: string;
  /** Defaults to a client from the default provider chain (region from the environment). */
  client?: SecretsManagerLike;
  /**
   * Reads the secret without the SDK (the Lambda functions' thin signed call); `put`/`remove` still
   * use `client`. Rejections named `ResourceNotFoundException` read as a missing secret.
   */
  getSecretValue?: (secretId: string) => Promise<{ SecretString?: string }>;
}

/** Parses a SecretString into the key → entry record; a non-object is a store error. */
export function parseSecretString(secretId: string, text: string | undefined): Record<string, unknown> {
  if (!text) return {};
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new SecretStoreError('aws-secretsmanager', `secret ${secretId} is not a JSON object of entries`);
  }
  if (!value || typeof value !== 'object' || Array.isArray(value)) {
    throw new SecretStoreError('aws-secretsmanager', `secret ${secretId} is not a JSON object of entries`);
  }
  return value as Record<string, unknown>;
}

/**
 * Creates the store (the registry caches its reads for config.secretCacheMs).
 *
 * @example
 * const store = createSecretsManagerStore({ secretId: config.secretName });
 */
export function createSecretsManagerStore(options: SecretsManagerStoreOptions): WritableSecretStore {
  let client = options.client;
  const sdk = () => import('@aws-sdk/client-secrets-manager');
  const getClient = async () => (client ??= new (await sdk()).SecretsManagerClient({}));
  const wrap = (what: string, cause: unknown) =>
    new SecretStoreError('aws-secretsmanager', `${what} ${options.secretId}: ${(cause as Error).message}`, {
      cause,
    });

  async function read(): Promise<Record<string, unknown> | undefined> {
    try {
      const out = options.getSecretValue
        ? await options.getSecretValue(options.secretId)
        : await (await getClient()).send(new (await sdk()).GetSecretValueCommand({ SecretId: options.secretId }));
      return parseSecretString(options.secretId, out.SecretString);
    } catch (e) {
      if ((e as { name?: string }).name === 'ResourceNotFoundException') return undefined;
      if ((e as { name?: string }).name === 'SecretStoreError') throw e;
      throw wrap('cannot read', e);
    }
  }

  async function write(record: Record<string, unknown>, create: boolean): Promise<void> {
    const { CreateSecretCommand, PutSecretValueCommand } = await sdk();
    const SecretString = JSON.stringify(record);
    try {
      const c = await getClient();
      if (create) await c.send(new CreateSecretCommand({ Name: options.secretId, SecretString }));
      else await c.send(new PutSecretValueCommand({ SecretId: options.secretId, SecretString }));
    } catch (e) {
      throw wrap('cannot write', e);
    }
  }

  return {
    kind: 'aws-secretsmanager',
    location: `AWS Secrets Manager secret ${options.secretId}`,
    async load(): Promise<StoreSnapshot> {
      return snapshotFrom((await read()) ?? {});
    },
    async put(key, entry) {
      const k = normaliseKey(key);
      const current = await read();
      const record = { ...current };
      for (const old of spellingsOf(record, k)) delete record[old];
      record[k] = entry;
      await write(record, !current);
      return { createdSecret: !current };
    },
    async remove(key) {
      const k = normaliseKey(key);
      const current = await read();
      const present = current ? spellingsOf(current, k) : [];
      if (!current || present.length === 0) return false;
      const record = { ...current };
      for (const old of present) delete record[old];
      await write(record, false);
      return true;
    },
  };
}
