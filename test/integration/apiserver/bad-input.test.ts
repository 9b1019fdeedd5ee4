// Bad input never crashes the server and gets the Status kube-apiserver would send: malformed
// bodies, unknown resources, invalid names and fields, missing namespaces and ServiceAccounts,
// oversize requests and objects, unsupported patch types, bad selectors.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { startLocalClusters, type LocalCluster, type LocalClusters } from '../../../src/local/clusters.ts';
import { raw } from './helpers.ts';

const pod = (name: string, extra: Record<string, unknown> = {}) => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name },
  spec: { restartPolicy: 'Never', containers: [{ name: 'main', image: 'busybox' }], ...extra },
});

describe('bad input', () => {
  let lc: LocalClusters;
  let c: LocalCluster;
  before(async () => {
    lc = await startLocalClusters({ names: ['main'], runtime: 'sim', crds: true });
    c = lc.get('main');
  });
  after(() => lc.stop());

  test('malformed JSON and YAML bodies are 400 BadRequest', async () => {
    const r = await raw(c, 'POST', '/api/v1/namespaces/default/configmaps', '{"metadata": {');
    assert.equal(r.status, 400);
    assert.equal(r.json.kind, 'Status');
    assert.equal(r.json.reason, 'BadRequest');
    const y = await raw(c, 'PATCH', '/api/v1/namespaces/default/configmaps/x?fieldManager=t', 'a: [b', {
      contentType: 'application/apply-patch+yaml',
    });
    assert.equal(y.status, 400);
    const arr = await raw(c, 'POST', '/api/v1/namespaces/default/configmaps', '[1,2]');
    assert.equal(arr.status, 400);
  });

  test('unknown resources and groups are 404 with the real message', async () => {
    for (const path of [
      '/api/v1/namespaces/default/foos',
      '/apis/nope.io/v1/things',
      '/apis/nope.io/v1',
      '/nonsense',
      '/api/v1/namespaces/%E0/pods',
    ]) {
      const r = await raw(c, 'GET', path);
      assert.equal(r.status, 404, path);
      assert.equal(r.json.message, 'the server could not find the requested resource', path);
      assert.equal(r.json.reason, 'NotFound');
    }
  });

  test('invalid names and missing required fields are 422 Invalid with causes', async () => {
    const bad = await raw(c, 'POST', '/api/v1/namespaces/default/pods', pod('Bad_Name'));
    assert.equal(bad.status, 422);
    assert.equal(bad.json.reason, 'Invalid');
    assert.match(
      bad.json.message,
      /^Pod "Bad_Name" is invalid: metadata.name: Invalid value: "Bad_Name": a lowercase RFC 1123 subdomain/,
    );
    assert.equal(bad.json.details.causes[0].field, 'metadata.name');
    const noContainers = await raw(c, 'POST', '/api/v1/namespaces/default/pods', { metadata: { name: 'p' }, spec: {} });
    assert.equal(noContainers.status, 422);
    assert.equal(noContainers.json.message, 'Pod "p" is invalid: spec.containers: Required value');
    const dup = await raw(c, 'POST', '/api/v1/namespaces/default/pods', {
      metadata: { name: 'dup' },
      spec: {
        containers: [
          { name: 'main', image: 'busybox' },
          { name: 'main', image: 'busybox' },
        ],
      },
    });
    assert.equal(dup.status, 422);
    assert.equal(dup.json.message, 'Pod "dup" is invalid: spec.containers[1].name: Duplicate value: "main"');
    const noName = await raw(c, 'POST', '/api/v1/namespaces/default/configmaps', { metadata: {} });
    assert.equal(noName.status, 422);
    const wf = await raw(c, 'POST', '/apis/argoproj.io/v1alpha1/namespaces/default/workflows', {
      apiVersion: 'argoproj.io/v1alpha1',
      kind: 'Workflow',
      metadata: { name: 'nospec' },
    });
    assert.equal(wf.status, 422);
    assert.equal(wf.json.message, 'Workflow.argoproj.io "nospec" is invalid: spec: Required value');
    const nsName = await raw(c, 'POST', '/api/v1/namespaces', { metadata: { name: 'a.b' } });
    assert.equal(nsName.status, 422);
  });

  test('pods a real server refuses: bad label key and request above limit are 422, a bad quantity is 400', async () => {
    const label = await raw(c, 'POST', '/api/v1/namespaces/default/pods', {
      ...pod('labelled'),
      metadata: { name: 'labelled', labels: { 'bad label!': 'x' } },
    });
    assert.equal(label.status, 422);
    assert.equal(label.json.reason, 'Invalid');
    assert.equal(label.json.details.causes[0].field, 'metadata.labels');
    assert.match(
      label.json.message,
      /^Pod "labelled" is invalid: metadata.labels: Invalid value: "bad label!": name part must consist/,
    );
    const limits = await raw(
      c,
      'POST',
      '/api/v1/namespaces/default/pods',
      pod('greedy', {
        containers: [{ name: 'main', image: 'busybox', resources: { requests: { cpu: '2' }, limits: { cpu: '1' } } }],
      }),
    );
    assert.equal(limits.status, 422);
    assert.equal(
      limits.json.message,
      'Pod "greedy" is invalid: spec.containers[0].resources.requests[cpu]: Invalid value: "2": must be less than or equal to cpu limit of 1',
    );
    const lots = await raw(
      c,
      'POST',
      '/api/v1/namespaces/default/pods',
      pod('lots', { containers: [{ name: 'main', image: 'busybox', resources: { limits: { cpu: 'lots' } } }] }),
    );
    assert.equal(lots.status, 400);
    assert.equal(lots.json.reason, 'BadRequest');
    assert.match(lots.json.message, /^Pod in version "v1" cannot be handled as a Pod: quantities must match/);
  });

  test('missing namespace is 404; missing ServiceAccount is 403 from admission', async () => {
    const r = await raw(c, 'POST', '/api/v1/namespaces/nope/pods', pod('p1'));
    assert.equal(r.status, 404);
    assert.equal(r.json.message, 'namespaces "nope" not found');
    const sa = await raw(c, 'POST', '/api/v1/namespaces/default/pods', pod('p2', { serviceAccountName: 'runner' }));
    assert.equal(sa.status, 403);
    assert.equal(
      sa.json.message,
      'pods "p2" is forbidden: error looking up service account default/runner: serviceaccount "runner" not found',
    );
    const ok = await raw(c, 'POST', '/api/v1/namespaces/default/pods', pod('p3'));
    assert.equal(ok.status, 201);
    assert.equal(ok.json.spec.serviceAccountName, 'default');
  });

  test('oversize requests are 413; oversize objects are rejected like etcd does', async () => {
    const huge = JSON.stringify({ metadata: { name: 'huge' }, data: { k: 'x'.repeat(3 * 1024 * 1024 + 10) } });
    const r = await raw(c, 'POST', '/api/v1/namespaces/default/configmaps', huge);
    assert.equal(r.status, 413);
    assert.equal(r.json.message, 'Request entity too large: limit is 3145728');
    const big = await raw(c, 'POST', '/api/v1/namespaces/default/configmaps', {
      metadata: { name: 'big' },
      data: { k: 'x'.repeat(2 * 1024 * 1024) },
    });
    assert.equal(big.status, 413);
    assert.equal(big.json.reason, 'RequestEntityTooLarge');
    assert.match(big.json.message, /etcdserver: request is too large/);
  });

  test('unsupported patch types, bad JSON patches, mismatched names and bad selectors', async () => {
    await raw(c, 'POST', '/api/v1/namespaces/default/configmaps', { metadata: { name: 'cm' }, data: { a: 'b' } });
    const ct = await raw(c, 'PATCH', '/api/v1/namespaces/default/configmaps/cm', '{}', { contentType: 'text/plain' });
    assert.equal(ct.status, 415);
    const jp = await raw(
      c,
      'PATCH',
      '/api/v1/namespaces/default/configmaps/cm',
      [{ op: 'remove', path: '/data/zzz' }],
      {
        contentType: 'application/json-patch+json',
      },
    );
    assert.equal(jp.status, 422);
    const mismatch = await raw(c, 'PUT', '/api/v1/namespaces/default/configmaps/cm', { metadata: { name: 'other' } });
    assert.equal(mismatch.status, 400);
    assert.equal(mismatch.json.message, 'the name of the object (other) does not match the name on the URL (cm)');
    const wrongNs = await raw(c, 'POST', '/api/v1/namespaces/default/configmaps', {
      metadata: { name: 'x', namespace: 'kube-system' },
    });
    assert.equal(wrongNs.status, 400);
    const sel = await raw(c, 'GET', '/api/v1/namespaces/default/pods?labelSelector=' + encodeURIComponent('a in (b'));
    assert.equal(sel.status, 400);
    const field = await raw(c, 'GET', '/api/v1/namespaces/default/pods?fieldSelector=spec.bogus%3Dx');
    assert.equal(field.status, 400);
    const podUpdate = await raw(
      c,
      'PATCH',
      '/api/v1/namespaces/default/pods/p3',
      { spec: { restartPolicy: 'Always' } },
      {
        contentType: 'application/merge-patch+json',
      },
    );
    assert.equal(podUpdate.status, 422);
    assert.match(podUpdate.json.message, /pod updates may not change fields other than/);
  });

  test('unknown fields are dropped with a Warning header by default, and rejected with fieldValidation=Strict', async () => {
    const body = { metadata: { name: 'warned', bogus: 1 }, data: { a: 'b' }, extra: true };
    const warned = await raw(c, 'POST', '/api/v1/namespaces/default/configmaps', body);
    assert.equal(warned.status, 201);
    assert.equal(warned.json.extra, undefined);
    assert.equal(warned.json.metadata.bogus, undefined);
    assert.match(String(warned.headers.warning), /299 - "unknown field \\"extra\\""/);
    const strict = await raw(c, 'POST', '/api/v1/namespaces/default/configmaps?fieldValidation=Strict', {
      ...body,
      metadata: { name: 'strict' },
    });
    assert.equal(strict.status, 400);
    assert.equal(
      strict.json.message,
      'ConfigMap in version "v1" cannot be handled as a ConfigMap: strict decoding error: unknown field "extra"',
    );
  });

  test('the server is still healthy afterwards', async () => {
    const v = await raw(c, 'GET', '/version');
    assert.equal(v.status, 200);
    assert.equal(v.json.major, '1');
  });
});
