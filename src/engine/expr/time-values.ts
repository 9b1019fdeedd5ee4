/**
 * Time values in expressions as expr-lang has them (`vm/runtime` Add/Subtract/Less/Equal on
 * time.Time and time.Duration, the `now`, `date`, `duration`, `timezone` built-ins, and Go's methods
 * on the values: `.Hour()`, `.Sub(t)`, `.Seconds()` ...). `now()` is the clock the caller passes in
 * (the decide's `now`, the cron handler's tick): the engine never reads the wall clock.
 */
import { ExprPanic } from './errors.ts';
import { durationArg, durationMethod, formatGoDuration, GoDuration, parseGoDuration } from './go-duration.ts';
import { formatGoTime } from './go-time.ts';
import { parseDefaultDate, parseGoTime } from './go-time-parse.ts';
import {
  goTimeString,
  GoLocation,
  GoTime,
  loadLocation,
  offsetAt,
  UTC,
  wallClock,
  zoneAbbreviation,
} from './go-time-value.ts';

export { GoDuration, GoLocation, GoTime, formatGoDuration, goTimeString, UTC };

/** A time-like value (no JS number or string is one). */
export type TimeValue = GoTime | GoDuration | GoLocation;

/** True for a time.Time, time.Duration or *time.Location value. */
export function isTimeValue(v: unknown): v is TimeValue {
  return v instanceof GoTime || v instanceof GoDuration || v instanceof GoLocation;
}

/** Go's `%T` of a time value. */
export function timeTypeName(v: TimeValue): string {
  if (v instanceof GoTime) return 'time.Time';
  if (v instanceof GoDuration) return 'time.Duration';
  return '*time.Location';
}

const BUILTINS = new Set(['now', 'date', 'duration', 'timezone']);

/** True for the built-ins this module evaluates. */
export function isTimeBuiltin(name: string): boolean {
  return BUILTINS.has(name);
}

function str(name: string, v: unknown): string {
  if (typeof v === 'string') return v;
  throw new ExprPanic(`cannot use ${v === null ? 'nil' : typeof v} as argument (type string) to call ${name} `);
}

/** Calls `now`, `date`, `duration` or `timezone`; `nowMs` is the caller's clock (undefined: none here). */
export function callTimeBuiltin(name: string, args: unknown[], nowMs: number | undefined): TimeValue {
  switch (name) {
    case 'now': {
      if (nowMs === undefined)
        throw new ExprPanic('now() has no clock here: Argosy evaluates this expression without one');
      if (args.length === 0) return new GoTime(nowMs);
      if (args.length === 1 && args[0] instanceof GoLocation) return new GoTime(nowMs, args[0]);
      throw new ExprPanic(`invalid number of arguments (expected 0, got ${args.length})`);
    }
    case 'duration':
      return parseGoDuration(str('duration', args[0]));
    case 'timezone':
      return loadLocation(str('timezone', args[0]));
    default:
      return date(args);
  }
}

/** expr-lang's `date([tz,] str[, layout[, zone]])`. */
function date(args: unknown[]): GoTime {
  let loc: GoLocation | undefined;
  let rest = args;
  if (rest[0] instanceof GoLocation) {
    loc = rest[0];
    rest = rest.slice(1);
  }
  const value = str('date', rest[0]);
  if (rest.length === 2) return parseGoTime(str('date', rest[1]), value, loc ?? UTC);
  if (rest.length === 3) return parseGoTime(str('date', rest[1]), value, loadLocation(str('date', rest[2])));
  return parseDefaultDate(value, loc ?? UTC);
}

/** expr-lang's runtime Add/Subtract/Multiply on time values; undefined when neither side is one. */
export function timeArithmetic(op: string, a: unknown, b: unknown): TimeValue | undefined {
  if (!isTimeValue(a) && !isTimeValue(b)) return undefined;
  if (op === '+') {
    if (a instanceof GoTime && b instanceof GoDuration) return new GoTime(a.ms + nsToMs(b.ns), a.loc);
    if (a instanceof GoDuration && b instanceof GoTime) return new GoTime(b.ms + nsToMs(a.ns), b.loc);
    if (a instanceof GoDuration && b instanceof GoDuration) return new GoDuration(a.ns + b.ns);
  } else if (op === '-') {
    if (a instanceof GoTime && b instanceof GoTime) return new GoDuration((a.ms - b.ms) * 1e6);
    if (a instanceof GoTime && b instanceof GoDuration) return new GoTime(a.ms - nsToMs(b.ns), a.loc);
    if (a instanceof GoDuration && b instanceof GoDuration) return new GoDuration(a.ns - b.ns);
  } else if (op === '*') {
    if (a instanceof GoDuration && typeof b === 'number') return new GoDuration(a.ns * b);
    if (typeof a === 'number' && b instanceof GoDuration) return new GoDuration(a * b.ns);
  }
  throw new ExprPanic(`invalid operation: ${goTypeOf(a)} ${op} ${goTypeOf(b)}`);
}

function nsToMs(ns: number): number {
  return Math.trunc(ns / 1e6);
}

