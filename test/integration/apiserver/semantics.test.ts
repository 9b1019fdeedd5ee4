// Object semantics beyond CRUD: finalizers and deletionTimestamp, cascading deletion through
// ownerReferences, orphaning, namespace deletion, strategic merge and server-side apply, Tables,
// discovery and OpenAPI documents, stop/start on the same address, and persistence in dataDir.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startLocalClusters, type LocalCluster, type LocalClusters } from '../../../src/local/clusters.ts';
import { eventually, raw } from './helpers.ts';

const MERGE = { contentType: 'application/merge-patch+json' };

describe('object semantics', () => {
  let lc: LocalClusters;
  let c: LocalCluster;
  before(async () => {
    lc = await startLocalClusters({ names: ['main'], runtime: 'sim', simDefaults: { durationMs: 60_000 } });
    c = lc.get('main');
  });
  after(() => lc.stop());

  test('finalizers keep a deleted object (with deletionTimestamp) until they are removed', async () => {
    await raw(c, 'POST', '/api/v1/namespaces/default/configmaps', {
      metadata: { name: 'fin', finalizers: ['example.com/hold'] },
    });
    const del = await raw(c, 'DELETE', '/api/v1/namespaces/default/configmaps/fin');
    assert.equal(del.status, 200);
    assert.ok(del.json.metadata.deletionTimestamp);
    const still = await raw(c, 'GET', '/api/v1/namespaces/default/configmaps/fin');
    assert.equal(still.status, 200);
    const released = await raw(
      c,
      'PATCH',
      '/api/v1/namespaces/default/configmaps/fin',
      { metadata: { finalizers: null } },
      MERGE,
    );
    assert.equal(released.status, 200);
    assert.equal((await raw(c, 'GET', '/api/v1/namespaces/default/configmaps/fin')).status, 404);
  });

  test('deleting a Workflow cascades to the pods it owns (background), unless orphaned', async () => {
    const wf = await raw(c, 'POST', '/apis/argoproj.io/v1alpha1/namespaces/default/workflows', {
      apiVersion: 'argoproj.io/v1alpha1',
      kind: 'Workflow',
      metadata: { name: 'owner' },
      spec: { entrypoint: 'main' },
    });
    const ref = {
      apiVersion: 'argoproj.io/v1alpha1',
      kind: 'Workflow',
      name: 'owner',
      uid: wf.json.metadata.uid,
      controller: true,
    };
    for (const name of ['owned-1', 'owned-2']) {
      const r = await raw(c, 'POST', '/api/v1/namespaces/default/pods', {
        metadata: { name, ownerReferences: [ref], labels: { wf: 'owner' } },
        spec: { restartPolicy: 'Never', containers: [{ name: 'main', image: 'busybox' }] },
      });
      assert.equal(r.status, 201, r.text);
    }
    const del = await raw(c, 'DELETE', '/apis/argoproj.io/v1alpha1/namespaces/default/workflows/owner');
    assert.equal(del.status, 200);
    await eventually(
      async () =>
        (await raw(c, 'GET', '/api/v1/namespaces/default/pods?labelSelector=wf%3Downer')).json.items.length === 0,
      10_000,
      'cascade',
    );
    const wf2 = await raw(c, 'POST', '/apis/argoproj.io/v1alpha1/namespaces/default/workflows', {
      apiVersion: 'argoproj.io/v1alpha1',
      kind: 'Workflow',
      metadata: { name: 'orphaner' },
      spec: { entrypoint: 'main' },
    });
    await raw(c, 'POST', '/api/v1/namespaces/default/configmaps', {
      metadata: { name: 'orphan', ownerReferences: [{ ...ref, name: 'orphaner', uid: wf2.json.metadata.uid }] },
    });
    await raw(c, 'DELETE', '/apis/argoproj.io/v1alpha1/namespaces/default/workflows/orphaner?propagationPolicy=Orphan');
    await new Promise((r) => setTimeout(r, 50));
    const orphan = await raw(c, 'GET', '/api/v1/namespaces/default/configmaps/orphan');
    assert.equal(orphan.status, 200);
    assert.deepEqual(orphan.json.metadata.ownerReferences, []);
  });

  test('strategic merge patches containers by name; server-side apply creates then merges', async () => {
    await raw(c, 'POST', '/api/v1/namespaces/default/pods', {
      metadata: { name: 'smp', labels: { a: '1' } },
      spec: {
        restartPolicy: 'Never',
        containers: [
          { name: 'main', image: 'busybox:1' },
          { name: 'side', image: 'busybox:1' },
        ],
      },
    });
    const p = await raw(
      c,
      'PATCH',
      '/api/v1/namespaces/default/pods/smp',
      {
        metadata: { labels: { b: '2' } },
        spec: { containers: [{ name: 'side', image: 'busybox:2' }] },
      },
      { contentType: 'application/strategic-merge-patch+json' },
    );
    assert.equal(p.status, 200, p.text);
    assert.deepEqual(p.json.metadata.labels, { a: '1', b: '2' });
    assert.deepEqual(
      p.json.spec.containers.map((x: { name: string; image: string }) => `${x.name}=${x.image}`),
      ['main=busybox:1', 'side=busybox:2'],
    );
    const yaml = 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: applied\ndata:\n  a: "1"\n';
    const created = await raw(c, 'PATCH', '/api/v1/namespaces/default/configmaps/applied?fieldManager=me', yaml, {
      contentType: 'application/apply-patch+yaml',
    });
    assert.equal(created.status, 201);
    const merged = await raw(
      c,
      'PATCH',
      '/api/v1/namespaces/default/configmaps/applied?fieldManager=me',
      yaml.replace('a: "1"', 'b: "2"'),
      { contentType: 'application/apply-patch+yaml' },
    );
    assert.deepEqual(merged.json.data, { a: '1', b: '2' });
    const noManager = await raw(c, 'PATCH', '/api/v1/namespaces/default/configmaps/applied', yaml, {
      contentType: 'application/apply-patch+yaml',
    });
    assert.equal(noManager.status, 422);
  });

  test('a deleted namespace terminates, refuses new content and goes once emptied; deletecollection honours the label selector', async () => {
    await raw(c, 'POST', '/api/v1/namespaces', { metadata: { name: 'scratch' } });
    const sa = await raw(c, 'GET', '/api/v1/namespaces/scratch/serviceaccounts/default');
    assert.equal(sa.status, 200, 'the default ServiceAccount is created with the namespace');
    await raw(c, 'POST', '/api/v1/namespaces/scratch/configmaps', {
      metadata: { name: 'keep', labels: { k: 'keep' } },
    });
    await raw(c, 'POST', '/api/v1/namespaces/scratch/configmaps', {
      metadata: { name: 'drop', labels: { k: 'drop' } },
    });
    await raw(c, 'DELETE', '/api/v1/namespaces/scratch/configmaps?labelSelector=k%3Ddrop');
    const left = await raw(c, 'GET', '/api/v1/namespaces/scratch/configmaps');
    assert.deepEqual(
      left.json.items.map((i: { metadata: { name: string } }) => i.metadata.name),
      ['keep'],
    );
    const del = await raw(c, 'DELETE', '/api/v1/namespaces/scratch');
    assert.equal(del.status, 200);
    assert.equal(del.json.status.phase, 'Terminating');
    const refused = await raw(c, 'POST', '/api/v1/namespaces/scratch/configmaps', { metadata: { name: 'late' } });
    assert.equal(refused.status, 403);
    assert.equal(
      refused.json.message,
      'configmaps "late" is forbidden: unable to create new content in namespace scratch because it is being terminated',
    );
    await eventually(
      async () => (await raw(c, 'GET', '/api/v1/namespaces/scratch')).status === 404,
      5000,
      'namespace gone',
    );
    assert.equal((await raw(c, 'GET', '/api/v1/namespaces/scratch/configmaps/keep')).status, 404);
  });

  test('Workflow (no status subresource, as Argo ships it): status is stored and bumps generation; metadata does not', async () => {
    const base = '/apis/argoproj.io/v1alpha1/namespaces/default/workflows';
    const created = await raw(c, 'POST', base, {
      apiVersion: 'argoproj.io/v1alpha1',
      kind: 'Workflow',
      metadata: { name: 'gen' },
      spec: { entrypoint: 'main' },
      status: { phase: 'Running' },
    });
    assert.equal(created.status, 201);
    assert.equal(created.json.status.phase, 'Running', 'status is kept: there is no subresource to strip it');
    assert.equal(created.json.metadata.generation, 1);
    const status = await raw(c, 'PATCH', `${base}/gen`, { status: { phase: 'Succeeded' } }, MERGE);
    assert.equal(status.json.status.phase, 'Succeeded');
    assert.equal(status.json.metadata.generation, 2, 'a status change counts without a subresource');
    const labels = await raw(c, 'PATCH', `${base}/gen`, { metadata: { labels: { a: 'b' } } }, MERGE);
    assert.equal(labels.json.metadata.generation, 2, 'metadata changes never do');
    assert.equal((await raw(c, 'GET', `${base}/gen/status`)).status, 404);
  });

  test('discovery, OpenAPI v3 (fieldValidation on PATCH) and Tables', async () => {
    const v1 = await raw(c, 'GET', '/api/v1');
    const pods = v1.json.resources.find((r: { name: string }) => r.name === 'pods');
    assert.deepEqual(pods.shortNames, ['po']);
    assert.ok(v1.json.resources.some((r: { name: string }) => r.name === 'pods/log'));
    const argo = await raw(c, 'GET', '/apis/argoproj.io/v1alpha1');
    const wf = argo.json.resources.find((r: { name: string }) => r.name === 'workflows');
    assert.deepEqual(wf.shortNames, ['wf']);
    // Like Argo's own CRD, ours has no status subresource (docs/adr/0006-workflow-crd-status.md).
    assert.ok(!argo.json.resources.some((r: { name: string }) => r.name === 'workflows/status'));
    const root = await raw(c, 'GET', '/openapi/v3');
    const url = root.json.paths['apis/argoproj.io/v1alpha1'].serverRelativeURL;
    const doc = await raw(c, 'GET', url);
    const patch = doc.json.paths['/apis/argoproj.io/v1alpha1/namespaces/{namespace}/workflows/{name}'].patch;
    assert.deepEqual(patch['x-kubernetes-group-version-kind'], {
      group: 'argoproj.io',
      version: 'v1alpha1',
      kind: 'Workflow',
    });
    assert.ok(patch.parameters.some((p: { name: string }) => p.name === 'fieldValidation'));
    const table = await raw(c, 'GET', '/api/v1/namespaces/default/pods', undefined, {
      accept: 'application/json;as=Table;v=v1;g=meta.k8s.io,application/json',
    });
    assert.equal(table.json.kind, 'Table');
    assert.deepEqual(
      table.json.columnDefinitions.slice(0, 5).map((x: { name: string }) => x.name),
      ['Name', 'Ready', 'Status', 'Restarts', 'Age'],
    );
  });

  test('dryRun=All stores nothing; a watch on /<name> sees only that object; metadata-only answers', async () => {
    const dry = await raw(c, 'POST', '/api/v1/namespaces/default/configmaps?dryRun=All', { metadata: { name: 'dry' } });
    assert.equal(dry.status, 201);
    assert.equal(dry.json.metadata.name, 'dry');
    assert.equal((await raw(c, 'GET', '/api/v1/namespaces/default/configmaps/dry')).status, 404);
    await raw(c, 'POST', '/api/v1/namespaces/default/configmaps', { metadata: { name: 'one' } });
    const rv = (await raw(c, 'GET', '/api/v1/namespaces/default/configmaps')).json.metadata.resourceVersion;
    const watched = raw(
      c,
      'GET',
      `/api/v1/namespaces/default/configmaps/one?watch=true&timeoutSeconds=1&resourceVersion=${rv}`,
    );
    await new Promise((r) => setTimeout(r, 100));
    await raw(c, 'POST', '/api/v1/namespaces/default/configmaps', { metadata: { name: 'two' } });
    await raw(c, 'PATCH', '/api/v1/namespaces/default/configmaps/one', { data: { a: 'b' } }, MERGE);
    const lines = (await watched).text
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l));
    assert.deepEqual(
      lines.map((e) => `${e.type} ${e.object.metadata.name}`),
      ['MODIFIED one'],
    );
    const meta = await raw(c, 'GET', '/api/v1/namespaces/default/configmaps', undefined, {
      accept: 'application/json;as=PartialObjectMetadataList;g=meta.k8s.io;v=v1,application/json',
    });
    assert.equal(meta.json.kind, 'PartialObjectMetadataList');
    assert.equal(meta.json.items[0].kind, 'PartialObjectMetadata');
  });

  test('a new CRD is served at once: schema validation, pruning, scope, shortNames in discovery', async () => {
    const crd = {
      apiVersion: 'apiextensions.k8s.io/v1',
      kind: 'CustomResourceDefinition',
      metadata: { name: 'widgets.example.com' },
      spec: {
        group: 'example.com',
        scope: 'Namespaced',
        names: { plural: 'widgets', singular: 'widget', kind: 'Widget', shortNames: ['wd'] },
        versions: [
          {
            name: 'v1',
            served: true,
            storage: true,
            schema: {
              openAPIV3Schema: {
                type: 'object',
                properties: {
                  spec: {
                    type: 'object',
                    required: ['size'],
                    properties: { size: { type: 'integer' }, color: { type: 'string', enum: ['red', 'blue'] } },
                  },
                },
              },
            },
          },
        ],
      },
    };
    const made = await raw(c, 'POST', '/apis/apiextensions.k8s.io/v1/customresourcedefinitions', crd);
    assert.equal(made.status, 201, made.text);
    assert.equal(made.json.status.conditions.find((x: { type: string }) => x.type === 'Established').status, 'True');
    const base = '/apis/example.com/v1/namespaces/default/widgets';
    const w = (spec: unknown) => ({
      apiVersion: 'example.com/v1',
      kind: 'Widget',
      metadata: { name: 'w1' },
      spec,
      extra: 1,
    });
    const wrongType = await raw(c, 'POST', base, w({ size: 'big' }));
    assert.equal(wrongType.status, 422);
    assert.equal(
      wrongType.json.message,
      'Widget.example.com "w1" is invalid: spec.size: Invalid value: "string": spec.size in body must be of type integer: "string"',
    );
    const missing = await raw(c, 'POST', base, w({ color: 'green' }));
    assert.equal(missing.status, 422);
    assert.deepEqual(
      missing.json.details.causes.map((x: { field: string; message: string }) => `${x.field}: ${x.message}`).sort(),
      ['spec.color: Unsupported value: "green": supported values: "red", "blue"', 'spec.size: Required value'],
    );
    const ok = await raw(c, 'POST', base, w({ size: 3, unknown: true }));
    assert.equal(ok.status, 201, ok.text);
    assert.deepEqual(ok.json.spec, { size: 3 }, 'undeclared fields are pruned');
    assert.equal(ok.json.extra, undefined);
    const disc = await raw(c, 'GET', '/apis/example.com/v1');
    assert.deepEqual(disc.json.resources[0].shortNames, ['wd']);
    await raw(c, 'DELETE', '/apis/apiextensions.k8s.io/v1/customresourcedefinitions/widgets.example.com');
    assert.equal((await raw(c, 'GET', base)).status, 404);
  });

  test('stop() and start() keep the address, certificate and state', async () => {
    const url = c.url;
    await raw(c, 'POST', '/api/v1/namespaces/default/configmaps', { metadata: { name: 'survivor' } });
    await c.stop();
    await assert.rejects(raw(c, 'GET', '/version'));
    await c.start();
    assert.equal(c.url, url);
    assert.equal((await raw(c, 'GET', '/api/v1/namespaces/default/configmaps/survivor')).status, 200);
  });
});

