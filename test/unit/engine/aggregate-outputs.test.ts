/** Fan-out outputs as siblings read them (Argo's processAggregateNodeOutputs). */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { siblingResolver } from '../../../src/engine/scope.ts';
import type { NodeStatus } from '../../../src/engine/types.ts';

const item = (i: number, phase: NodeStatus['phase'], params: Record<string, string>, flag = {}): NodeStatus => ({
  id: `id${i}`,
  name: `w.t(${i})`,
  displayName: `t(${i})`,
  type: 'Pod',
  phase,
  nodeFlag: flag,
  outputs: { parameters: Object.entries(params).map(([name, value]) => ({ name, value })) },
});

const items = [
  item(0, 'Succeeded', { a: '1', b: 'x' }),
  item(1, 'Failed', { a: '2' }),
  item(2, 'Succeeded', { a: '3' }),
  item(3, 'Succeeded', { a: '9' }, { hooked: true }),
];
const resolve = siblingResolver('tasks', (name) => (name === 't' ? { items } : undefined));

test('outputs.parameters lists the maps of Succeeded items only', () => {
  assert.equal(resolve('tasks.t.outputs.parameters'), '[{"a":"1","b":"x"},{"a":"3"}]');
});

test('outputs.parameters.<name> lists that parameter of each Succeeded item', () => {
  assert.equal(resolve('tasks.t.outputs.parameters.a'), '["1","3"]');
  assert.equal(resolve('tasks.t.outputs.parameters.b'), '["x"]');
  assert.equal(resolve('tasks.t.outputs.parameters.nope'), undefined);
});

test('values that are all JSON lists or maps are nested, not quoted', () => {
  const json = [item(0, 'Succeeded', { p: '{"k":1}' }), item(1, 'Succeeded', { p: '[2]' })];
  const r = siblingResolver('steps', () => ({ items: json }));
  assert.equal(r('steps.s.outputs.parameters.p'), '[{"k":1},[2]]');
  const mixed = [item(0, 'Succeeded', { p: '{"k":1}' }), item(1, 'Succeeded', { p: '2' })];
  assert.equal(
    siblingResolver('steps', () => ({ items: mixed }))('steps.s.outputs.parameters.p'),
    '["{\\"k\\":1}","2"]',
  );
});
