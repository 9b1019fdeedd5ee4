/**
 * Go's `time.Parse` / `ParseInLocation`, for expr-lang's `date(str[, layout[, zone]])` and for
 * `argosy cron backfill --start/--end/--format`: the layout is a Go reference time
 * (`2006-01-02T15:04:05Z07:00`); fractional seconds after the seconds are accepted even when the
 * layout has none, and the weekday is read but not checked, as Go does. Errors carry Go's words
 * (`parsing time "x" as "layout": cannot parse "x" as "Mon"`, `...: day out of range`,
 * `...: extra text: "x"`). A zone abbreviation other than UTC gives a zone of that name at offset 0
 * (Go's rule for names the local zone does not define; the controller and CLI read times as UTC).
 */
import { ExprPanic } from './errors.ts';
import { DAYS, GoLocation, GoTime, MONTHS, offsetAt, UTC, zoneAbbreviation } from './go-time-value.ts';

/** A value that does not match its layout (an ExprPanic, so expr-lang's `date()` panics with it). */
export class GoTimeParseError extends ExprPanic {
  override name = 'GoTimeParseError';
}

const TOKEN =
  /January|Jan|Monday|Mon|MST|2006|Z07:00|Z0700|Z07|-07:00|-0700|-07|01|02|_2|15|03|04|05|06|PM|pm|[.,][09]+(?!\d)|1|2|3|4|5/y;

interface Fields {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
  ms: number;
  pm?: boolean;
  offsetMin?: number;
  /** `Z` for a `Z07:00`-style token: UTC whatever the location (Go sets z = UTC). */
  zulu?: boolean;
  zoneName?: string;
}

type Reader = (value: string, f: Fields) => number;

const num =
  (min: number, max: number, set: (f: Fields, n: number) => void): Reader =>
  (value, f) => {
    const m = new RegExp(`^\\d{${min},${max}}`).exec(value);
    if (!m) return -1;
    set(f, Number(m[0]));
    return m[0].length;
  };

const name =
  (names: string[], set?: (f: Fields, i: number) => void): Reader =>
  (value, f) => {
    const i = names.findIndex((n) => value.toLowerCase().startsWith(n.toLowerCase()));
    if (i < 0) return -1;
    set?.(f, i);
    return (names[i] as string).length;
  };

function offsetReader(colon: boolean, z: boolean, minutes: boolean): Reader {
  return (value, f) => {
    if (z && value.startsWith('Z')) {
      f.offsetMin = 0;
      f.zulu = true;
      return 1;
    }
    const re = minutes ? (colon ? /^([+-])(\d\d):(\d\d)/ : /^([+-])(\d\d)(\d\d)/) : /^([+-])(\d\d)/;
    const m = re.exec(value);
    if (!m) return -1;
    f.offsetMin = (m[1] === '-' ? -1 : 1) * (Number(m[2]) * 60 + Number(m[3] ?? 0));
    return m[0].length;
  };
}

function fraction(value: string, f: Fields): number {
  const m = /^[.,](\d+)/.exec(value);
  if (!m) return -1;
  f.ms = Math.floor(Number(`0.${m[1]}`) * 1000);
  return m[0].length;
}

