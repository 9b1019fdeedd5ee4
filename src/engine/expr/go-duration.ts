/**
 * Go's `time.Duration` as expr-lang exposes it (`duration("1h30m")`, `now() - t`): nanoseconds (a JS
 * number, exact up to about 104 days), Go's ParseDuration and String, and the methods Argo's
 * expressions call (`Seconds()`, `Minutes()`, `Hours()`, ...).
 */
import { ExprPanic } from './errors.ts';

/** A Go time.Duration (nanoseconds). */
export class GoDuration {
  constructor(readonly ns: number) {}
  /** Go's JSON of a Duration is its int64 nanoseconds. */
  toJSON(): number {
    return this.ns;
  }
}

const UNITS: Record<string, number> = {
  ns: 1,
  us: 1e3,
  µs: 1e3,
  μs: 1e3,
  ms: 1e6,
  s: 1e9,
  m: 60e9,
  h: 3600e9,
};

/** Go's `time.ParseDuration`, with its error messages. */
export function parseGoDuration(text: string): GoDuration {
  const quoted = JSON.stringify(text);
  let s = text;
  let sign = 1;
  if (s.startsWith('-') || s.startsWith('+')) {
    sign = s.startsWith('-') ? -1 : 1;
    s = s.slice(1);
  }
  if (s === '0') return new GoDuration(0);
  if (s === '') throw new ExprPanic(`time: invalid duration ${quoted}`);
  let total = 0;
  while (s !== '') {
    const m = /^(\d*)(?:\.(\d*))?/.exec(s) as RegExpExecArray;
    if ((m[1] ?? '') === '' && (m[2] ?? '') === '') throw new ExprPanic(`time: invalid duration ${quoted}`);
    s = s.slice(m[0].length);
    const unit = /^[^\d.]+/.exec(s)?.[0];
    if (unit === undefined) throw new ExprPanic(`time: missing unit in duration ${quoted}`);
    const scale = UNITS[unit];
    if (scale === undefined) throw new ExprPanic(`time: unknown unit ${JSON.stringify(unit)} in duration ${quoted}`);
    s = s.slice(unit.length);
    total += Number(`${m[1] || '0'}.${m[2] || '0'}`) * scale;
  }
  return new GoDuration(sign * Math.round(total));
}

/** Go's `Duration.String()`: `1h0m0s`, `1m30s`, `1.5s`, `500ms`, `0s`. */
export function formatGoDuration(ns: number): string {
  if (ns === 0) return '0s';
  const sign = ns < 0 ? '-' : '';
  const u = Math.abs(ns);
  if (u < 1e9) {
    if (u < 1e3) return `${sign}${u}ns`;
    if (u < 1e6) return `${sign}${trimFraction(u / 1e3)}µs`;
    return `${sign}${trimFraction(u / 1e6)}ms`;
  }
  const h = Math.floor(u / 3600e9);
  const m = Math.floor((u % 3600e9) / 60e9);
  const sec = trimFraction((u % 60e9) / 1e9);
  if (h > 0) return `${sign}${h}h${m}m${sec}s`;
  if (m > 0) return `${sign}${m}m${sec}s`;
  return `${sign}${sec}s`;
}

function trimFraction(x: number): string {
  return String(Number(x.toFixed(9)));
}

/** Rounds `ns` to a multiple of `m` (halfway away from zero), as Duration.Round. */
function roundTo(ns: number, m: number): number {
  if (m <= 0) return ns;
  const r = ns % m;
  if (Math.abs(r) * 2 < m) return ns - r;
  return ns - r + Math.sign(ns) * m;
}

/** The methods of a Duration (a value's `.Seconds()` ...), or undefined for an unknown name. */
export function durationMethod(d: GoDuration, name: string): ((...args: unknown[]) => unknown) | undefined {
  const ns = d.ns;
  const methods: Record<string, (...args: unknown[]) => unknown> = {
    Hours: () => ns / 3600e9,
    Minutes: () => ns / 60e9,
    Seconds: () => ns / 1e9,
    Milliseconds: () => Math.trunc(ns / 1e6),
    Microseconds: () => Math.trunc(ns / 1e3),
    Nanoseconds: () => ns,
    String: () => formatGoDuration(ns),
    Abs: () => new GoDuration(Math.abs(ns)),
    Round: (m) => new GoDuration(roundTo(ns, durationArg(m))),
    Truncate: (m) => new GoDuration(durationArg(m) <= 0 ? ns : ns - (ns % durationArg(m))),
  };
  return methods[name];
}

/** A Duration argument (Go would refuse anything else at compile time). */
export function durationArg(v: unknown): number {
  if (v instanceof GoDuration) return v.ns;
  if (typeof v === 'number') return v;
  throw new ExprPanic(`cannot use ${String(v)} as type time.Duration`);
}
