/**
 * `argosy get -o json` prints in chunks as it goes; joined, the chunks must be exactly
 * `JSON.stringify(value, null, 2) + '\n'` (argo's `-o json` shape), whatever the values hold.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { jsonChunks } from '../../../src/cli/lib/json-chunks.ts';
import { formatObject, printObject } from '../../../src/cli/lib/output.ts';
import type { Io } from '../../../src/cli/lib/context.ts';

/** A workflow-shaped object with `count` nodes. */
function workflow(count: number): Record<string, unknown> {
  const nodes: Record<string, unknown> = {};
  for (let i = 0; i < count; i++) {
    nodes[`wf-${1000 + i}`] = {
      id: `wf-${1000 + i}`,
      name: `wf.fan(${i}:${i})`,
      type: 'Pod',
      phase: 'Succeeded',
      children: i % 3 ? [] : [`wf-${i}`],
      outputs: { parameters: [{ name: 'p', value: 'line\n"quoted"\t✔' }], exitCode: '0' },
      resourcesDuration: { cpu: 1, memory: 2 },
    };
  }
  return {
    apiVersion: 'argoproj.io/v1alpha1',
    kind: 'Workflow',
    metadata: { name: 'wf', labels: {}, annotations: { a: 'b' } },
    spec: { entrypoint: 'main', templates: [{ name: 'main', dag: { tasks: [] } }], arguments: {} },
    status: { phase: 'Succeeded', nodes, conditions: [{ type: 'Completed', status: 'True' }] },
  };
}

const exact = (v: unknown): string => JSON.stringify(v, null, 2) + '\n';

describe('get -o json in chunks', () => {
  test('a 3,000-node workflow: the chunks join to JSON.stringify’s text, in several bounded chunks', () => {
    const wf = workflow(3000);
    const chunks = [...jsonChunks(wf)];
    assert.equal(chunks.join(''), exact(wf));
    assert.ok(chunks.length > 5, `${chunks.length} chunks`);
    for (const c of chunks) assert.ok(c.length < (1 << 16) + 4096, `a chunk of ${c.length} characters`);
  });

  test('values JSON.stringify treats specially print the same', () => {
    const odd = {
      absent: undefined,
      fn: () => 1,
      sym: Symbol('s'),
      date: new Date(Date.UTC(2026, 0, 1)),
      withToJSON: { toJSON: () => ({ replaced: true }) },
      boxed: Object(5) as unknown,
      empty: {},
      emptyList: [],
      list: [undefined, () => 2, { a: undefined }, [{}]],
      nested: { inner: { deeper: { deepest: { x: undefined, y: null, z: NaN } } }, gone: undefined },
      '10': 'integer key first',
      'é "k"': '\u2028',
      status: { nodes: {}, absent: undefined },
    };
    assert.equal([...jsonChunks(odd)].join(''), exact(odd));
    for (const v of [null, 1, 'text', [], [1, [2]], {}]) assert.equal([...jsonChunks(v)].join(''), exact(v));
  });

  test('printObject writes through outChunks when the output has it, else through out', async () => {
    const wf = workflow(500);
    const viaChunks: string[] = [];
    const chunked: Io = {
      out: () => assert.fail('out used'),
      err: () => {},
      isTTY: false,
      outChunks: async (chunks) => {
        for (const c of chunks) viaChunks.push(c);
      },
    };
    await printObject(chunked, wf, 'json');
    assert.equal(viaChunks.join(''), formatObject(wf, 'json'));
    let plain = '';
    await printObject({ out: (t) => (plain += t), err: () => {}, isTTY: false }, wf, 'yaml');
    assert.equal(plain, formatObject(wf, 'yaml'));
  });
});