const READERS: Record<string, Reader> = {
  January: name(MONTHS, (f, i) => (f.month = i + 1)),
  Jan: name(
    MONTHS.map((m) => m.slice(0, 3)),
    (f, i) => (f.month = i + 1),
  ),
  Monday: name(DAYS),
  Mon: name(DAYS.map((d) => d.slice(0, 3))),
  MST: (value, f) => {
    const m = /^(UTC|GMT|[A-Z]{3,5})/.exec(value);
    if (!m) return -1;
    f.zoneName = m[0];
    return m[0].length;
  },
  '2006': num(4, 4, (f, n) => (f.year = n)),
  '06': num(2, 2, (f, n) => (f.year = n >= 69 ? 1900 + n : 2000 + n)),
  '01': num(2, 2, (f, n) => (f.month = n)),
  '1': num(1, 2, (f, n) => (f.month = n)),
  '02': num(2, 2, (f, n) => (f.day = n)),
  '2': num(1, 2, (f, n) => (f.day = n)),
  _2: (value, f) => num(1, 2, (g, n) => (g.day = n))(value.replace(/^ /, ''), f) + (value.startsWith(' ') ? 1 : 0),
  '15': num(1, 2, (f, n) => (f.hour = n)),
  '03': num(2, 2, (f, n) => (f.hour = n)),
  '3': num(1, 2, (f, n) => (f.hour = n)),
  '04': num(2, 2, (f, n) => (f.minute = n)),
  '4': num(1, 2, (f, n) => (f.minute = n)),
  '05': num(2, 2, (f, n) => (f.second = n)),
  '5': num(1, 2, (f, n) => (f.second = n)),
  PM: name(['AM', 'PM'], (f, i) => (f.pm = i === 1)),
  pm: name(['am', 'pm'], (f, i) => (f.pm = i === 1)),
  'Z07:00': offsetReader(true, true, true),
  Z0700: offsetReader(false, true, true),
  Z07: offsetReader(false, true, false),
  '-07:00': offsetReader(true, false, true),
  '-0700': offsetReader(false, false, true),
  '-07': offsetReader(false, false, false),
};

function cannotParse(value: string, layout: string, rest: string, chunk: string): GoTimeParseError {
  return new GoTimeParseError(
    `parsing time ${JSON.stringify(value)} as ${JSON.stringify(layout)}: cannot parse ${JSON.stringify(rest)} as ${JSON.stringify(chunk)}`,
  );
}

/** The field each token sets, and its range when Go checks it while parsing (Go's `rangeErrString`). */
const RANGES: Record<string, ['month' | 'hour' | 'minute' | 'second', string, number, number]> = {
  '01': ['month', 'month', 1, 12],
  '1': ['month', 'month', 1, 12],
  '15': ['hour', 'hour', 0, 23],
  '03': ['hour', 'hour', 0, 12],
  '3': ['hour', 'hour', 0, 12],
  '04': ['minute', 'minute', 0, 59],
  '4': ['minute', 'minute', 0, 59],
  '05': ['second', 'second', 0, 59],
  '5': ['second', 'second', 0, 59],
};

function outOfRange(value: string, what: string): GoTimeParseError {
  return new GoTimeParseError(`parsing time ${JSON.stringify(value)}: ${what} out of range`);
}

/** The layout's literal text from `i` up to its next token (Go's `prefix` of nextStdChunk). */
function literalAt(layout: string, i: number): string {
  let j = i;
  for (; j < layout.length; j++) {
    TOKEN.lastIndex = j;
    const tok = TOKEN.exec(layout)?.[0];
    if (tok !== undefined && (READERS[tok] || /^[.,][09]+$/.test(tok))) break;
  }
  return layout.slice(i, j);
}

/** Go's `skip`: the literal must match, a space matching any run of spaces; the rest, or undefined. */
function skipLiteral(rest: string, literal: string): { rest: string; ok: boolean } {
  let [v, p] = [rest, literal];
  while (p.length > 0) {
    if (p[0] === ' ') {
      if (v.length > 0 && v[0] !== ' ') return { rest: v, ok: false };
      [p, v] = [p.replace(/^ +/, ''), v.replace(/^ +/, '')];
      continue;
    }
    if (v[0] !== p[0]) return { rest: v, ok: false };
    [p, v] = [p.slice(1), v.slice(1)];
  }
  return { rest: v, ok: true };
}

