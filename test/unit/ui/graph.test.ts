import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { NodeStatus, Workflow } from '../../../src/engine/types.ts';
import { buildGraph, summaryPhase } from '../../../ui/src/model/graph.ts';
import { layoutGraph, visibleItems } from '../../../ui/src/model/layout.ts';
import { placesUsed } from '../../../ui/src/model/place.ts';
import { summarise } from '../../../ui/src/model/summary.ts';

function node(id: string, type: NodeStatus['type'], extra: Partial<NodeStatus> = {}): NodeStatus {
  return { id, name: id, displayName: id, type, phase: 'Succeeded', ...extra };
}

function wfOf(nodes: NodeStatus[], templates: Workflow['spec']['templates'] = []): Workflow {
  return {
    metadata: { name: 'wf', namespace: 'argo' },
    spec: { templates },
    status: { phase: 'Running', nodes: Object.fromEntries(nodes.map((n) => [n.id, n])) },
  };
}

/** Steps: wf → group0 → N items → group1 → final. */
function loopWorkflow(n: number): Workflow {
  const items = Array.from({ length: n }, (_, i) =>
    node(`item-${i}`, 'Pod', { children: ['g1'], templateName: 'work' }),
  );
  return wfOf(
    [
      node('wf', 'Steps', { children: ['g0'] }),
      node('g0', 'StepGroup', { children: items.map((i) => i.id) }),
      ...items,
      node('g1', 'StepGroup', { children: ['final'] }),
      node('final', 'Pod', { templateName: 'other' }),
    ],
    [{ name: 'other', clusterName: 'other', container: { image: 'x' } }],
  );
}

describe('workflow graph', () => {
  test('the seed DAG: root and two pods, placed in main and other', () => {
    const wf = wfOf(
      [
        node('wf', 'DAG', { children: ['a', 'b'] }),
        node('a', 'Pod', { templateName: 'this' }),
        node('b', 'Pod', { templateName: 'other', clusterName: 'other' }),
      ],
      [{ name: 'other', clusterName: 'other', namespace: 'argo', container: { image: 'x' } }],
    );
    const g = buildGraph(wf, { mainCluster: 'main' });
    assert.deepEqual(
      g.nodes.map((n) => [n.id, n.place?.cluster]),
      [
        ['wf', undefined],
        ['a', 'main'],
        ['b', 'other'],
      ],
    );
    assert.deepEqual(g.edges, [
      { from: 'wf', to: 'a' },
      { from: 'wf', to: 'b' },
    ]);
    assert.deepEqual(placesUsed(wf, 'main'), [
      { cluster: 'main', namespace: 'argo' },
      { cluster: 'other', namespace: 'argo' },
    ]);
  });

  test('a 10,000-item loop collapses to a few boxes and the join after it stays visible', () => {
    const wf = loopWorkflow(10_000);
    const g = buildGraph(wf, { mainCluster: 'main' });
    const ids = g.nodes.map((n) => n.id);
    assert.equal(g.nodes.length, 2 + 5 + 1 + 2, ids.join(','));
    const more = g.nodes.find((n) => n.kind === 'collapsed')!;
    assert.equal(more.hidden, 9_995);
    assert.ok(
      g.edges.some((e) => e.from === more.id && e.to === 'g1'),
      'collapsed node leads to the join',
    );
    assert.ok(ids.includes('final'));
    assert.equal(g.nodes.find((n) => n.id === 'final')!.place?.cluster, 'other');
    const expanded = buildGraph(wf, { mainCluster: 'main', shown: new Map([['g0', 105]]) });
    assert.equal(expanded.nodes.filter((n) => n.id.startsWith('item-')).length, 105);
  });

  test('hidden subtrees go with their collapsed parent (retry attempts under hidden items)', () => {
    const retries = Array.from({ length: 20 }, (_, i) => [
      node(`r${i}`, 'Retry', { children: [`r${i}-0`] }),
      node(`r${i}-0`, 'Pod', { phase: i === 7 ? 'Failed' : 'Succeeded' }),
    ]).flat();
    const wf = wfOf([
      node('wf', 'DAG', { children: retries.filter((n) => n.type === 'Retry').map((n) => n.id) }),
      ...retries,
    ]);
    const g = buildGraph(wf, { mainCluster: 'main' });
    assert.equal(g.nodes.length, 1 + 5 * 2 + 1);
    assert.equal(g.hiddenCount, 15 * 2);
    assert.equal(summaryPhase([node('x', 'Pod'), node('y', 'Pod', { phase: 'Failed' })]), 'Failed');
  });

  test('the exit handler hangs off the root with a dashed edge', () => {
    const wf = wfOf([
      node('wf', 'DAG', { children: ['a'] }),
      node('a', 'Pod'),
      node('x', 'Pod', { name: 'wf.onExit' }),
    ]);
    const g = buildGraph(wf, { mainCluster: 'main' });
    assert.deepEqual(
      g.edges.find((e) => e.to === 'x'),
      { from: 'wf', to: 'x', dashed: true },
    );
  });

  test('layout gives every node a box, and the view keeps only what it shows', () => {
    const layout = layoutGraph(buildGraph(loopWorkflow(50), { mainCluster: 'main', shown: new Map([['g0', 50]]) }));
    assert.ok(layout.nodes.every((n) => Number.isFinite(n.x) && Number.isFinite(n.y) && n.w > 0));
    const some = visibleItems(layout, { x: 0, y: 0, w: 400, h: 300 });
    assert.ok(some.nodes.length > 0 && some.nodes.length < layout.nodes.length);
    assert.equal(visibleItems(layout, { x: -1e6, y: -1e6, w: 1, h: 1 }).nodes.length, 0);
  });

  test('summaries count pods and name the places', () => {
    const s = summarise(loopWorkflow(3), 'main');
    assert.equal(s.progress, '4/4');
    assert.deepEqual(s.places, ['main/argo', 'other/argo']);
    assert.equal(s.nodeCount, 7);
  });
});
