/**
 * LIST pagination of the embedded API server: pages follow each other in key order however the store
 * changes between them, and reading every page visits each object about once (counted, not timed):
 * listing 100,000 pods in pages of 500 used to sort and filter the whole resource per page.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { ObjectStore } from '../../../src/local/apiserver/store.ts';
import { listObjects, type ListQuery } from '../../../src/local/apiserver/list.ts';
import { builtinResources, type KubeObject, type ResourceDef } from '../../../src/local/apiserver/resources.ts';
import type { ClusterState } from '../../../src/local/apiserver/objects.ts';

const pods = builtinResources().find((d) => d.resource === 'pods' && d.group === '') as ResourceDef;
const pod = (name: string, ns = 'argo', labels: Record<string, string> = {}) => ({
  metadata: { name, namespace: ns, uid: `uid-${ns}-${name}`, labels },
});

/** Every page of a LIST, following `continue`; counts the selector's calls. */
function listAll(store: ObjectStore, q: Partial<ListQuery>, between?: (page: number) => void) {
  const state = { store } as unknown as ClusterState;
  let calls = 0;
  const labels = q.labels ?? (() => true);
  const query: ListQuery = { fields: () => true, ...q, labels: (l) => (calls++, labels(l)) };
  const names: string[] = [];
  const pages: KubeObject[] = [];
  let token: string | undefined;
  do {
    const list = listObjects(state, pods, 'v1', { ...query, ...(token ? { continueToken: token } : {}) });
    pages.push(list.metadata);
    names.push(...(list.items as KubeObject[]).map((o) => `${o.metadata.namespace}/${o.metadata.name}`));
    token = list.metadata.continue;
    between?.(pages.length);
  } while (token);
  return { names, pages, calls };
}

describe('LIST pages', () => {
  test('reading every page of 10,000 pods visits each about once, not once per page', () => {
    const store = new ObjectStore();
    for (let i = 0; i < 10_000; i++) store.insert('/pods', pod(`p${String(i).padStart(5, '0')}`));
    const even = (l: Record<string, string> | undefined) => l?.['keep'] !== 'no';
    const { names, pages, calls } = listAll(store, { namespace: 'argo', limit: 500, labels: even, selective: true });
    assert.equal(names.length, 10_000);
    assert.equal(pages.length, 20);
    // One call per object, plus the first object of each next page, looked at again.
    assert.ok(calls <= 10_000 + pages.length, `${calls} selector calls for 10,000 pods in ${pages.length} pages`);
  });

  test('pages stay in key order while objects come and go between them; other namespaces are not read', () => {
    const store = new ObjectStore();
    for (const n of ['b', 'd', 'f', 'h']) store.insert('/pods', pod(n));
    store.insert('/pods', pod('a', 'zz'));
    store.insert('/pods', pod('z', 'aa'));
    const { names, calls } = listAll(store, { namespace: 'argo', limit: 2 }, (page) => {
      if (page !== 1) return;
      store.insert('/pods', pod('a')); // before the token: not seen
      store.insert('/pods', pod('e')); // after it: seen
      store.remove('/pods', 'argo', 'f');
    });
    assert.deepEqual(names, ['argo/b', 'argo/d', 'argo/e', 'argo/h']);
    assert.ok(calls <= 6, `${calls}`);
    assert.deepEqual(
      store.list('/pods').map((o) => `${o.metadata.namespace}/${o.metadata.name}`),
      ['aa/z', 'argo/a', 'argo/b', 'argo/d', 'argo/e', 'argo/h', 'zz/a'],
    );
  });

  test('remainingItemCount without selectors only, as kube-apiserver', () => {
    const store = new ObjectStore();
    for (let i = 0; i < 5; i++) store.insert('/pods', pod(`p${i}`, 'argo', { n: String(i) }));
    const plain = listAll(store, { namespace: 'argo', limit: 2 });
    assert.deepEqual(
      plain.pages.map((m) => m.remainingItemCount),
      [3, 1, undefined],
    );
    const selected = listAll(store, { namespace: 'argo', limit: 2, labels: (l) => l?.['n'] !== '3', selective: true });
    assert.deepEqual(selected.names, ['argo/p0', 'argo/p1', 'argo/p2', 'argo/p4']);
    assert.deepEqual(
      selected.pages.map((m) => m.remainingItemCount),
      [undefined, undefined],
    );
  });
});
