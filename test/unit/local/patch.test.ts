import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { applyPatch, jsonPatch, mergePatch, patchTypeOf, strategicMerge } from '../../../src/local/apiserver/patch.ts';
import { ApiError } from '../../../src/local/apiserver/status.ts';

describe('merge patch (RFC 7386)', () => {
  test('merges objects, null deletes, arrays replace', () => {
    assert.deepEqual(mergePatch({ a: 1, b: { c: 2, d: 3 }, l: [1, 2] }, { b: { c: null, e: 4 }, l: [3] }), {
      a: 1,
      b: { d: 3, e: 4 },
      l: [3],
    });
  });
});

describe('JSON patch (RFC 6902)', () => {
  test('add, replace, remove, move, copy, test', () => {
    const doc = { a: { b: [1, 2] }, c: 'x' };
    const out = jsonPatch(doc, [
      { op: 'add', path: '/a/b/-', value: 3 },
      { op: 'replace', path: '/c', value: 'y' },
      { op: 'copy', from: '/c', path: '/d' },
      { op: 'move', from: '/d', path: '/e' },
      { op: 'remove', path: '/a/b/0' },
      { op: 'test', path: '/e', value: 'y' },
      { op: 'add', path: '/f~1g', value: true },
    ]);
    assert.deepEqual(out, { a: { b: [2, 3] }, c: 'y', e: 'y', 'f/g': true });
    assert.deepEqual(doc, { a: { b: [1, 2] }, c: 'x' }, 'the input is not mutated');
  });
  test('failed tests and missing paths are 422', () => {
    assert.throws(
      () => jsonPatch({ a: 1 }, [{ op: 'test', path: '/a', value: 2 }]),
      (e: unknown) => e instanceof ApiError && e.code === 422,
    );
    assert.throws(
      () => jsonPatch({ a: 1 }, [{ op: 'remove', path: '/b' }]),
      (e: unknown) => e instanceof ApiError && e.code === 422,
    );
  });
});

describe('strategic merge patch', () => {
  test('containers and env merge by name; $patch delete removes; directives are dropped', () => {
    const pod = {
      spec: {
        containers: [
          { name: 'a', image: '1', env: [{ name: 'X', value: '1' }] },
          { name: 'b', image: '1' },
        ],
      },
    };
    const out = strategicMerge(pod, {
      $setElementOrder: 'ignored',
      spec: {
        '$setElementOrder/containers': [{ name: 'a' }],
        containers: [
          { name: 'a', env: [{ name: 'Y', value: '2' }] },
          { name: 'b', $patch: 'delete' },
          { name: 'c', image: '3' },
        ],
      },
    }) as { spec: { containers: Array<Record<string, unknown>> } };
    assert.deepEqual(out.spec.containers, [
      {
        name: 'a',
        image: '1',
        env: [
          { name: 'X', value: '1' },
          { name: 'Y', value: '2' },
        ],
      },
      { name: 'c', image: '3' },
    ]);
  });
  test('finalizers merge as a set; $deleteFromPrimitiveList removes; tolerations replace', () => {
    const o = { metadata: { finalizers: ['a', 'b'] }, spec: { tolerations: [{ key: 'x' }] } };
    assert.deepEqual(strategicMerge(o, { metadata: { finalizers: ['b', 'c'] } }), {
      ...o,
      metadata: { finalizers: ['a', 'b', 'c'] },
    });
    assert.deepEqual(strategicMerge(o, { metadata: { '$deleteFromPrimitiveList/finalizers': ['a'] } }), {
      ...o,
      metadata: { finalizers: ['b'] },
    });
    assert.deepEqual(strategicMerge(o, { spec: { tolerations: [{ key: 'y' }] } }), {
      ...o,
      spec: { tolerations: [{ key: 'y' }] },
    });
  });
  test('content types map to patch flavours', () => {
    assert.equal(patchTypeOf('application/strategic-merge-patch+json'), 'strategic');
    assert.equal(patchTypeOf('application/apply-patch+yaml; charset=utf-8'), 'apply');
    assert.equal(patchTypeOf('text/plain'), undefined);
    assert.throws(
      () => applyPatch('merge', {}, [1]),
      (e: unknown) => e instanceof ApiError && e.code === 400,
    );
  });
});
