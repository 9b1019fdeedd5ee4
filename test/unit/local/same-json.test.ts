import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { sameJson } from '../../../src/local/apiserver/same-json.ts';

/** What the API server compared before: the JSON with every object's keys sorted. */
function sortedJson(v: unknown): string {
  return JSON.stringify(v, (_k, val: unknown) =>
    val && typeof val === 'object' && !Array.isArray(val)
      ? Object.fromEntries(Object.entries(val).sort(([a], [b]) => (a < b ? -1 : 1)))
      : val,
  );
}

describe('sameJson: equal exactly when the key-sorted serialisations are', () => {
  const pod = {
    metadata: { name: 'p', labels: { a: '1', b: '2' } },
    spec: { containers: [{ name: 'main', args: ['x'] }] },
  };
  const cases: Array<[string, unknown, unknown]> = [
    ['identical', pod, structuredClone(pod)],
    ['keys in another order', { a: 1, b: { c: 2, d: 3 } }, { b: { d: 3, c: 2 }, a: 1 }],
    ['a changed leaf', pod, { ...pod, spec: { containers: [{ name: 'main', args: ['y'] }] } }],
    ['an added key', { a: 1 }, { a: 1, b: 2 }],
    ['a removed key', { a: 1, b: 2 }, { a: 1 }],
    ['undefined values are absent', { a: 1, b: undefined }, { a: 1 }],
    ['undefined in arrays is null', [undefined, 1], [null, 1]],
    ['array order counts', [1, 2], [2, 1]],
    ['array length counts', [1, 2], [1, 2, 3]],
    ['array vs object', [1], { 0: 1 }],
    ['null vs object', null, {}],
    ['string vs number', '1', 1],
    ['empty objects', {}, {}],
    ['nested null', { a: null }, { a: null }],
    ['null vs absent', { a: null }, {}],
    ['booleans', { a: true }, { a: false }],
  ];
  for (const [name, a, b] of cases) {
    test(name, () => {
      const want = sortedJson(a) === sortedJson(b);
      assert.equal(sameJson(a, b), want);
      assert.equal(sameJson(b, a), want);
    });
  }
});
