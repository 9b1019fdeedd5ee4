// Stores without a network: Secrets Manager through a recording stand-in for the SDK client's
// `send`, the middy-fed store, and Secret value decoding.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  CreateSecretCommand,
  GetSecretValueCommand,
  PutSecretValueCommand,
  ResourceNotFoundException,
} from '@aws-sdk/client-secrets-manager';
import { createSecretsManagerStore, type SecretsManagerLike } from '../../../src/clusters/stores/aws-secretsmanager.ts';
import {
  createMiddyFedStore,
  feedStoreMiddleware,
  REST_CONFIG_CONTEXT_KEY,
  restConfigSecretsOptions,
} from '../../../src/clusters/stores/middy.ts';
import { secretValues } from '../../../src/clusters/stores/kubernetes.ts';
import { isSecretStoreError } from '../../../src/clusters/errors.ts';

function fakeSecretsManager(initial?: string) {
  let value = initial;
  const calls: string[] = [];
  const client = {
    send: async (cmd: unknown) => {
      calls.push((cmd as object).constructor.name);
      if (cmd instanceof GetSecretValueCommand) {
        if (value === undefined) throw new ResourceNotFoundException({ message: 'nope', $metadata: {} });
        return { SecretString: value };
      }
      if (cmd instanceof CreateSecretCommand || cmd instanceof PutSecretValueCommand) {
        value = cmd.input.SecretString;
        return {};
      }
      throw new Error('unexpected command');
    },
  } as unknown as SecretsManagerLike;
  return { client, calls, value: () => value };
}

describe('aws-secretsmanager store', () => {
  test('reads JSON objects, strings of JSON and base64 values; slash keys normalised', async () => {
    const e = { Host: 'https://h' };
    const sm = fakeSecretsManager(
      JSON.stringify({
        'main.': e,
        'other/argo': JSON.stringify(e),
        'gpu.': Buffer.from(JSON.stringify(e)).toString('base64'),
        nodot: e,
      }),
    );
    const snap = await createSecretsManagerStore({ secretId: 'rc', client: sm.client }).load();
    assert.deepEqual([...snap.entries.keys()].sort(), ['gpu.', 'main.', 'other.argo']);
    assert.equal(snap.invalidKeys[0]?.key, 'nodot');
  });

  test('put creates the secret when missing, replaces other spellings; remove', async () => {
    const sm = fakeSecretsManager();
    const store = createSecretsManagerStore({ secretId: 'rc', client: sm.client });
    assert.deepEqual(await store.put('other/argo', { Host: 'https://a' }), { createdSecret: true });
    assert.deepEqual(sm.calls, ['GetSecretValueCommand', 'CreateSecretCommand']);
    assert.deepEqual(await store.put('other.argo', { Host: 'https://b' }), { createdSecret: false });
    assert.deepEqual(JSON.parse(sm.value()!), { 'other.argo': { Host: 'https://b' } });
    assert.equal(await store.remove('other/argo'), true);
    assert.equal(await store.remove('other.argo'), false);
    assert.deepEqual(JSON.parse(sm.value()!), {});
  });

  test('a secret that is not a JSON object is a store error', async () => {
    const sm = fakeSecretsManager('[1,2]');
    await assert.rejects(createSecretsManagerStore({ secretId: 'rc', client: sm.client }).load(), (e: unknown) =>
      isSecretStoreError(e),
    );
  });
});

describe('middy-fed store', () => {
  test('options for @middy/secrets-manager use the cache lifetime and set the context', () => {
    assert.deepEqual(restConfigSecretsOptions({ secretName: 'rc', secretCacheMs: 15_000 }), {
      fetchData: { [REST_CONFIG_CONTEXT_KEY]: 'rc' },
      cacheKey: 'argosy-rest-config',
      cacheExpiry: 15_000,
      setToContext: true,
    });
  });

  test('load returns what the middleware fed; unfed is an error', async () => {
    const store = createMiddyFedStore('rc');
    await assert.rejects(store.load(), (e: unknown) => isSecretStoreError(e));
    const mw = feedStoreMiddleware(store);
    mw.before({ context: { [REST_CONFIG_CONTEXT_KEY]: { 'other.': { Host: 'https://h' } } } });
    assert.deepEqual([...(await store.load()).entries.keys()], ['other.']);
    mw.before({ context: { [REST_CONFIG_CONTEXT_KEY]: JSON.stringify({ 'gpu/': { Host: 'https://g' } }) } });
    assert.deepEqual([...(await store.load()).entries.keys()], ['gpu.']);
    assert.equal(store.selfCaching, true);
  });
});

describe('kubernetes Secret values', () => {
  test('data is base64-decoded, stringData overrides', () => {
    assert.deepEqual(
      secretValues({
        data: { 'a.': Buffer.from('{"Host":"x"}').toString('base64'), 'b.': 'e30=' },
        stringData: { 'b.': '{"Host":"y"}' },
      }),
      { 'a.': '{"Host":"x"}', 'b.': '{"Host":"y"}' },
    );
  });
});

describe('middy wiring end to end (real @middy/core + @middy/secrets-manager, stand-in AWS client)', () => {
  test('the registry sees a rotated secret on the next invocation once middy’s cache expires', async () => {
    const { default: middy } = await import('@middy/core');
    const { default: secretsManager } = await import('@middy/secrets-manager');
    const { createEntryRegistry } = await import('../../../src/clusters/registry.ts');
    const { silentLogger } = await import('../../../src/logger.ts');
    let secret = JSON.stringify({ 'main.': { Host: 'https://v1' } });
    class FakeClient {
      async send() {
        return { SecretString: secret };
      }
    }
    const store = createMiddyFedStore('rc');
    const seen: string[] = [];
    const handler = middy(async () => {
      const registry = await createEntryRegistry({ mainCluster: 'main', store, cacheMs: 0, logger: silentLogger });
      seen.push((registry.mainClient() as unknown as { server: string }).server);
      registry.close();
    })
      .use(
        secretsManager({
          ...restConfigSecretsOptions({ secretName: 'rc', secretCacheMs: 0 }),
          AwsClient: FakeClient as never,
          disablePrefetch: true,
        }),
      )
      .use(feedStoreMiddleware(store));
    await handler({}, {} as never);
    secret = JSON.stringify({ 'main.': { Host: 'https://v2' } });
    await handler({}, {} as never);
    assert.deepEqual(seen, ['https://v1', 'https://v2']);
  });
});
