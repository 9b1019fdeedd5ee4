// The Lambda functions' thin GetSecretValue against a local HTTP server speaking the Secrets Manager
// JSON protocol (no installed emulator serves Secrets Manager): request shape and SigV4 header
// format, error mapping, retries, and a rotated entry seen by the registry within config.secretCacheMs.
import { after, before, beforeEach, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  createThinGetSecretValue,
  lambdaGetSecretValue,
  regionOfArn,
} from '../../../src/adapters/aws/secretsmanager-thin.ts';
import { isThrottling } from '../../../src/adapters/aws/errors.ts';
import { createEntryRegistry } from '../../../src/clusters/registry.ts';
import { createSecretsManagerStore } from '../../../src/clusters/stores/aws-secretsmanager.ts';
import { isSecretStoreError } from '../../../src/clusters/errors.ts';
import type { HttpKubeClient } from '../../../src/adapters/kube/http-client.ts';
import { loadConfig } from '../../../src/config.ts';
import { createLogger } from '../../../src/logger.ts';
import type { KubeClient } from '../../../src/ports/kube.ts';

interface Seen {
  headers: IncomingHttpHeaders;
  method: string;
  url: string;
  body: string;
}

/** What the server answers next: status and JSON body (a queue; the last one repeats). */
type Answer = { status: number; body: unknown };

const secrets = new Map<string, string>();
let seen: Seen[] = [];
let forced: Answer[] = [];
let server: Server;
let endpoint: string;

function answer(req: Seen): Answer {
  if (forced.length) return forced.shift()!;
  if (req.headers['x-amz-target'] !== 'secretsmanager.GetSecretValue') {
    return { status: 400, body: { __type: 'UnknownOperationException' } };
  }
  const { SecretId } = JSON.parse(req.body) as { SecretId: string };
  const value = secrets.get(SecretId);
  if (value === undefined) {
    return {
      status: 400,
      body: { __type: 'ResourceNotFoundException', Message: "Secrets Manager can't find the specified secret." },
    };
  }
  return {
    status: 200,
    body: { ARN: `arn:aws:secretsmanager:us-east-1:0:secret:${SecretId}`, Name: SecretId, SecretString: value },
  };
}

