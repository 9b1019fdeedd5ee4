// EKS tokens with fixed credentials and a fixed clock: format, and a SigV4 signature recomputed here
// independently (canonical request → string to sign → HMAC chain), so the test can fail on a wrong
// signed-header set, scope or payload hash.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash, createHmac } from 'node:crypto';
import { createEksToken, createEksTokenSource, EKS_TOKEN_PREFIX } from '../../../src/clusters/eks-token.ts';
import { regionalEndpoint } from '../../../src/adapters/aws/partition.ts';
import { lambdaCredentials } from '../../../src/runtime/lambda.ts';

const creds = {
  accessKeyId: 'AKIDEXAMPLE',
  secretAccessKey: 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY',
  sessionToken: 'SESSIONTOKEN',
};
const NOW = new Date('2026-11-24T12:00:00Z');

function decode(token: string): URL {
  assert.ok(token.startsWith(EKS_TOKEN_PREFIX));
  const body = token.slice(EKS_TOKEN_PREFIX.length);
  assert.match(body, /^[A-Za-z0-9_-]+$/, 'base64url without padding');
  return new URL(Buffer.from(body, 'base64url').toString('utf8'));
}

function expectedSignature(url: URL, cluster: string): string {
  const q = new URLSearchParams(url.search);
  q.delete('X-Amz-Signature');
  const enc = (s: string) =>
    encodeURIComponent(s).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
  const canonicalQuery = [...q.entries()]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([k, v]) => `${enc(k)}=${enc(v)}`)
    .join('&');
  const canonical = [
    'GET',
    '/',
    canonicalQuery,
    `host:${url.hostname}\nx-k8s-aws-id:${cluster}\n`,
    'host;x-k8s-aws-id',
    createHash('sha256').update('').digest('hex'),
  ].join('\n');
  const scope = `20261124/eu-west-1/sts/aws4_request`;
  const toSign = [
    'AWS4-HMAC-SHA256',
    '20261124T120000Z',
    scope,
    createHash('sha256').update(canonical).digest('hex'),
  ].join('\n');
  let key: Buffer = createHmac('sha256', `AWS4${creds.secretAccessKey}`).update('20261124').digest();
  for (const part of ['eu-west-1', 'sts', 'aws4_request']) key = createHmac('sha256', key).update(part).digest();
  return createHmac('sha256', key).update(toSign).digest('hex');
}

describe('EKS IAM token', () => {
  test('is k8s-aws-v1. + base64url of a presigned GetCallerIdentity URL, deterministic', async () => {
    const a = await createEksToken({ clusterName: 'prod', region: 'eu-west-1', credentials: creds, now: NOW });
    const b = await createEksToken({ clusterName: 'prod', region: 'eu-west-1', credentials: creds, now: NOW });
    assert.equal(a.token, b.token);
    assert.equal(a.expiresAt.toISOString(), '2026-11-24T12:15:00.000Z');
    const url = decode(a.token);
    assert.equal(url.origin, 'https://sts.eu-west-1.amazonaws.com');
    assert.equal(url.pathname, '/');
    const q = url.searchParams;
    assert.equal(q.get('Action'), 'GetCallerIdentity');
    assert.equal(q.get('Version'), '2011-06-15');
    assert.equal(q.get('X-Amz-Algorithm'), 'AWS4-HMAC-SHA256');
    assert.equal(q.get('X-Amz-Credential'), 'AKIDEXAMPLE/20261124/eu-west-1/sts/aws4_request');
    assert.equal(q.get('X-Amz-Date'), '20261124T120000Z');
    assert.equal(q.get('X-Amz-Expires'), '60');
    assert.equal(q.get('X-Amz-SignedHeaders'), 'host;x-k8s-aws-id');
    assert.equal(q.get('X-Amz-Security-Token'), 'SESSIONTOKEN');
    assert.equal(q.get('X-Amz-Signature'), expectedSignature(url, 'prod'));
  });

  test("STS and Secrets Manager hostnames come from the region's partition (China, GovCloud, isolated)", async () => {
    for (const [region, origin] of [
      ['cn-north-1', 'https://sts.cn-north-1.amazonaws.com.cn'],
      ['us-gov-west-1', 'https://sts.us-gov-west-1.amazonaws.com'],
      ['us-iso-east-1', 'https://sts.us-iso-east-1.c2s.ic.gov'],
    ] as const) {
      const t = await createEksToken({ clusterName: 'prod', region, credentials: creds, now: NOW });
      assert.equal(decode(t.token).origin, origin);
    }
    assert.equal(
      regionalEndpoint('secretsmanager', 'cn-northwest-1'),
      'https://secretsmanager.cn-northwest-1.amazonaws.com.cn',
    );
    assert.equal(regionalEndpoint('secretsmanager', 'eu-west-1'), 'https://secretsmanager.eu-west-1.amazonaws.com');
  });

  test("in Lambda, tokens are signed with the function's own environment credentials", async () => {
    const provider = lambdaCredentials({
      awsAccessKeyId: 'AKIDLAMBDA',
      awsSecretAccessKey: 's',
      awsSessionToken: 'st',
    });
    assert.ok(provider, 'a provider from the runtime environment');
    const t = await createEksToken({ clusterName: 'prod', region: 'eu-west-1', credentials: provider, now: NOW });
    assert.match(decode(t.token).searchParams.get('X-Amz-Credential') ?? '', /^AKIDLAMBDA\//);
    assert.equal(decode(t.token).searchParams.get('X-Amz-Security-Token'), 'st');
    assert.equal(lambdaCredentials({ awsAccessKeyId: '', awsSecretAccessKey: '', awsSessionToken: '' }), undefined);
  });

  test('the cluster name is part of the signature', async () => {
    const a = await createEksToken({ clusterName: 'prod', region: 'eu-west-1', credentials: creds, now: NOW });
    const b = await createEksToken({ clusterName: 'dev', region: 'eu-west-1', credentials: creds, now: NOW });
    assert.notEqual(
      decode(a.token).searchParams.get('X-Amz-Signature'),
      decode(b.token).searchParams.get('X-Amz-Signature'),
    );
    assert.equal(decode(b.token).searchParams.get('X-Amz-Signature'), expectedSignature(decode(b.token), 'dev'));
  });

  test('token source caches until a minute before expiry, then signs anew', async () => {
    let now = NOW.getTime();
    let calls = 0;
    const source = createEksTokenSource({
      clusterName: 'prod',
      region: 'eu-west-1',
      credentials: async () => {
        calls++;
        return creds;
      },
      now: () => new Date(now),
    });
    const [t1, t1b] = await Promise.all([source(), source()]);
    assert.equal(t1, t1b);
    now += 13 * 60_000 + 59_000; // 13:59 later: still more than a minute left
    assert.equal(await source(), t1);
    now += 2_000; // 14:01: within the last minute → refresh
    const t2 = await source();
    assert.notEqual(t2, t1);
    assert.equal(decode(t2).searchParams.get('X-Amz-Date'), '20261124T121401Z');
    assert.equal(calls, 2);
  });
});
