import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { NodeStatus, Workflow } from '../../../src/engine/types.ts';
import { WatchPrinter } from '../../../src/cli/render/watch.ts';
import { fnv32a } from '../../../src/cli/render/pod-name.ts';

const t0 = Date.UTC(2026, 10, 24, 12, 0, 0);
const at = (s: number): string => new Date(t0 + s * 1000).toISOString();
const W = 'multi-cluster-abcde';
const id = (n: string): string => (n === W ? W : `${W}-${fnv32a(n)}`);

function state(otherPhase?: 'Running' | 'Succeeded', done = false): Workflow {
  const nodes: NodeStatus[] = [
    {
      id: W,
      name: W,
      displayName: W,
      type: 'DAG',
      templateName: 'main',
      phase: done ? 'Succeeded' : 'Running',
      startedAt: at(0),
      children: [],
    },
    {
      id: id(`${W}.this`),
      name: `${W}.this`,
      displayName: 'this',
      type: 'Pod',
      templateName: 'this',
      boundaryID: W,
      phase: 'Succeeded',
      startedAt: at(1),
      finishedAt: at(2),
    },
  ];
  if (otherPhase) {
    nodes.push({
      id: id(`${W}.other`),
      name: `${W}.other`,
      displayName: 'other',
      type: 'Pod',
      templateName: 'other',
      boundaryID: W,
      phase: otherPhase,
      startedAt: at(1),
      clusterName: 'other',
      ...(otherPhase === 'Succeeded' ? { finishedAt: at(3) } : {}),
    });
  }
  return {
    metadata: { name: W, namespace: 'argo', creationTimestamp: at(0) },
    spec: {
      templates: [{ name: 'main' }, { name: 'this' }, { name: 'other', clusterName: 'other', namespace: 'argo' }],
    },
    status: {
      phase: done ? 'Succeeded' : 'Running',
      startedAt: at(0),
      ...(done ? { finishedAt: at(4) } : {}),
      progress: done ? '2/2' : '1/2',
      nodes: Object.fromEntries(nodes.map((n) => [n.id, n])),
    },
  };
}

describe('watch output', () => {
  test('not a TTY: one line per change, nothing when unchanged, the full view at the end', () => {
    const out: string[] = [];
    const p = new WatchPrinter({
      style: { color: false, utf8: true },
      tty: false,
      write: (t) => out.push(t),
      mainCluster: 'main',
    });
    p.update(state('Running'), new Date(t0 + 1500));
    p.update(state('Running'), new Date(t0 + 2000));
    p.finish(state('Succeeded', true), new Date(t0 + 5000));
    const text = out.join('');
    assert.equal(
      text.split('\n\n')[0],
      [
        `[  1s] ${W} Running  1/2`,
        '[  1s] ✔ this  Succeeded',
        '[  1s] ● other  Running  (other/argo)',
        `[  5s] ${W} Succeeded  2/2`,
        '[  5s] ✔ other  Succeeded  (other/argo)',
      ].join('\n'),
    );
    assert.doesNotMatch(text, /\x1b/);
    assert.match(text, /Status:\s+Succeeded/);
    assert.match(text, /├─✔ other\s+other\s+multi-cluster-abcde-other-\d+\s+other\/argo\s+2s/);
  });

  test('a long quiet step gets a heartbeat line with its elapsed time and the progress', () => {
    const out: string[] = [];
    const p = new WatchPrinter({
      style: { color: false, utf8: true },
      tty: false,
      write: (t) => out.push(t),
      mainCluster: 'main',
    });
    p.update(state('Running'), new Date(t0 + 1000));
    out.length = 0;
    p.update(state('Running'), new Date(t0 + 10_000));
    assert.deepEqual(out, []);
    p.update(state('Running'), new Date(t0 + 17_000));
    assert.deepEqual(out, [`[ 17s] ${W} Running  1/2  running: other 16s\n`]);
  });

  test('a TTY: every update clears the screen and redraws the argo get view', () => {
    const out: string[] = [];
    const p = new WatchPrinter({
      style: { color: true, utf8: true },
      tty: true,
      write: (t) => out.push(t),
      mainCluster: 'main',
    });
    p.update(state('Running'), new Date(t0 + 1500));
    p.update(state('Running'), new Date(t0 + 1600)); // unchanged within a second: no redraw
    p.update(state('Running'), new Date(t0 + 2600)); // a second later: redraw (durations move)
    p.finish(state('Succeeded', true), new Date(t0 + 5000));
    assert.equal(out.length, 3);
    for (const frame of out) assert.ok(frame.startsWith('\x1b[H\x1b[2J'));
    assert.match(out[2]!, /Progress:\s+2\/2/);
  });
});

describe('the stall hint on a terminal', () => {
  test('is drawn under the view and survives the next redraws', () => {
    const out: string[] = [];
    const p = new WatchPrinter({ style: { color: false, utf8: true }, tty: true, write: (s) => out.push(s) });
    const pending = { metadata: { name: 'w', namespace: 'argo', creationTimestamp: at(0) }, spec: {} } as Workflow;
    p.update(pending, new Date(t0));
    assert.equal(p.notice('argosy: w has not been picked up yet\n'), true);
    p.update(pending, new Date(t0 + 100));
    p.update(pending, new Date(t0 + 1500));
    assert.equal(out.length, 3);
    for (const frame of out.slice(1)) {
      assert.ok(frame.startsWith('\x1b[H\x1b[2J'));
      assert.ok(frame.endsWith('\nargosy: w has not been picked up yet\n'), frame);
    }
    assert.ok(!out[0]!.includes('picked up'));
  });
  test('is left to the caller when output is not a terminal', () => {
    const p = new WatchPrinter({ style: { color: false, utf8: true }, tty: false, write: () => {} });
    assert.equal(p.notice('hint'), false);
  });
});