describe('persistence in dataDir', () => {
  let dataDir: string;
  before(() => {
    dataDir = mkdtempSync(join(tmpdir(), 'argosy-data-'));
  });
  after(() => rmSync(dataDir, { recursive: true, force: true }));

  test('objects, resourceVersions, address, CA and tokens survive a restart of the clusters', async () => {
    const first = await startLocalClusters({ names: ['main'], runtime: 'sim', dataDir });
    let rv: string;
    const before = { url: '', caPem: '', adminToken: '', token: '' };
    try {
      const m = first.get('main');
      const r = await raw(m, 'POST', '/api/v1/namespaces/default/configmaps', {
        metadata: { name: 'kept' },
        data: { a: 'b' },
      });
      rv = r.json.metadata.resourceVersion;
      const token = m.createIdentity('reader', [{ verbs: ['get'], resources: ['configmaps'] }]).token;
      Object.assign(before, { url: m.url, caPem: m.caPem, adminToken: m.adminToken, token });
    } finally {
      await first.stop();
    }
    const second = await startLocalClusters({ names: ['main'], runtime: 'sim', dataDir });
    try {
      const c = second.get('main');
      assert.equal(c.url, before.url, 'same address and port');
      assert.equal(c.caPem, before.caPem, 'same CA');
      assert.equal(c.adminToken, before.adminToken, 'same admin token');
      const asReader = await raw(c, 'GET', '/api/v1/namespaces/default/configmaps/kept', undefined, {
        token: before.token,
      });
      assert.equal(asReader.status, 200, 'identities survive');
      const got = await raw(c, 'GET', '/api/v1/namespaces/default/configmaps/kept');
      assert.equal(got.status, 200);
      assert.equal(got.json.data.a, 'b');
      assert.equal(got.json.metadata.resourceVersion, rv);
      const next = await raw(c, 'POST', '/api/v1/namespaces/default/configmaps', { metadata: { name: 'after' } });
      assert.ok(Number(next.json.metadata.resourceVersion) > Number(rv), 'resourceVersions keep increasing');
    } finally {
      await second.stop();
    }
  });
});