/** Reads `value` against `layout` into fields; throws Go's parse error. */
function readFields(layout: string, value: string): Fields {
  const f: Fields = { year: 0, month: 1, day: 1, hour: 0, minute: 0, second: 0, ms: 0 };
  let rest = value;
  for (let i = 0; i < layout.length;) {
    const literal = literalAt(layout, i);
    if (literal !== '') {
      const skipped = skipLiteral(rest, literal);
      if (!skipped.ok) throw cannotParse(value, layout, skipped.rest, literal);
      rest = skipped.rest;
      i += literal.length;
      continue;
    }
    TOKEN.lastIndex = i;
    const tok = TOKEN.exec(layout)![0];
    const reader = /^[.,][09]+$/.test(tok) ? fraction : (READERS[tok] as Reader);
    const used = reader(rest, f);
    if (used < 0) throw cannotParse(value, layout, rest, tok);
    rest = rest.slice(used);
    i += tok.length;
    const range = RANGES[tok];
    if (range && (f[range[0]] < range[2] || f[range[0]] > range[3])) throw outOfRange(value, range[1]);
    // Go accepts a fraction after the seconds when the layout has none.
    if ((tok === '05' || tok === '5') && /^[.,]\d/.test(rest) && !/^[.,][09]/.test(layout.slice(i)))
      rest = rest.slice(fraction(rest, f));
  }
  if (rest !== '')
    throw new GoTimeParseError(`parsing time ${JSON.stringify(value)}: extra text: ${JSON.stringify(rest)}`);
  if (f.day < 1 || f.day > new Date(Date.UTC(f.year, f.month, 0)).getUTCDate()) throw outOfRange(value, 'day');
  return f;
}

function utcMs(f: Fields): number {
  const d = new Date(0);
  d.setUTCFullYear(f.year, f.month - 1, f.day);
  let hour = f.hour;
  if (f.pm !== undefined) hour = (hour % 12) + (f.pm ? 12 : 0);
  d.setUTCHours(hour, f.minute, f.second, f.ms);
  return d.getTime();
}

/**
 * Go's `time.ParseInLocation(layout, value, loc)` (`time.Parse` when `loc` is UTC): a numeric offset
 * that is `loc`'s at that instant (and the zone name, when given, too) gives `loc`, another offset a
 * fixed zone carrying the parsed name; a name alone gives `loc` when it is UTC, else that name at 0.
 */
export function parseGoTime(layout: string, value: string, loc: GoLocation = UTC): GoTime {
  const f = readFields(layout, value);
  const wall = utcMs(f);
  if (f.zulu) return new GoTime(wall, UTC);
  if (f.offsetMin !== undefined) {
    const ms = wall - f.offsetMin * 60000;
    const local = offsetAt(loc, ms) === f.offsetMin;
    if (local && (f.zoneName === undefined || zoneAbbreviation(new GoTime(ms, loc)) === f.zoneName))
      return new GoTime(ms, loc);
    return new GoTime(ms, new GoLocation(f.zoneName ?? '', f.offsetMin));
  }
  if (f.zoneName !== undefined && f.zoneName !== 'UTC') return new GoTime(wall, new GoLocation(f.zoneName, 0));
  if (loc === UTC || f.zoneName === 'UTC') return new GoTime(wall, UTC);
  // A wall clock in `loc`: the offset at that wall time (one correction covers DST edges).
  const guess = wall - offsetAt(loc, wall) * 60000;
  return new GoTime(wall - offsetAt(loc, guess) * 60000, loc);
}

/** expr-lang's `date(str)` without a layout: the first of its layouts that parses. */
export function parseDefaultDate(value: string, loc: GoLocation = UTC): GoTime {
  for (const layout of DEFAULT_LAYOUTS) {
    try {
      return parseGoTime(layout, value, loc);
    } catch {
      // try the next layout
    }
  }
  throw new ExprPanic(`invalid date ${value}`);
}

const DEFAULT_LAYOUTS = [
  '2006-01-02',
  '15:04:05',
  '2006-01-02 15:04:05',
  '2006-01-02T15:04:05Z07:00',
  '02 Jan 06 15:04 MST',
  'Monday, 02-Jan-06 15:04:05 MST',
  'Mon, 02 Jan 2006 15:04:05 MST',
];
