import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { parseFieldSelector, parseLabelSelector } from '../../../src/local/apiserver/selectors.ts';
import { ApiError } from '../../../src/local/apiserver/status.ts';

describe('label selectors', () => {
  const labels = { app: 'web', tier: 'front', 'example.com/x': 'y' };
  const cases: Array<[string, boolean]> = [
    ['', true],
    ['app=web', true],
    ['app==web', true],
    ['app!=web', false],
    ['app!=db', true],
    ['missing!=x', true],
    ['app in (db, web)', true],
    ['app notin (db,web)', false],
    ['app', true],
    ['!app', false],
    ['!missing', true],
    ['example.com/x=y,tier=front', true],
    ['tier in (back),app=web', false],
  ];
  for (const [sel, want] of cases) {
    test(`${JSON.stringify(sel)} → ${want}`, () => assert.equal(parseLabelSelector(sel)(labels), want));
  }
  test('malformed selectors are 400 BadRequest', () => {
    assert.throws(
      () => parseLabelSelector('a in (b'),
      (e: unknown) => e instanceof ApiError && e.code === 400,
    );
    assert.throws(
      () => parseLabelSelector('=x'),
      (e: unknown) => e instanceof ApiError && e.code === 400,
    );
  });
});

describe('field selectors', () => {
  const pod = { metadata: { name: 'p', namespace: 'ns' }, spec: { nodeName: 'n1' }, status: { phase: 'Running' } };
  test('supported fields per resource', () => {
    assert.equal(parseFieldSelector('status.phase=Running,spec.nodeName=n1', '/pods', 'Pod')(pod), true);
    assert.equal(parseFieldSelector('status.phase!=Running', '/pods', 'Pod')(pod), false);
    assert.equal(parseFieldSelector('metadata.name=p', 'argoproj.io/workflows', 'Workflow')(pod), true);
  });
  test('unsupported fields are 400', () => {
    assert.throws(
      () => parseFieldSelector('status.phase=Running', '/configmaps', 'ConfigMap'),
      (e: unknown) => e instanceof ApiError && e.code === 400,
    );
  });
});
