import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  FIRST_FLUSH_MS,
  FLUSH_EVERY_MS,
  LineHeap,
  mergePodLogs,
  parseLogText,
  splitTimestamp,
  type LogLine,
} from '../../../src/cli/commands/log-merge.ts';

const T = Date.UTC(2026, 0, 1, 10, 0, 0);
const ts = (ms: number, nanos = '000000'): string => `${new Date(T + ms).toISOString().slice(0, -1)}${nanos}Z`;

describe('log line timestamps', () => {
  test('RFC3339Nano is split off with its sub-millisecond digits; a line without one keeps its text', () => {
    assert.deepEqual(splitTimestamp(`${ts(5, '123456')} hello world`), {
      ms: T + 5,
      subMs: 123456,
      rest: 'hello world',
    });
    assert.deepEqual(splitTimestamp('2026-01-01T10:00:00Z x'), { ms: T, subMs: 0, rest: 'x' });
    const none = splitTimestamp('plain text');
    assert.ok(Number.isNaN(none.ms));
    assert.equal(none.rest, 'plain text');
  });

  test('--timestamps keeps the time in the printed text; untimed lines sort at the pod start', () => {
    const lines = parseLogText(`${ts(1)} a\nno time\n`, 3, T - 1, true);
    assert.deepEqual(
      lines.map((l) => [l.ms, l.pod, l.seq, l.text]),
      [
        [T + 1, 3, 0, `${ts(1)} a`],
        [T - 1, 3, 1, 'no time'],
      ],
    );
  });
});

describe('LineHeap', () => {
  test('pops by time, then pod, then line, whatever the push order', () => {
    const heap = new LineHeap();
    const items: LogLine[] = [];
    for (let i = 0; i < 200; i++)
      items.push({ ms: (i * 7919) % 37, subMs: i % 3, pod: i % 5, seq: i, text: String(i) });
    for (const x of items) heap.push(x);
    const out: LogLine[] = [];
    for (let x = heap.pop(); x; x = heap.pop()) out.push(x);
    const want = [...items].sort((a, b) => a.ms - b.ms || a.subMs - b.subMs || a.pod - b.pod || a.seq - b.seq);
    assert.deepEqual(out, want);
  });
});

/** A source whose read resolves only when the test says so. */
function gated(startMs: number, text: string) {
  let open!: () => void;
  const gate = new Promise<void>((r) => (open = r));
  let reads = 0;
  return {
    source: { startMs, read: async () => (reads++, await gate, text) },
    open,
    reads: () => reads,
  };
}

describe('mergePodLogs', () => {
  test('lines are printed in time order across pods, each as soon as no unread pod can precede it', async () => {
    const a = gated(T, `${ts(10)} a1\n${ts(2500)} a2\n`);
    const b = gated(T + 1000, `${ts(1500)} b1\n`);
    const c = gated(T + 2000, `${ts(2100)} c1\n`);
    const batches: string[][] = [];
    const done = mergePodLogs([a.source, b.source, c.source], 2, false, (lines) =>
      batches.push(lines.map((l) => l.text)),
    );
    await new Promise((r) => setImmediate(r));
    assert.equal(a.reads() + b.reads() + c.reads(), 2, 'at most 2 reads in flight');
    a.open();
    await new Promise((r) => setImmediate(r));
    // b (started at +1 s) is unread: a1 (+10 ms) is safe, a2 (+2.5 s) is not yet.
    assert.deepEqual(batches, [['a1']]);
    c.open();
    b.open();
    await done;
    assert.deepEqual(batches.flat(), ['a1', 'b1', 'c1', 'a2']);
  });

  test('every line of every pod comes out once, with bounded reads, for many pods', async () => {
    let inFlight = 0;
    let peak = 0;
    const sources = Array.from({ length: 300 }, (_, i) => ({
      startMs: T + i * 10,
      read: async () => {
        inFlight++;
        peak = Math.max(peak, inFlight);
        await new Promise((r) => setImmediate(r));
        inFlight--;
        return `${ts(i * 10 + 5)} p${i} x\n${ts(i * 10 + 2000)} p${i} y\n`;
      },
    }));
    const out: string[] = [];
    await mergePodLogs(sources, 8, false, (lines) => out.push(...lines.map((l) => l.text)));
    assert.equal(peak, 8);
    assert.equal(out.length, 600);
    const times = out.map((t) => {
      const [pod, which] = t.split(' ');
      return Number(pod!.slice(1)) * 10 + (which === 'x' ? 5 : 2000);
    });
    assert.deepEqual(
      times,
      [...times].sort((x, y) => x - y),
    );
  });
});

describe('mergePodLogs, once a second', () => {
  test('what was read is printed after a second even when an unread pod could still precede it', async () => {
    let clock = 0;
    const a = gated(T, `${ts(5000)} a-late\n`);
    const b = gated(T + 1000, `${ts(1500)} b1\n`);
    const c = gated(T + 2000, `${ts(2100)} c1\n`);
    const batches: string[][] = [];
    const done = mergePodLogs(
      [a.source, b.source, c.source],
      1,
      false,
      (lines) => batches.push(lines.map((l) => l.text)),
      () => clock,
    );
    a.open();
    await new Promise((r) => setImmediate(r));
    assert.deepEqual(batches, [], 'held back: b and c are unread and may log earlier');
    clock = 1000;
    b.open();
    await new Promise((r) => setImmediate(r));
    assert.deepEqual(batches, [['b1', 'a-late']], 'a second has passed: everything read, in time order');
    c.open();
    await done;
    assert.deepEqual(batches.flat(), ['b1', 'a-late', 'c1']);
  });
});

describe('mergePodLogs, the first batch', () => {
  test('comes a quarter second after the reads start, the next ones a second apart', async () => {
    let clock = 0;
    const a = gated(T, `${ts(5000)} a-late\n`);
    const b = gated(T + 1000, `${ts(1500)} b1\n`);
    const c = gated(T + 2000, `${ts(3500)} c-late\n`);
    const d = gated(T + 3000, `${ts(3100)} d1\n`);
    const batches: string[][] = [];
    const done = mergePodLogs(
      [a.source, b.source, c.source, d.source],
      1,
      false,
      (lines) => batches.push(lines.map((l) => l.text)),
      () => clock,
    );
    clock = FIRST_FLUSH_MS - 1;
    a.open();
    await new Promise((r) => setImmediate(r));
    assert.deepEqual(batches, [], 'before the first batch is due: held back');
    clock = FIRST_FLUSH_MS;
    b.open();
    await new Promise((r) => setImmediate(r));
    assert.deepEqual(batches, [['b1', 'a-late']]);
    clock = FIRST_FLUSH_MS + FLUSH_EVERY_MS - 1;
    c.open();
    await new Promise((r) => setImmediate(r));
    assert.equal(batches.length, 1, 'd is unread and may log earlier; the next batch is a second later');
    clock = FIRST_FLUSH_MS + FLUSH_EVERY_MS;
    d.open();
    await done;
    assert.deepEqual(batches, [
      ['b1', 'a-late'],
      ['d1', 'c-late'],
    ]);
  });
});
