/**
 * The bench's one table: each figure with its anchor and, where the issue sets one, its target and
 * verdict (MET / MISSED, or NOT RUN when the run left it out, e.g. the 100,000-pod run in --quick).
 * The same rows are printed and written to results.json (`table`), so the file carries every figure
 * beside its target.
 */

export type Status = 'MET' | 'MISSED' | 'NOT RUN';

export interface Verdict {
  status: Status;
  /** The target as the issue states it, e.g. `≤ 4 writes`. */
  target: string;
}

export interface Row {
  metric: string;
  value: string;
  /** A baseline or anchor to read the value against (Argo's figure, the floor). */
  anchor: string;
  verdict?: Verdict;
}

export const meets = (ok: boolean, target: string): Verdict => ({ status: ok ? 'MET' : 'MISSED', target });

export const notRun = (target: string, why: string): Verdict => ({ status: 'NOT RUN', target: `${target}; ${why}` });

/** Several targets on one row: MET only when all are; MISSED when any is. */
export function allOf(...vs: Verdict[]): Verdict {
  const status: Status = vs.some((v) => v.status === 'MISSED')
    ? 'MISSED'
    : vs.every((v) => v.status === 'MET')
      ? 'MET'
      : 'NOT RUN';
  return { status, target: vs.map((v) => `${v.target}: ${v.status}`).join('; ') };
}

export const verdictText = (v: Verdict | undefined): string => (v ? `${v.status} (${v.target})` : '');

/** The table as text lines: header, rule, one line per row, then the count of verdicts. */
export function formatTable(rows: Row[]): string[] {
  const cells = rows.map((r) => [r.metric, r.value, r.anchor, verdictText(r.verdict)]);
  const header = ['metric', 'value', 'baseline / anchor', 'target'];
  const widths = header.map((h, i) => Math.max(h.length, ...cells.map((c) => (c[i] ?? '').length)));
  const line = (c: string[]) =>
    c
      .map((x, i) => x.padEnd(widths[i] as number))
      .join(' │ ')
      .trimEnd();
  const s = summary(rows);
  return [
    line(header),
    widths.map((w) => '─'.repeat(w)).join('─┼─'),
    ...cells.map(line),
    `targets: ${s.met} met, ${s.missed} missed, ${s.notRun} not run`,
  ];
}

/** How many rows met, missed or did not run their target. */
export function summary(rows: Row[]): { met: number; missed: number; notRun: number } {
  const count = (s: Status) => rows.filter((r) => r.verdict?.status === s).length;
  return { met: count('MET'), missed: count('MISSED'), notRun: count('NOT RUN') };
}

/**
 * Every figure issue 23 asks for, by the row that carries it: `judged` rows must have a verdict
 * (their target is a bound), the others are reported beside a baseline (the network model's figures
 * beside loopback, CPU per workflow). A whole run that lacks one says so (results.json `missing`).
 */
export const ISSUE_FIGURES: { figure: string; metric: RegExp; judged: boolean }[] = [
  { figure: '`argosy get` ≤ 1 s on 10,000 nodes', metric: /^`argosy get`, /, judged: true },
  { figure: '`argosy get -o json` ≤ 1 s', metric: /^`argosy get -o json`/, judged: true },
  { figure: '`argosy list` ≤ 1 s', metric: /^`argosy list`/, judged: true },
  { figure: '`submit --watch` redraw ≤ 1 s', metric: /^`submit --watch` redraw/, judged: true },
  { figure: '`get` tree building linear', metric: /^`get` view in-process/, judged: true },
  { figure: '`logs` first output ≤ 1 s', metric: /^`argosy logs`/, judged: true },
  { figure: '100,000-node workflow completes', metric: /^100000-pod workflow/, judged: true },
  { figure: 'same-region step latency', metric: /^same-region .*step latency/, judged: true },
  { figure: 'same-region 50-step chain wall time', metric: /^same-region: 50-step chain wall/, judged: false },
  { figure: 'same-region throughput', metric: /^same-region: throughput/, judged: false },
  { figure: 'cross-region step latency', metric: /^cross-region .*step latency/, judged: false },
  { figure: 'cross-region 50-step chain wall time', metric: /^cross-region: 50-step chain wall/, judged: false },
  { figure: 'cross-region throughput', metric: /^cross-region: throughput/, judged: false },
  { figure: 'writes per one-pod workflow ≤ 4', metric: /^API writes per one-pod workflow/, judged: true },
  { figure: 'reads per one-pod workflow ≤ 5', metric: /^API reads per one-pod workflow/, judged: true },
  { figure: 'writes per chain step ≤ 3', metric: /^API writes \/ reads per step/, judged: true },
  { figure: 'throughput ≥ 150 one-pod workflows/s', metric: /^throughput, \d+ one-pod/, judged: true },
  { figure: 'CPU per workflow', metric: /^CPU per workflow/, judged: false },
  { figure: 'watcher memory bound, 10,000 workflows', metric: /^watcher heap/, judged: true },
];

/** The issue's figures a run's rows lack (absent, or without a verdict where one is due). */
export function missingFigures(rows: Row[]): string[] {
  return ISSUE_FIGURES.filter((f) => {
    const r = rows.find((x) => f.metric.test(x.metric));
    return !r || (f.judged && !r.verdict);
  }).map((f) => f.figure);
}
