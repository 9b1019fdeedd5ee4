// The bench's table (bench/table.ts): verdicts, the printed lines, and the check that a whole run
// carries every figure issue 23 asks for beside its target. No timings.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  allOf,
  formatTable,
  ISSUE_FIGURES,
  meets,
  missingFigures,
  notRun,
  summary,
  type Row,
} from '../../../bench/table.ts';

describe('verdicts', () => {
  test('meets says MET or MISSED with the target', () => {
    assert.deepEqual(meets(true, '≤ 4'), { status: 'MET', target: '≤ 4' });
    assert.deepEqual(meets(false, '≤ 4'), { status: 'MISSED', target: '≤ 4' });
  });
  test('several targets: one miss is a miss; a target not run keeps the row from MET', () => {
    assert.equal(allOf(meets(true, 'a'), meets(false, 'b')).status, 'MISSED');
    assert.equal(allOf(meets(true, 'a'), meets(true, 'b')).status, 'MET');
    assert.equal(allOf(meets(true, 'a'), notRun('b', 'full run only')).status, 'NOT RUN');
    assert.equal(allOf(meets(true, 'a'), meets(false, 'b')).target, 'a: MET; b: MISSED');
  });
});

describe('formatTable', () => {
  const rows: Row[] = [
    { metric: 'writes', value: '4', anchor: 'Argo ~40', verdict: meets(true, '≤ 4') },
    { metric: 'a longer metric name', value: '12.5 ms', anchor: '' },
    { metric: '100k', value: 'not run', anchor: '', verdict: notRun('Succeeded', 'full run only') },
  ];
  test('a header, a rule, a line per row with its verdict, and the count of verdicts', () => {
    const lines = formatTable(rows);
    assert.equal(lines.length, 2 + rows.length + 1);
    assert.match(lines[0]!, /^metric\s+│ value\s+│ baseline \/ anchor │ target$/);
    assert.match(lines[2]!, /^writes\s+│ 4\s+│ Argo ~40\s+│ MET \(≤ 4\)$/);
    assert.match(lines[4]!, /NOT RUN \(Succeeded; full run only\)$/);
    assert.equal(lines.at(-1), 'targets: 1 met, 0 missed, 1 not run');
    // Columns line up: every separator at the same offset.
    const bars = lines.slice(0, -1).map((l) => [...l].flatMap((c, i) => (c === '│' || c === '┼' ? [i] : [])));
    for (const b of bars) assert.deepEqual(b, bars[0]);
  });
  test('summary counts each status', () => {
    assert.deepEqual(summary(rows), { met: 1, missed: 0, notRun: 1 });
  });
});

describe('issue 23 figures', () => {
  /** A row for every figure, as a whole run prints them. */
  const whole: Row[] = [
    '`argosy get`, 10002-node workflow',
    '`argosy get -o json`, 10002-node workflow',
    '`argosy list`, 10002-node workflow',
    '`submit --watch` redraw (terminal) / change lines',
    '`get` view in-process: full / a tenth of the nodes',
    '`argosy logs`, 10002-node workflow',
    '100000-pod workflow locally (sim runtime)',
    'same-region 2–5 ms: step latency, 50-step chain p50 / p99',
    'same-region: 50-step chain wall time; reconcile median',
    'same-region: throughput, 500 one-pod workflows',
    'cross-region 20–60 ms: step latency, 50-step chain p50 / p99',
    'cross-region: 50-step chain wall time; reconcile median',
    'cross-region: throughput, 500 one-pod workflows',
    'API writes per one-pod workflow',
    'API reads per one-pod workflow',
    'API writes / reads per step (20-step chain)',
    'throughput, 1000 one-pod workflows',
    'CPU per workflow (whole stack, one event loop)',
    'watcher heap, 20,000 objects watched (10,000 workflows + pods, 2 clusters)',
  ].map((metric) => ({ metric, value: 'x', anchor: '', verdict: meets(true, 't') }));

  test('a whole run has every figure; each row names one figure only', () => {
    assert.deepEqual(missingFigures(whole), []);
    for (const f of ISSUE_FIGURES) assert.equal(whole.filter((r) => f.metric.test(r.metric)).length, 1, f.figure);
  });
  test('a figure absent, or judged without a verdict, is reported missing', () => {
    const noWatcher = whole.filter((r) => !r.metric.startsWith('watcher heap'));
    assert.deepEqual(missingFigures(noWatcher), ['watcher memory bound, 10,000 workflows']);
    const unjudged = whole.map((r) => (r.metric.startsWith('API reads') ? { ...r, verdict: undefined } : r));
    assert.deepEqual(missingFigures(unjudged), ['reads per one-pod workflow ≤ 5']);
    const cpuUnjudged = whole.map((r) => (r.metric.startsWith('CPU per') ? { ...r, verdict: undefined } : r));
    assert.deepEqual(missingFigures(cpuUnjudged), []);
  });
});
