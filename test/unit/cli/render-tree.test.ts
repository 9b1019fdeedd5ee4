import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { NodeStatus, Workflow } from '../../../src/engine/types.ts';
import { treeLines, indexFromName } from '../../../src/cli/render/tree.ts';
import { renderTable } from '../../../src/cli/render/workflow.ts';
import { fnv32a } from '../../../src/cli/render/pod-name.ts';

const W = 'wf';
const t0 = Date.UTC(2026, 0, 1);
const at = (s: number): string => new Date(t0 + s * 1000).toISOString();
const id = (name: string): string => (name === W ? W : `${W}-${fnv32a(name)}`);
const style = { color: false, utf8: true };

function n(name: string, fields: Partial<NodeStatus>): NodeStatus {
  return { id: id(name), name, type: 'Pod', phase: 'Succeeded', ...fields };
}

function wfOf(nodes: NodeStatus[]): Workflow {
  return {
    metadata: { name: W, namespace: 'argo' },
    spec: {},
    status: { phase: 'Succeeded', nodes: Object.fromEntries(nodes.map((x) => [x.id, x])) },
  };
}

const lines = (wf: Workflow): string[] =>
  treeLines(wf, id(`${W}.onExit`), style).map((l) => `${l.prefix}${l.node.displayName}`);

describe('argo tree shape', () => {
  test('a Retry node with one attempt is hidden; with several it is shown with its attempts', () => {
    const one = wfOf([
      n(W, { displayName: W, type: 'DAG', children: [id(`${W}.A`)] }),
      n(`${W}.A`, { displayName: 'A', type: 'Retry', boundaryID: W, startedAt: at(1), children: [id(`${W}.A(0)`)] }),
      n(`${W}.A(0)`, { displayName: 'A(0)', boundaryID: W, startedAt: at(1) }),
    ]);
    assert.deepEqual(lines(one), [` ${W}`, ' └─A(0)']);
    const two = wfOf([
      n(W, { displayName: W, type: 'DAG', children: [id(`${W}.A`)] }),
      n(`${W}.A`, {
        displayName: 'A',
        type: 'Retry',
        boundaryID: W,
        startedAt: at(1),
        children: [id(`${W}.A(0)`), id(`${W}.A(1)`)],
      }),
      n(`${W}.A(0)`, { displayName: 'A(0)', boundaryID: W, phase: 'Failed', startedAt: at(1) }),
      n(`${W}.A(1)`, { displayName: 'A(1)', boundaryID: W, startedAt: at(5) }),
    ]);
    assert.deepEqual(lines(two), [` ${W}`, ' └─A', '   ├─A(0)', '   └─A(1)']);
  });

  test('TaskGroup children hang off the parent line, ordered by item index; Omitted nodes vanish', () => {
    const wf = wfOf([
      n(W, { displayName: W, type: 'DAG', children: [id(`${W}.loop`), id(`${W}.skip`)] }),
      n(`${W}.loop`, {
        displayName: 'loop',
        type: 'TaskGroup',
        boundaryID: W,
        startedAt: at(1),
        children: [id(`${W}.loop(10:x)`), id(`${W}.loop(2:y)`), id(`${W}.loop(0:z)`)],
      }),
      n(`${W}.loop(10:x)`, { displayName: 'loop(10:x)', boundaryID: W, startedAt: at(1) }),
      n(`${W}.loop(2:y)`, { displayName: 'loop(2:y)', boundaryID: W, startedAt: at(1) }),
      n(`${W}.loop(0:z)`, { displayName: 'loop(0:z)', boundaryID: W, startedAt: at(1) }),
      n(`${W}.skip`, { displayName: 'skip', type: 'Skipped', phase: 'Omitted', boundaryID: W, startedAt: at(2) }),
    ]);
    assert.deepEqual(lines(wf), [` ${W}`, ' ├─┬─loop(0:z)', ' │ ├─loop(2:y)', ' │ └─loop(10:x)']);
    assert.equal(indexFromName('loop(10:x)'), 10);
    assert.equal(indexFromName('plain'), -1);
  });

  test('the onExit tree follows the main tree after a blank row; a Skipped node shows ○', () => {
    const wf = wfOf([
      n(W, { displayName: W, type: 'Steps', templateName: 'main', children: [id(`${W}[0]`)] }),
      n(`${W}[0]`, {
        displayName: '[0]',
        type: 'StepGroup',
        boundaryID: W,
        startedAt: at(1),
        children: [id(`${W}[0].a`), id(`${W}[0].b`)],
      }),
      n(`${W}[0].a`, { displayName: 'a', templateName: 'say', boundaryID: W, startedAt: at(1), finishedAt: at(2) }),
      n(`${W}[0].b`, {
        displayName: 'b',
        type: 'Skipped',
        phase: 'Skipped',
        boundaryID: W,
        startedAt: at(1),
        message: "when 'false' evaluated false",
      }),
      n(`${W}.onExit`, {
        displayName: `${W}.onExit`,
        templateName: 'bye',
        startedAt: at(3),
        finishedAt: at(4),
        nodeFlag: { hooked: true },
      }),
    ]);
    assert.deepEqual(renderTable(wf, { style, now: new Date(t0 + 10_000) }), [
      'STEP          TEMPLATE  PODNAME            DURATION  MESSAGE',
      ' ✔ wf         main',
      ' └─┬─✔ a      say       wf-say-3986212215  1s',
      "   └─○ b                                             when 'false' evaluated false",
      // argo prints a row of empty cells (`\t\t\t\t\t`) between the main and the onExit tree
      '',
      ' ✔ wf.onExit  bye       wf-bye-403321795   1s',
    ]);
  });
});

describe('argo tree order at scale', () => {
  /** argo's insertSorted, one insertion at a time (the reference the linear build must match). */
  function argoOrder(kids: NodeStatus[]): string[] {
    const t = (x: NodeStatus) => Date.parse(x.startedAt ?? '');
    const idx = (x: NodeStatus) => indexFromName(x.displayName ?? '');
    const out: NodeStatus[] = [];
    for (const a of kids) {
      let i = 0;
      for (; i < out.length; i++) {
        const b = out[i]!;
        if (t(a) < t(b)) break;
        if (t(a) === t(b) && (idx(a) >= 0 && idx(b) >= 0 ? idx(a) < idx(b) : a.displayName! < b.displayName!)) break;
      }
      out.splice(i, 0, a);
    }
    return out.map((x) => x.displayName!);
  }

  test('a 2,000-item fan-out with shared start times prints in argo insertSorted order', () => {
    const kids: NodeStatus[] = [];
    for (let i = 0; i < 2000; i++) {
      const k = (i * 7919) % 2000;
      const display = k % 10 === 0 ? `named-${k}` : `fan(${k}:${k})`;
      kids.push(n(`${W}.${display}`, { displayName: display, boundaryID: W, startedAt: at(k % 7) }));
    }
    const root = n(W, { displayName: W, type: 'DAG', children: kids.map((k) => k.id) });
    const printed = lines(wfOf([root, ...kids]))
      .slice(1)
      .map((l) => l.slice(3));
    assert.deepEqual(printed, argoOrder(kids));
  });
});
