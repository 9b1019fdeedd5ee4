import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { evaluateDepends, expandSequence, itemSuffix, parseDepends, shouldExecute } from '../../../src/engine/index.ts';
import { expandLoop, sprintfInt } from '../../../src/engine/loops.ts';

describe('when (govaluate as Argo applies it)', () => {
  const cases: [string, boolean][] = [
    ['', true],
    ['heads == heads', true],
    ['heads == tails', false],
    ['tails != heads', true],
    ['5 > 3', true],
    ['2 >= 3', false],
    ["'a b' == 'a b'", true],
    ['true', true],
    ['!(a == b)', true],
    ['a == a && (b == c || d == d)', true],
    ['foo =~ "^f"', true],
    ['foo !~ "^f"', false],
    ['1 + 2 == 3', true],
  ];
  for (const [expr, want] of cases) test(`'${expr}' → ${want}`, () => assert.equal(shouldExecute(expr), want));
  test('non-bool result is an error with Argo wording', () =>
    assert.throws(() => shouldExecute('hello'), /Expected boolean evaluation for 'hello'. Got hello/));
  test('invalid token adds the quoting hint', () =>
    assert.throws(() => shouldExecute('a == $b'), /Invalid token.*hint: try wrapping/));
  test('dashes are minus signs, as in govaluate', () =>
    assert.throws(() => shouldExecute('it-was == x'), /not a number/));
});

describe('depends', () => {
  const phases: Record<string, string> = {
    A: 'Succeeded',
    B: 'Failed',
    C: 'Skipped',
    D: 'Error',
    'my-task': 'Succeeded',
  };
  const look = (n: string) => ({ phase: phases[n] });
  const cases: [string, boolean][] = [
    ['A', true],
    ['B', false],
    ['C', true],
    ['A && B', false],
    ['A || B', true],
    ['B.Failed', true],
    ['!B.Succeeded', true],
    ['A && (B.Succeeded || B.Failed)', true],
    ['D.Errored && my-task.Succeeded', true],
    ['C.Omitted', false],
  ];
  for (const [expr, want] of cases)
    test(`'${expr}' → ${want}`, () => assert.equal(evaluateDepends(parseDepends(expr), look), want));
  test('continueOn.failed widens a bare name', () =>
    assert.equal(
      evaluateDepends(parseDepends('B'), () => ({ phase: 'Failed', continueOnFailed: true })),
      true,
    ));
  test('AnySucceeded / AllFailed', () => {
    assert.equal(
      evaluateDepends(parseDepends('G.AnySucceeded'), () => ({ anySucceeded: true })),
      true,
    );
    assert.equal(
      evaluateDepends(parseDepends('G.AllFailed'), () => ({ allFailed: false })),
      false,
    );
  });
  test('syntax errors throw', () => assert.throws(() => parseDepends('A && (B')));
});

describe('loops', () => {
  test('count', () => assert.deepEqual(expandSequence({ count: '3' }), ['0', '1', '2']));
  test('start/end', () => assert.deepEqual(expandSequence({ start: '100', end: '102' }), ['100', '101', '102']));
  test('counts down', () => assert.deepEqual(expandSequence({ start: '2', end: '0' }), ['2', '1', '0']));
  test('count 0 is empty', () => assert.deepEqual(expandSequence({ count: 0 }), []));
  test('format', () =>
    assert.deepEqual(expandSequence({ count: '2', start: 10, format: 'testuser%02X' }), ['testuser0A', 'testuser0B']));
  test('sprintf widths', () => assert.equal(sprintfInt('[%5d|%-3d|%03d]', 7), '[    7|7  |007]'));
  test('withParam must be a JSON list', () =>
    assert.throws(
      () => expandLoop({ withParam: 'nope' }),
      /^LoopExpansionError: withParam value could not be parsed as a JSON list: nope: /,
    ));
  test('withParam list', () => assert.deepEqual(expandLoop({ withParam: '[1,"a"]' }), [1, 'a']));
  test('item suffix of a string', () => assert.equal(itemSuffix(8, 'eight'), '(8:eight)'));
  test('item suffix of a map is sorted k:v pairs', () => assert.equal(itemSuffix(0, { b: 2, a: 'x' }), '(0:a:x,b:2)'));
  test('parentheses are stripped', () => assert.equal(itemSuffix(1, 'f(x)'), '(1:fx)'));
  test('lists use Go formatting', () => assert.equal(itemSuffix(2, [1, 2]), '(2:[1 2])'));
});
