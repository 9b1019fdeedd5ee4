import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { keyOf, lookupKey, normaliseKey, parseKey } from '../../../src/clusters/keys.ts';
import { isInvalidKeyError } from '../../../src/clusters/errors.ts';

describe('cluster keys', () => {
  test('dot and slash spellings normalise to the dot form', () => {
    assert.deepEqual(parseKey('other.argo'), { key: 'other.argo', cluster: 'other', namespace: 'argo' });
    assert.deepEqual(parseKey('other/argo'), { key: 'other.argo', cluster: 'other', namespace: 'argo' });
    assert.deepEqual(parseKey('other.'), { key: 'other.', cluster: 'other', namespace: '' });
    assert.equal(normaliseKey(' other/ '), 'other.');
    assert.equal(keyOf('a', ''), 'a.');
  });

  const bad: [string, RegExp][] = [
    ['other', /dot delimiter missing, do you mean "other\."/],
    ['a.b.c', /cannot contain dots/],
    ['a/b/c', /cannot contain dots/],
    ['a.b/c', /either/],
    ['.argo', /cluster name "" must be a DNS label/],
    ['Other.argo', /cluster name "Other"/],
    ['other.Argo_1', /namespace "Argo_1"/],
    ['x'.repeat(64) + '.', /must be a DNS label/],
  ];
  for (const [input, re] of bad) {
    test(`rejects ${JSON.stringify(input)}`, () => {
      assert.throws(
        () => parseKey(input),
        (e: unknown) => isInvalidKeyError(e) && re.test(e.message),
      );
    });
  }

  test('lookup: exact first, then cluster-wide, shadowing reported', () => {
    const set =
      (...keys: string[]) =>
      (k: string) =>
        keys.includes(k);
    assert.deepEqual(lookupKey(set('other.argo'), 'other', 'argo'), { key: 'other.argo' });
    assert.deepEqual(lookupKey(set('other.'), 'other', 'argo'), { key: 'other.' });
    assert.deepEqual(lookupKey(set('other.argo', 'other.'), 'other', 'argo'), {
      key: 'other.argo',
      shadowed: 'other.',
    });
    assert.equal(lookupKey(set('other.argo'), 'other', 'batch'), undefined);
    assert.equal(lookupKey(set('other.argo'), 'gpu', 'argo'), undefined);
    assert.deepEqual(lookupKey(set('other.'), 'other', ''), { key: 'other.' });
  });
});
