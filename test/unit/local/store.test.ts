import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { ObjectStore } from '../../../src/local/apiserver/store.ts';

const obj = (name: string, ns = 'default', extra: Record<string, unknown> = {}) => ({
  metadata: { name, namespace: ns, uid: `uid-${name}`, ...extra },
});

describe('object store', () => {
  test('one increasing resourceVersion, lists in key order, DELETED carries a fresh version', () => {
    const s = new ObjectStore(100);
    const a = s.insert('/pods', obj('b'));
    const b = s.insert('/pods', obj('a'));
    s.insert('/pods', obj('z', 'another'));
    assert.equal(a.metadata.resourceVersion, '1');
    assert.equal(b.metadata.resourceVersion, '2');
    assert.deepEqual(
      s.list('/pods').map((o) => `${o.metadata.namespace}/${o.metadata.name}`),
      ['another/z', 'default/a', 'default/b'],
    );
    assert.deepEqual(
      s.list('/pods', 'default').map((o) => o.metadata.name),
      ['a', 'b'],
    );
    const gone = s.remove('/pods', 'default', 'a');
    assert.equal(gone?.metadata.resourceVersion, '4');
    assert.equal(s.count('/pods'), 2);
  });

  test('history is bounded: older versions are expired', () => {
    const s = new ObjectStore(3);
    for (let i = 0; i < 6; i++) s.insert('/configmaps', obj(`c${i}`));
    assert.equal(s.eventsSince(1), 'expired');
    const recent = s.eventsSince(3);
    assert.ok(Array.isArray(recent));
    assert.deepEqual(
      (recent as Array<{ rv: number }>).map((e) => e.rv),
      [4, 5, 6],
    );
    assert.deepEqual(s.eventsSince(6), []);
  });

  test('owner index follows ownerReferences through writes and removals', () => {
    const s = new ObjectStore();
    s.insert('/pods', obj('p', 'default', { ownerReferences: [{ uid: 'owner-1' }] }));
    assert.deepEqual(s.dependents('owner-1'), [['/pods', 'default', 'p']]);
    s.replace('/pods', obj('p', 'default', { ownerReferences: [] }));
    assert.deepEqual(s.dependents('owner-1'), []);
  });

  test('snapshot and load round-trip', () => {
    const s = new ObjectStore();
    s.insert('/configmaps', obj('x'));
    const t = new ObjectStore();
    t.load(s.snapshot());
    assert.equal(t.currentRv(), 1);
    assert.equal(t.get('/configmaps', 'default', 'x')?.metadata.uid, 'uid-x');
  });
});