before(async () => {
  server = createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => {
      const s = { headers: req.headers, method: req.method ?? '', url: req.url ?? '', body };
      seen.push(s);
      const a = answer(s);
      res.writeHead(a.status, { 'content-type': 'application/x-amz-json-1.1' });
      res.end(JSON.stringify(a.body));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
after(() => new Promise<void>((resolve) => server.close(() => resolve())));
beforeEach(() => {
  secrets.clear();
  seen = [];
  forced = [];
});

const credentials = { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'not-a-real-key', sessionToken: 'tok' };
const thin = () => createThinGetSecretValue({ region: 'eu-west-1', credentials, endpoint, backoffMs: 1 });

describe('thin GetSecretValue', () => {
  test('POST / with the JSON 1.1 protocol, the target, the SecretId body and a SigV4 signature', async () => {
    secrets.set('rest-config', '{"main.":{"Host":"https://h"}}');
    const out = await thin()('rest-config');
    assert.deepEqual(out, { SecretString: '{"main.":{"Host":"https://h"}}' });
    assert.equal(seen.length, 1);
    const [req] = seen;
    assert.equal(req!.method, 'POST');
    assert.equal(req!.url, '/');
    assert.equal(req!.headers['content-type'], 'application/x-amz-json-1.1');
    assert.equal(req!.headers['x-amz-target'], 'secretsmanager.GetSecretValue');
    assert.deepEqual(JSON.parse(req!.body), { SecretId: 'rest-config' });
    assert.match(String(req!.headers['x-amz-date']), /^\d{8}T\d{6}Z$/);
    assert.equal(req!.headers['x-amz-security-token'], 'tok');
    const date = String(req!.headers['x-amz-date']).slice(0, 8);
    const auth = String(req!.headers.authorization);
    assert.match(
      auth,
      new RegExp(
        `^AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/${date}/eu-west-1/secretsmanager/aws4_request, ` +
          'SignedHeaders=([a-z0-9-]+;)*host;([a-z0-9-]+;)*x-amz-target(;[a-z0-9-]+)*, Signature=[0-9a-f]{64}$',
      ),
    );
    assert.ok(auth.includes('content-type') && auth.includes('x-amz-date'), auth);
  });

  test('service errors carry the SDK name; throttling is retried, then succeeds', async () => {
    await assert.rejects(thin()('missing'), (e: unknown) => (e as Error).name === 'ResourceNotFoundException');
    secrets.set('rc', '{}');
    forced = [{ status: 400, body: { __type: 'ThrottlingException', message: 'Rate exceeded' } }];
    seen = [];
    assert.deepEqual(await thin()('rc'), { SecretString: '{}' });
    assert.equal(seen.length, 2, 'one retry');
    forced = Array.from({ length: 3 }, () => ({ status: 500, body: { __type: 'InternalServiceError' } }));
    seen = [];
    await assert.rejects(thin()('rc'), (e: unknown) => (e as Error).name === 'InternalServiceError' && isThrottling(e));
    assert.equal(seen.length, 3, 'three attempts, then the error');
  });

  test('the store: a missing secret is empty; a failure names the secret, never its value', async () => {
    const store = createSecretsManagerStore({ secretId: 'rc', getSecretValue: thin() });
    assert.equal((await store.load()).entries.size, 0);
    secrets.set('rc', 'not json: super-secret-value');
    await assert.rejects(store.load(), (e: unknown) => isSecretStoreError(e) && !String(e).includes('super-secret'));
    forced = [{ status: 400, body: { __type: 'AccessDeniedException', Message: 'not authorized' } }];
    await assert.rejects(
      store.load(),
      (e: unknown) =>
        isSecretStoreError(e) && /rc/.test((e as Error).message) && /AccessDenied/.test((e as Error).message),
    );
  });

  test('from config: endpoint override and credentials; none without env credentials; region from an ARN', async () => {
    const env = {
      ARGOSY_SECRET_STORE: 'aws-secretsmanager',
      ARGOSY_SECRET_NAME: 'rc',
      AWS_REGION: 'us-east-2',
      AWS_ACCESS_KEY_ID: 'AKIDCONFIG',
      AWS_SECRET_ACCESS_KEY: 'x',
      AWS_ENDPOINT_URL_SECRETS_MANAGER: endpoint,
    };
    secrets.set('rc', '{}');
    const get = lambdaGetSecretValue(loadConfig({}, env));
    assert.ok(get);
    await get('rc');
    assert.match(String(seen[0]!.headers.authorization), /Credential=AKIDCONFIG\/\d{8}\/us-east-2\/secretsmanager\//);
    assert.equal(lambdaGetSecretValue(loadConfig({}, { ...env, AWS_ACCESS_KEY_ID: '' })), undefined);
    assert.equal(regionOfArn('arn:aws:secretsmanager:ap-south-1:123:secret:rc-AbC'), 'ap-south-1');
    assert.equal(regionOfArn('rc'), 'us-east-1');
  });
});

describe('rotation through the registry (the Lambda path)', () => {
  const fakeMain: KubeClient = {
    cluster: 'main',
    request: async () => assert.fail('no network'),
    stream: async () => assert.fail('no network'),
    watch: async () => assert.fail('no network'),
  };
  const entry = (host: string) => JSON.stringify({ 'other.': { Host: host, BearerToken: 'token-abcdef' } });

  test('a rotated entry takes effect once config.secretCacheMs has passed, not before', async () => {
    secrets.set('rc', entry('https://v1'));
    let now = 0;
    const registry = await createEntryRegistry({
      mainCluster: 'main',
      mainClient: fakeMain,
      store: createSecretsManagerStore({ secretId: 'rc', getSecretValue: thin() }),
      cacheMs: 5_000,
      logger: createLogger({ sink: () => {} }),
      now: () => now,
    });
    const server = async () => ((await registry.clientFor('other', 'a')) as HttpKubeClient).server;
    assert.equal(await server(), 'https://v1');
    const reads = seen.length;
    secrets.set('rc', entry('https://v2'));
    now += 4_999;
    assert.equal(await server(), 'https://v1', 'still cached');
    assert.equal(seen.length, reads, 'no GetSecretValue within the cache lifetime');
    now += 2;
    assert.equal(await server(), 'https://v2', 'rotated');
    registry.close();
  });
});
