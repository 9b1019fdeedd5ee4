/**
 * `argosy logs` for many pods: reads them a bounded number at a time and prints their lines in time
 * order across pods, which is the order argo's server sends them (util/logs/workflow-logger.go asks
 * for `timestamps=true`, sorts the entries by that time, and strips it unless `--timestamps`).
 *
 * Argo reads every pod at once and sorts what arrived each second; with 10,000 pods that is 10,000
 * requests in flight. Here pods are read `parallel` at a time in node start order, and a line is
 * printed as soon as no pod still to be read can have an earlier one: a container cannot log before
 * its node started, so the start time of the first pod not yet read is a watermark. A node starts when
 * its pod is created, which may be long before its container runs (a wide fan-out waits for the
 * kubelet), so at least once a second everything read so far is printed in time order anyway — argo's
 * own rule (it sorts and sends what arrived every second). The first such batch comes after a quarter
 * of a second rather than a whole one, so a large workflow starts printing at once; argo's batches are
 * only as ordered as what arrived in them too.
 */

/** One log line of one pod, with the server's timestamp split off. */
export interface LogLine {
  /** Milliseconds since the epoch, then the sub-millisecond digits (RFC3339Nano has nanoseconds). */
  ms: number;
  subMs: number;
  /** Index of the pod in start order, then of the line in its log (ties keep this order). */
  pod: number;
  seq: number;
  /** The line without the timestamp, or with it when the user asked for `--timestamps`. */
  text: string;
}

/** Splits `2026-01-02T03:04:05.123456789Z rest` into its time and the rest; time NaN when absent. */
export function splitTimestamp(line: string): { ms: number; subMs: number; rest: string } {
  const cut = line.indexOf(' ');
  const head = cut < 0 ? line : line.slice(0, cut);
  const ms = /^\d{4}-\d\d-\d\dT/.test(head) ? Date.parse(head) : Number.NaN;
  if (Number.isNaN(ms)) return { ms, subMs: 0, rest: line };
  const frac = /\.(\d+)/.exec(head)?.[1] ?? '';
  const subMs = Number((frac.slice(3) || '0').padEnd(6, '0').slice(0, 6));
  return { ms, subMs, rest: cut < 0 ? '' : line.slice(cut + 1) };
}

/**
 * The lines of one pod's log text (fetched with `timestamps=true`). A line without a timestamp
 * (an API server that ignores the flag) sorts at `fallbackMs`, the pod's start.
 */
export function parseLogText(text: string, pod: number, fallbackMs: number, keepTimestamps: boolean): LogLine[] {
  const raw = text.split('\n');
  if (raw[raw.length - 1] === '') raw.pop();
  return raw.map((line, seq) => {
    const { ms, subMs, rest } = splitTimestamp(line);
    const known = !Number.isNaN(ms);
    return {
      ms: known ? ms : fallbackMs,
      subMs: known ? subMs : 0,
      pod,
      seq,
      text: keepTimestamps || !known ? line : rest,
    };
  });
}

function before(a: LogLine, b: LogLine): boolean {
  if (a.ms !== b.ms) return a.ms < b.ms;
  if (a.subMs !== b.subMs) return a.subMs < b.subMs;
  if (a.pod !== b.pod) return a.pod < b.pod;
  return a.seq < b.seq;
}

/** A binary min-heap of lines by time (then pod, then line), so merging n lines costs n log n. */
export class LineHeap {
  private readonly items: LogLine[] = [];

  get size(): number {
    return this.items.length;
  }

  peek(): LogLine | undefined {
    return this.items[0];
  }

  push(line: LogLine): void {
    const a = this.items;
    a.push(line);
    let i = a.length - 1;
    while (i > 0) {
      const up = (i - 1) >> 1;
      if (!before(a[i]!, a[up]!)) break;
      [a[i], a[up]] = [a[up]!, a[i]!];
      i = up;
    }
  }

  pop(): LogLine | undefined {
    const a = this.items;
    const top = a[0];
    const last = a.pop();
    if (a.length === 0 || !last) return top;
    a[0] = last;
    let i = 0;
    for (;;) {
      const l = 2 * i + 1;
      const r = l + 1;
      let m = i;
      if (l < a.length && before(a[l]!, a[m]!)) m = l;
      if (r < a.length && before(a[r]!, a[m]!)) m = r;
      if (m === i) return top;
      [a[i], a[m]] = [a[m]!, a[i]!];
      i = m;
    }
  }
}

/** At least this often, what was read is printed even if an unread pod could still precede it. */
export const FLUSH_EVERY_MS = 1000;

/** The first such batch, counted from the start of the reads. */
export const FIRST_FLUSH_MS = 250;

/** What {@link mergePodLogs} needs to know about each pod, in start order. */
export interface MergeSource {
  /** The node's start (ms); pods are given sorted by it. */
  startMs: number;
  /** Reads the pod's log text with timestamps; `undefined` when there is nothing to print. */
  read(): Promise<string | undefined>;
}

/**
 * Reads `sources` at most `parallel` at a time and calls `emit` with the lines in time order, each
 * batch as soon as the watermark allows. Resolves when everything is printed.
 */
export async function mergePodLogs(
  sources: MergeSource[],
  parallel: number,
  keepTimestamps: boolean,
  emit: (lines: LogLine[]) => void,
  now: () => number = () => performance.now(),
): Promise<void> {
  const heap = new LineHeap();
  const done: boolean[] = sources.map(() => false);
  let firstUnread = 0;
  let next = 0;
  let dueAt = now() + FIRST_FLUSH_MS;
  const flush = (): void => {
    while (firstUnread < sources.length && done[firstUnread]) firstUnread++;
    const due = now() >= dueAt;
    if (due) dueAt = now() + FLUSH_EVERY_MS;
    const open = firstUnread >= sources.length || due;
    const watermark = open ? Number.POSITIVE_INFINITY : sources[firstUnread]!.startMs;
    const ready: LogLine[] = [];
    for (let top = heap.peek(); top && top.ms < watermark; top = heap.peek()) ready.push(heap.pop()!);
    if (ready.length) emit(ready);
  };
  const worker = async (): Promise<void> => {
    while (next < sources.length) {
      const i = next++;
      const text = await sources[i]!.read();
      if (text) for (const line of parseLogText(text, i, sources[i]!.startMs, keepTimestamps)) heap.push(line);
      done[i] = true;
      flush();
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(parallel, sources.length)) }, worker));
  flush();
}
