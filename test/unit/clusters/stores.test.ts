// Stores without a network: Secrets Manager through a recording stand-in for the SDK client's
// `send`, and Secret value decoding.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  CreateSecretCommand,
  GetSecretValueCommand,
  PutSecretValueCommand,
  ResourceNotFoundException,
} from '@aws-sdk/client-secrets-manager';
import { createSecretsManagerStore, type SecretsManagerLike } from '../../../src/clusters/stores/aws-secretsmanager.ts';
import { secretValues } from '../../../src/clusters/stores/kubernetes.ts';
import { isSecretStoreError } from '../../../src/clusters/errors.ts';
import { createSecretStore } from '../../../src/clusters/stores/factory.ts';
import { STORE_KINDS } from '../../../src/clusters/stores/kinds.ts';

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

describe('store factory', () => {
  test('every kind the configuration accepts makes a store of that kind', () => {
    const main = { request: async () => ({}) } as never;
    for (const kind of STORE_KINDS) {
      const store = createSecretStore(kind, { secretName: 'rc', namespace: 'argo', mainClient: main });
      assert.equal(store.kind, kind);
    }
    assert.equal(
      createSecretStore('kubernetes', { secretName: 'rc', namespace: 'argo', mainClient: main }).location,
      'Secret argo/rc',
    );
  });

  test('the kubernetes store without a main cluster client says what to do', () => {
    assert.throws(
      () => createSecretStore('kubernetes', { secretName: 'rc', namespace: 'argo' }),
      (e: unknown) => isSecretStoreError(e) && /use --kubeconfig\/--context or ARGOSY_SECRET_STORE/.test(String(e)),
    );
  });
});