function goTypeOf(v: unknown): string {
  if (isTimeValue(v)) return timeTypeName(v);
  if (v === null || v === undefined) return '<nil>';
  if (typeof v === 'number') return 'int';
  if (typeof v === 'string') return 'string';
  if (typeof v === 'boolean') return 'bool';
  return typeof v === 'object' && 'v' in v ? 'float64' : 'interface {}';
}

/** expr-lang's Less/More/... on two times or two durations; undefined when neither side is one. */
export function timeCompare(a: unknown, b: unknown): number | undefined {
  if (a instanceof GoTime && b instanceof GoTime) return a.ms - b.ms;
  if (a instanceof GoDuration && b instanceof GoDuration) return a.ns - b.ns;
  return undefined;
}

/** expr-lang's Equal for time values (Time.Equal: the same instant in any zone). */
export function timeEqual(a: unknown, b: unknown): boolean | undefined {
  if (a instanceof GoTime && b instanceof GoTime) return a.ms === b.ms;
  if (a instanceof GoDuration && b instanceof GoDuration) return a.ns === b.ns;
  if (a instanceof GoLocation && b instanceof GoLocation) return a.name === b.name;
  if (isTimeValue(a) || isTimeValue(b)) return false;
  return undefined;
}

/** A float64 result of a method (Seconds, Minutes, Hours). */
export interface FloatResult {
  float: number;
}

/** The method `name` of a time value, bound (`t.Hour`), or undefined when Go has none by that name. */
export function timeMethod(v: TimeValue, name: string): ((...args: unknown[]) => unknown) | undefined {
  if (v instanceof GoDuration) {
    const m = durationMethod(v, name);
    if (m && (name === 'Hours' || name === 'Minutes' || name === 'Seconds'))
      return (...a) => ({ float: m(...a) as number }) satisfies FloatResult;
    return m;
  }
  if (v instanceof GoLocation) return name === 'String' ? () => v.name || 'UTC' : undefined;
  return timeMethods(v)[name];
}

function timeArg(v: unknown): GoTime {
  if (v instanceof GoTime) return v;
  throw new ExprPanic(`cannot use ${goTypeOf(v)} as type time.Time`);
}

function timeMethods(t: GoTime): Record<string, (...args: unknown[]) => unknown> {
  const w = wallClock(t);
  return {
    Year: () => w.getUTCFullYear(),
    Month: () => w.getUTCMonth() + 1,
    Day: () => w.getUTCDate(),
    Hour: () => w.getUTCHours(),
    Minute: () => w.getUTCMinutes(),
    Second: () => w.getUTCSeconds(),
    Nanosecond: () => w.getUTCMilliseconds() * 1e6,
    Weekday: () => w.getUTCDay(),
    YearDay: () => Math.floor((w.getTime() - Date.UTC(w.getUTCFullYear(), 0, 1)) / 86400000) + 1,
    Unix: () => Math.floor(t.ms / 1000),
    UnixMilli: () => t.ms,
    UnixMicro: () => t.ms * 1000,
    UnixNano: () => t.ms * 1e6,
    Format: (layout) => formatGoTime(str('Format', layout), w, zoneOf(t)),
    String: () => goTimeString(t),
    Sub: (u) => new GoDuration((t.ms - timeArg(u).ms) * 1e6),
    Add: (d) => new GoTime(t.ms + nsToMs(durationArg(d)), t.loc),
    AddDate: (y, m, d) => addDate(t, Number(y), Number(m), Number(d)),
    After: (u) => t.ms > timeArg(u).ms,
    Before: (u) => t.ms < timeArg(u).ms,
    Equal: (u) => t.ms === timeArg(u).ms,
    Compare: (u) => Math.sign(t.ms - timeArg(u).ms),
    IsZero: () => t.ms === ZERO_MS,
    UTC: () => new GoTime(t.ms, UTC),
    Local: () => new GoTime(t.ms, UTC),
    In: (loc) => new GoTime(t.ms, loc instanceof GoLocation ? loc : UTC),
    Location: () => t.loc,
    Truncate: (d) => truncate(t, durationArg(d)),
  };
}

/** Go's zero Time (January 1, year 1, 00:00:00 UTC) in epoch ms. */
const ZERO_MS = (() => {
  const d = new Date(0);
  d.setUTCFullYear(1, 0, 1);
  return d.getTime();
})();

function zoneOf(t: GoTime): { offsetMin: number; name: string } {
  return { offsetMin: offsetAt(t.loc, t.ms), name: zoneAbbreviation(t) };
}

function addDate(t: GoTime, y: number, m: number, d: number): GoTime {
  const w = wallClock(t);
  w.setUTCFullYear(w.getUTCFullYear() + y, w.getUTCMonth() + m, w.getUTCDate() + d);
  return new GoTime(w.getTime() - offsetAt(t.loc, t.ms) * 60000, t.loc);
}

/** Go's Time.Truncate: rounds down to a multiple of `ns` since the zero time. */
function truncate(t: GoTime, ns: number): GoTime {
  if (ns <= 0) return t;
  const ms = ns / 1e6;
  const since = t.ms - ZERO_MS;
  return new GoTime(ZERO_MS + since - (((since % ms) + ms) % ms), t.loc);
}
