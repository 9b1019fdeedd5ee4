// The ResourceQuota admission plugin of the embedded API server, over HTTPS and through kubectl: a create
// past `spec.hard` is refused 403 with kube-apiserver's `exceeded quota` message (which Argo's controller
// takes as transient), a pod without what a quota tracks with `failed quota: … must specify …`; ended pods
// free their share; deleting the quota lets creates through again.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { startLocalClusters, type LocalCluster, type LocalClusters } from '../../../src/local/clusters.ts';
import { kubectl, raw } from './helpers.ts';

const pod = (name: string, containers: Record<string, string | undefined>) => ({
  metadata: { name },
  spec: {
    restartPolicy: 'Never',
    containers: Object.entries(containers).map(([c, memory]) => ({
      name: c,
      image: 'busybox',
      ...(memory ? { resources: { limits: { memory } } } : {}),
    })),
  },
});

describe('ResourceQuota admission', () => {
  let lc: LocalClusters;
  let c: LocalCluster;
  const ns = (n: string) => raw(c, 'POST', '/api/v1/namespaces', { metadata: { name: n } });
  const quota = (n: string, name: string, hard: Record<string, string>, extra: object = {}) =>
    raw(c, 'POST', `/api/v1/namespaces/${n}/resourcequotas`, { metadata: { name }, spec: { hard, ...extra } });
  const createPod = (n: string, body: object) => raw(c, 'POST', `/api/v1/namespaces/${n}/pods`, body);
  before(async () => {
    lc = await startLocalClusters({ names: ['main'], runtime: 'sim', simDefaults: { durationMs: 600_000 } });
    c = lc.get('main');
  });
  after(() => lc.stop());

  test('limits.memory: refused past the hard limit with the plugin’s message; an ended pod frees its share', async () => {
    await ns('mem');
    const q = await quota('mem', 'memory-quota', { 'limits.memory': '130M' });
    assert.equal(q.status, 201, q.text);
    assert.deepEqual(q.json.status, { hard: { 'limits.memory': '130M' } });
    const unstated = await createPod('mem', pod('no-limit', { main: '100M', wait: undefined }));
    assert.equal(unstated.status, 403, unstated.text);
    assert.equal(
      unstated.json.message,
      'pods "no-limit" is forbidden: failed quota: memory-quota: must specify limits.memory',
    );
    assert.equal((await createPod('mem', pod('a', { main: '128M' }))).status, 201);
    const b = await createPod('mem', pod('b', { main: '128M' }));
    assert.equal(b.status, 403, b.text);
    assert.equal(b.json.reason, 'Forbidden');
    assert.equal(
      b.json.message,
      'pods "b" is forbidden: exceeded quota: memory-quota, requested: limits.memory=128M, ' +
        'used: limits.memory=128M, limited: limits.memory=130M',
    );
    const ended = await raw(
      c,
      'PATCH',
      '/api/v1/namespaces/mem/pods/a/status',
      { status: { phase: 'Succeeded' } },
      {
        contentType: 'application/merge-patch+json',
      },
    );
    assert.equal(ended.status, 200, ended.text);
    assert.equal((await createPod('mem', pod('b', { main: '128M' }))).status, 201);
  });

  test('a pods count refuses the next pod until the quota is deleted; other namespaces are not counted', async () => {
    await ns('count');
    await ns('free');
    assert.equal((await quota('count', 'pods-quota', { pods: '1' })).status, 201);
    assert.equal((await createPod('count', pod('one', { main: undefined }))).status, 201);
    assert.equal((await createPod('free', pod('elsewhere', { main: undefined }))).status, 201);
    const two = await createPod('count', pod('two', { main: undefined }));
    assert.equal(two.status, 403, two.text);
    assert.equal(
      two.json.message,
      'pods "two" is forbidden: exceeded quota: pods-quota, requested: pods=1, used: pods=1, limited: pods=1',
    );
    assert.equal((await raw(c, 'DELETE', '/api/v1/namespaces/count/resourcequotas/pods-quota')).status, 200);
    assert.equal((await createPod('count', pod('two', { main: undefined }))).status, 201);
  });

  test('count/configmaps counts other kinds; a scopeSelector is refused by name', async () => {
    await ns('cm');
    assert.equal((await quota('cm', 'cms', { 'count/configmaps': '1' })).status, 201);
    assert.equal((await raw(c, 'POST', '/api/v1/namespaces/cm/configmaps', { metadata: { name: 'x' } })).status, 201);
    const y = await raw(c, 'POST', '/api/v1/namespaces/cm/configmaps', { metadata: { name: 'y' } });
    assert.equal(y.status, 403);
    assert.match(y.json.message, /^configmaps "y" is forbidden: exceeded quota: cms, requested: count\/configmaps=1/);
    const sel = await quota('cm', 'sel', { pods: '1' }, { scopeSelector: { matchExpressions: [] } });
    assert.equal(sel.status, 422);
    assert.match(sel.json.message, /spec\.scopeSelector: not supported yet/);
  });

  test('kubectl: create quota (a protobuf body), get quota', async () => {
    const k = (args: string[]) => kubectl(lc.kubeconfigPath, 'main', args);
    const made = await k([
      'create',
      'quota',
      'typed',
      '--hard=limits.memory=1Gi,pods=3',
      '--scopes=NotTerminating',
      '-n',
      'mem',
    ]);
    assert.equal(made.code, 0, made.stderr);
    const got = await k(['get', 'quota', 'typed', '-n', 'mem', '-o', 'json']);
    assert.equal(got.code, 0, got.stderr);
    const q = JSON.parse(got.stdout);
    assert.deepEqual(q.spec, { hard: { 'limits.memory': '1Gi', pods: '3' }, scopes: ['NotTerminating'] });
    assert.deepEqual(q.status.hard, { 'limits.memory': '1Gi', pods: '3' });
    const names = await k(['get', 'quota', '-n', 'mem', '-o', 'name']);
    assert.equal(names.stdout.trim(), 'resourcequota/memory-quota\nresourcequota/typed');
  });
});
