/**
 * The `argo get` view at scale, by counts and shapes (never timings): each node is read a bounded
 * number of times whatever the size, and the allocation-light paths (column alignment, the index
 * scan, the width count) print exactly what the plain versions print.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { NodeStatus, Workflow } from '../../../src/engine/types.ts';
import { renderWorkflow } from '../../../src/cli/render/workflow.ts';
import { indexFromName } from '../../../src/cli/render/tree.ts';
import { alignColumns, alignTable } from '../../../src/cli/render/table.ts';
import { stripAnsi, visibleWidth } from '../../../src/cli/render/style.ts';
import { fnv32a } from '../../../src/cli/render/pod-name.ts';

const W = 'wf';
const t0 = Date.UTC(2026, 0, 1);
const at = (s: number): string => new Date(t0 + s * 1000).toISOString();
const id = (name: string): string => (name === W ? W : `${W}-${fnv32a(name)}`);
const now = new Date(t0 + 3_600_000);

/** A deterministic PRNG (mulberry32): the same cases on every run. */
function prng(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * A DAG fan-out of `width` items under a TaskGroup plus a Steps boundary with retries, start times
 * shuffled so the children must be sorted; every node wrapped to count its property reads.
 */
function countedFanOut(width: number, reads: Map<string, number>): Workflow {
  const rnd = prng(width);
  const nodes: NodeStatus[] = [];
  const fan = `${W}.fan`;
  const items: string[] = [];
  for (let i = 0; i < width; i++) {
    const name = `${fan}(${i}:${i})`;
    items.push(id(name));
    const start = Math.floor(rnd() * 50);
    nodes.push({
      id: id(name),
      name,
      displayName: `fan(${i}:${i})`,
      type: 'Pod',
      phase: 'Succeeded',
      templateName: 'work',
      boundaryID: W,
      startedAt: at(start),
      finishedAt: at(start + 2),
    });
  }
  nodes.push(
    { id: W, name: W, displayName: W, type: 'DAG', phase: 'Succeeded', children: [id(fan), id(`${W}.s`)] },
    {
      id: id(fan),
      name: fan,
      displayName: 'fan',
      type: 'TaskGroup',
      phase: 'Succeeded',
      boundaryID: W,
      startedAt: at(0),
      children: items,
    },
    {
      id: id(`${W}.s`),
      name: `${W}.s`,
      displayName: 's',
      type: 'Steps',
      phase: 'Failed',
      boundaryID: W,
      startedAt: at(60),
      children: [id(`${W}.s[0]`)],
    },
    {
      id: id(`${W}.s[0]`),
      name: `${W}.s[0]`,
      displayName: '[0]',
      type: 'StepGroup',
      phase: 'Failed',
      boundaryID: id(`${W}.s`),
      startedAt: at(60),
      children: [id(`${W}.s[0].r`)],
    },
    {
      id: id(`${W}.s[0].r`),
      name: `${W}.s[0].r`,
      displayName: 'r',
      type: 'Retry',
      phase: 'Failed',
      boundaryID: id(`${W}.s`),
      startedAt: at(60),
      children: [id(`${W}.s[0].r(0)`), id(`${W}.s[0].r(1)`)],
    },
    {
      id: id(`${W}.s[0].r(0)`),
      name: `${W}.s[0].r(0)`,
      displayName: 'r(0)',
      type: 'Pod',
      phase: 'Failed',
      templateName: 'work',
      boundaryID: id(`${W}.s`),
      startedAt: at(61),
      message: 'Error (exit code 1)',
    },
    {
      id: id(`${W}.s[0].r(1)`),
      name: `${W}.s[0].r(1)`,
      displayName: 'r(1)',
      type: 'Pod',
      phase: 'Failed',
      templateName: 'work',
      boundaryID: id(`${W}.s`),
      startedAt: at(62),
      message: 'Error (exit code 1)',
    },
  );
  const counted = nodes.map(
    (n) =>
      new Proxy(n, {
        get(target, key, receiver) {
          reads.set(n.id, (reads.get(n.id) ?? 0) + 1);
          return Reflect.get(target, key, receiver) as unknown;
        },
      }),
  );
  return {
    metadata: { name: W, namespace: 'argo' },
    spec: {},
    status: { phase: 'Failed', nodes: Object.fromEntries(counted.map((n, i) => [nodes[i]!.id, n])) },
  };
}

describe('get view at scale', () => {
  test('every node is read a bounded number of times, the same at 100 and 5,000 children', () => {
    const maxReads = (width: number): { max: number; lines: number } => {
      const reads = new Map<string, number>();
      const wf = countedFanOut(width, reads);
      const text = renderWorkflow(wf, { style: { color: false, utf8: true }, now, output: 'wide' });
      return { max: Math.max(...reads.values()), lines: text.split('\n').length };
    };
    const small = maxReads(100);
    const large = maxReads(5000);
    assert.equal(large.lines - small.lines, 4900, 'one line per item');
    // Reads per node do not grow with the number of siblings (the sort compares keys read once).
    assert.equal(large.max, small.max);
    assert.ok(large.max <= 40, `a node read ${large.max} times`);
  });

  test('alignColumns prints what alignTable prints for the same rows', () => {
    const rnd = prng(7);
    const pieces = [
      '',
      ' ',
      'a',
      'work',
      '✔ fan(1:1)',
      '\x1b[32m✔\x1b[0m x',
      '𝒳y',
      '\ud800',
      'tail  ',
      '\u00a0',
      '│ └─',
    ];
    for (let t = 0; t < 200; t++) {
      const cols = 1 + Math.floor(rnd() * 6);
      const rows: string[][] = [];
      for (let r = Math.floor(rnd() * 8); r >= 0; r--) {
        rows.push(Array.from({ length: cols }, () => pieces[Math.floor(rnd() * pieces.length)]!));
      }
      const columns = Array.from({ length: cols }, (_, c) => rows.map((row) => row[c]!));
      assert.deepEqual(alignColumns(columns), alignTable(rows), JSON.stringify(rows));
    }
  });

  test('indexFromName without a regex matches argo’s two patterns', () => {
    const reference = (name: string): number => {
      const m = /\((\d+)(?::[^)]*)?\)$/.exec(name) ?? /\((\d+):/.exec(name);
      return m ? Number(m[1]) : -1;
    };
    const rnd = prng(23);
    const alphabet = '()::0123456789ab';
    const names = ['fan(10:x)', 'a(1)(2)', 'a(1:b)c', 'a(b)(3:)', 'x(12:(y)', '(7)', 'plain', ''];
    for (let i = 0; i < 20000; i++) {
      let s = '';
      for (let j = Math.floor(rnd() * 12); j > 0; j--) s += alphabet[Math.floor(rnd() * alphabet.length)];
      names.push(s);
    }
    for (const name of names) assert.equal(indexFromName(name), reference(name), JSON.stringify(name));
  });

  test('visibleWidth counts code points outside colour codes, as spreading the string does', () => {
    for (const s of ['', 'abc', '✔ a', '\x1b[31m✖\x1b[0m b', '𝒳', 'a\ud800b', '\udc00\ud800', '└─┬─', 'é'])
      assert.equal(visibleWidth(s), [...stripAnsi(s)].length, JSON.stringify(s));
  });
});
