// @kubernetes/client-node 2.0.1 against an embedded API server over HTTPS: CRUD, selectors,
// pagination, 404/409 Status bodies, the status subresource of Workflows, PATCH flavours, Watch
// (events, bookmarks, selector transitions) and 410 Gone for expired watches and continue tokens.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  ApiException,
  ApiextensionsV1Api,
  CoreV1Api,
  CustomObjectsApi,
  KubeConfig,
  PatchStrategy,
  Watch,
  setHeaderOptions,
} from '@kubernetes/client-node';
import { startLocalClusters, type LocalClusters } from '../../../src/local/clusters.ts';
import { eventually } from './helpers.ts';

function apiError(e: unknown): { code: number; body: Record<string, unknown> } {
  assert.ok(e instanceof ApiException, `expected ApiException, got ${String(e)}`);
  const body = typeof e.body === 'string' ? JSON.parse(e.body) : e.body;
  return { code: e.code, body };
}

describe('client-node against a local cluster', () => {
  let lc: LocalClusters;
  let kc: KubeConfig;
  let core: CoreV1Api;
  let custom: CustomObjectsApi;

  before(async () => {
    lc = await startLocalClusters({ names: ['main'], historySize: 50, bookmarkIntervalMs: 100, runtime: 'sim' });
    kc = new KubeConfig();
    kc.loadFromFile(lc.kubeconfigPath);
    kc.setCurrentContext('main');
    core = kc.makeApiClient(CoreV1Api);
    custom = kc.makeApiClient(CustomObjectsApi);
  });
  after(() => lc.stop());

  test('CRUD on configmaps with 404, AlreadyExists and stale-update Conflict Statuses', async () => {
    const namespace = 'default';
    const cm = await core.createNamespacedConfigMap({
      namespace,
      body: { metadata: { name: 'c1', labels: { a: '1' } }, data: { k: 'v' } },
    });
    assert.ok(cm.metadata?.uid);
    assert.match(cm.metadata?.resourceVersion ?? '', /^\d+$/);
    try {
      await core.createNamespacedConfigMap({ namespace, body: { metadata: { name: 'c1' } } });
      assert.fail('expected AlreadyExists');
    } catch (e) {
      const { code, body } = apiError(e);
      assert.equal(code, 409);
      assert.equal(body.reason, 'AlreadyExists');
      assert.equal(body.message, 'configmaps "c1" already exists');
    }
    const updated = await core.replaceNamespacedConfigMap({
      name: 'c1',
      namespace,
      body: { ...cm, data: { k: 'v2' } },
    });
    assert.notEqual(updated.metadata?.resourceVersion, cm.metadata?.resourceVersion);
    try {
      await core.replaceNamespacedConfigMap({ name: 'c1', namespace, body: { ...cm, data: { k: 'stale' } } });
      assert.fail('expected Conflict');
    } catch (e) {
      const { code, body } = apiError(e);
      assert.equal(code, 409);
      assert.equal(body.reason, 'Conflict');
      assert.equal(
        body.message,
        'Operation cannot be fulfilled on configmaps "c1": the object has been modified; please apply your changes to the latest version and try again',
      );
    }
    const patched = await core.patchNamespacedConfigMap(
      { name: 'c1', namespace, body: { metadata: { labels: { b: '2' } } } },
      setHeaderOptions('Content-Type', PatchStrategy.MergePatch),
    );
    assert.deepEqual(patched.metadata?.labels, { a: '1', b: '2' });
    const jp = await core.patchNamespacedConfigMap(
      { name: 'c1', namespace, body: [{ op: 'replace', path: '/data/k', value: 'v3' }] },
      setHeaderOptions('Content-Type', PatchStrategy.JsonPatch),
    );
    assert.equal(jp.data?.k, 'v3');
    const list = await core.listNamespacedConfigMap({ namespace, labelSelector: 'a=1,b in (2,3),!c' });
    assert.deepEqual(
      list.items.map((i) => i.metadata?.name),
      ['c1'],
    );
    assert.equal((await core.listNamespacedConfigMap({ namespace, labelSelector: 'a!=1' })).items.length, 0);
    await core.deleteNamespacedConfigMap({ name: 'c1', namespace });
    try {
      await core.readNamespacedConfigMap({ name: 'c1', namespace });
      assert.fail('expected NotFound');
    } catch (e) {
      const { code, body } = apiError(e);
      assert.equal(code, 404);
      assert.equal(body.reason, 'NotFound');
      assert.equal(body.message, 'configmaps "c1" not found');
      assert.deepEqual(body.details, { name: 'c1', kind: 'configmaps' });
    }
  });

  test('list pagination with limit and continue', async () => {
    const namespace = 'default';
    for (let i = 0; i < 5; i++)
      await core.createNamespacedSecret({ namespace, body: { metadata: { name: `page-${i}` } } });
    const first = await core.listNamespacedSecret({ namespace, limit: 2 });
    assert.equal(first.items.length, 2);
    assert.ok(first.metadata?._continue);
    assert.equal(first.metadata?.remainingItemCount, 3);
    const second = await core.listNamespacedSecret({ namespace, limit: 10, _continue: first.metadata?._continue });
    assert.deepEqual(
      second.items.map((s) => s.metadata?.name),
      ['page-2', 'page-3', 'page-4'],
    );
    assert.equal(second.metadata?._continue, undefined);
  });

  test('a CRD with the status subresource: main writes ignore status, /status writes ignore spec; generation tracks spec', async () => {
    // Argo's Workflow CRD ships without one; enable it here, as a cluster admin may.
    const ext = kc.makeApiClient(ApiextensionsV1Api);
    const crd = await ext.readCustomResourceDefinition({ name: 'workflows.argoproj.io' });
    for (const v of crd.spec.versions) v.subresources = { status: {} };
    await ext.replaceCustomResourceDefinition({ name: 'workflows.argoproj.io', body: crd });
    const wf = {
      apiVersion: 'argoproj.io/v1alpha1',
      kind: 'Workflow',
      metadata: { generateName: 'hello-' },
      spec: { entrypoint: 'main' },
      status: { phase: 'Running' },
    };
    const created = await custom.createNamespacedCustomObject({
      group: 'argoproj.io',
      version: 'v1alpha1',
      namespace: 'default',
      plural: 'workflows',
      body: wf,
    });
    const name = created.metadata.name;
    assert.match(name, /^hello-[a-z0-9]{5}$/);
    assert.equal(created.status, undefined, 'status is dropped on create');
    assert.equal(created.metadata.generation, 1);
    const args = { group: 'argoproj.io', version: 'v1alpha1', namespace: 'default', plural: 'workflows', name };
    const st = await custom.patchNamespacedCustomObjectStatus(
      { ...args, body: { status: { phase: 'Succeeded' }, spec: { entrypoint: 'ignored' } } },
      setHeaderOptions('Content-Type', PatchStrategy.MergePatch),
    );
    assert.equal(st.status.phase, 'Succeeded');
    assert.equal(st.spec.entrypoint, 'main');
    assert.equal(st.metadata.generation, 1);
    const main = await custom.patchNamespacedCustomObject(
      { ...args, body: { status: { phase: 'Failed' }, spec: { entrypoint: 'other' } } },
      setHeaderOptions('Content-Type', PatchStrategy.MergePatch),
    );
    assert.equal(main.status.phase, 'Succeeded');
    assert.equal(main.spec.entrypoint, 'other');
    assert.equal(main.metadata.generation, 2);
    try {
      await custom.patchNamespacedCustomObject(
        { ...args, body: { metadata: { labels: { x: 'y' } } } },
        setHeaderOptions('Content-Type', PatchStrategy.StrategicMergePatch),
      );
      assert.fail('custom resources take no strategic merge patches');
    } catch (e) {
      assert.equal(apiError(e).code, 415);
    }
  });

  test('Watch delivers ADDED/MODIFIED/DELETED from a list resourceVersion, and bookmarks', async () => {
    const namespace = 'default';
    const list = await core.listNamespacedConfigMap({ namespace });
    const events: Array<[string, string, string]> = [];
    const watch = new Watch(kc);
    const ctl = await watch.watch(
      `/api/v1/namespaces/${namespace}/configmaps`,
      { resourceVersion: list.metadata?.resourceVersion, allowWatchBookmarks: true, labelSelector: 'w=1' },
      (type, obj) => events.push([type, obj.metadata?.name ?? '', obj.metadata?.resourceVersion ?? '']),
      () => {},
    );
    try {
      await core.createNamespacedConfigMap({ namespace, body: { metadata: { name: 'w1', labels: { w: '1' } } } });
      await core.createNamespacedConfigMap({ namespace, body: { metadata: { name: 'other', labels: { w: '2' } } } });
      await core.patchNamespacedConfigMap(
        { name: 'w1', namespace, body: { data: { x: 'y' } } },
        setHeaderOptions('Content-Type', PatchStrategy.MergePatch),
      );
      // Leaving the selector looks like a deletion to this watch.
      await core.patchNamespacedConfigMap(
        { name: 'w1', namespace, body: { metadata: { labels: { w: '3' } } } },
        setHeaderOptions('Content-Type', PatchStrategy.MergePatch),
      );
      await eventually(() => events.some((e) => e[0] === 'BOOKMARK'), 5000, 'a bookmark');
      await eventually(() => events.filter((e) => e[0] !== 'BOOKMARK').length >= 3, 5000, 'three events');
      assert.deepEqual(
        events.filter((e) => e[0] !== 'BOOKMARK').map((e) => `${e[0]} ${e[1]}`),
        ['ADDED w1', 'MODIFIED w1', 'DELETED w1'],
      );
    } finally {
      ctl.abort();
    }
  });

  test('410 Gone: an expired watch gets an ERROR event with an Expired Status; an expired continue token gets HTTP 410', async () => {
    const namespace = 'default';
    const start = await core.listNamespacedConfigMap({ namespace, limit: 1 });
    const oldRv = start.metadata?.resourceVersion;
    const token = start.metadata?._continue;
    assert.ok(token, 'needs more than one configmap');
    for (let i = 0; i < 60; i++)
      await core.createNamespacedConfigMap({ namespace, body: { metadata: { name: `churn-${i}` } } });
    const seen: Array<{ type: string; obj: Record<string, unknown> }> = [];
    let doneErr: unknown = 'not yet';
    await new Watch(kc).watch(
      `/api/v1/namespaces/${namespace}/configmaps`,
      { resourceVersion: oldRv },
      (type, obj) => seen.push({ type, obj }),
      (err) => (doneErr = err),
    );
    await eventually(() => doneErr !== 'not yet', 5000, 'watch end');
    assert.equal(seen.length, 1);
    assert.equal(seen[0]!.type, 'ERROR');
    assert.equal(seen[0]!.obj.code, 410);
    assert.equal(seen[0]!.obj.reason, 'Expired');
    assert.match(String(seen[0]!.obj.message), /^too old resource version: \d+ \(\d+\)$/);
    try {
      await core.listNamespacedConfigMap({ namespace, limit: 1, _continue: token });
      assert.fail('expected 410');
    } catch (e) {
      const { code, body } = apiError(e);
      assert.equal(code, 410);
      assert.equal(body.reason, 'Expired');
    }
  });
});
