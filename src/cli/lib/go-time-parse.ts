/**
 * Go's `time.Parse(layout, value)` for the layouts `argo cron backfill --format` takes (default
 * RFC 1123, `Mon, 02 Jan 2006 15:04:05 MST`), with Go's error words. A parsed time keeps its zone as
 * Go does: a numeric offset gives a fixed zone; a zone abbreviation other than `UTC` gives a zone of
 * that name and offset 0 (Go's rule for abbreviations the local zone does not define — as argo on a
 * machine whose local zone is UTC). The weekday is read but not checked against the date, as in Go.
 */

/** A Go time: an instant, its zone's offset and the zone's name ('' for a bare offset). */
export interface GoTime {
  ms: number;
  offsetSeconds: number;
  zone: string;
}

export class GoTimeParseError extends Error {
  override name = 'GoTimeParseError';
}

const MONTHS = 'January February March April May June July August September October November December'.split(' ');
const DAYS = 'Sunday Monday Tuesday Wednesday Thursday Friday Saturday'.split(' ');
const TOKENS = [
  'January',
  'Jan',
  'Monday',
  'Mon',
  'MST',
  '2006',
  'Z07:00',
  'Z0700',
  'Z07',
  '-07:00',
  '-0700',
  '-07',
  '01',
  '02',
  '_2',
  '03',
  '04',
  '05',
  '06',
  '15',
  '1',
  '2',
  '3',
  '4',
  '5',
  'PM',
  'pm',
];

interface Fields {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
  frac: number;
  pm?: boolean;
  offset?: number;
  zone?: string;
}

type Reader = (rest: string, f: Fields) => number;

const digits =
  (n: number, set: (f: Fields, v: number) => void, optional2 = false): Reader =>
  (rest, f) => {
    const m = (optional2 ? /^\d\d?/ : new RegExp(`^\\d{${n}}`)).exec(rest);
    if (!m) return -1;
    set(f, Number(m[0]));
    return m[0].length;
  };

const word =
  (names: string[], short: boolean, set?: (f: Fields, i: number) => void): Reader =>
  (rest, f) => {
    const i = names.findIndex((n) => rest.toLowerCase().startsWith((short ? n.slice(0, 3) : n).toLowerCase()));
    if (i < 0) return -1;
    set?.(f, i);
    return short ? 3 : (names[i] as string).length;
  };

function offsetReader(colon: boolean, minutes: boolean, z: boolean): Reader {
  return (rest, f) => {
    if (z && rest.startsWith('Z')) {
      f.offset = 0;
      f.zone = 'UTC';
      return 1;
    }
    const m = (minutes ? (colon ? /^([+-])(\d\d):(\d\d)/ : /^([+-])(\d\d)(\d\d)/) : /^([+-])(\d\d)/).exec(rest);
    if (!m) return -1;
    f.offset = (m[1] === '-' ? -1 : 1) * (Number(m[2]) * 3600 + Number(m[3] ?? 0) * 60);
    return m[0].length;
  };
}

const READERS: Record<string, Reader> = {
  January: word(MONTHS, false, (f, i) => (f.month = i + 1)),
  Jan: word(MONTHS, true, (f, i) => (f.month = i + 1)),
  Monday: word(DAYS, false),
  Mon: word(DAYS, true),
  MST: (rest, f) => {
    const m = /^[A-Z]{3,5}/.exec(rest);
    if (!m) return -1;
    f.zone = m[0];
    return m[0].length;
  },
  '2006': digits(4, (f, v) => (f.year = v)),
  '06': digits(2, (f, v) => (f.year = v >= 69 ? 1900 + v : 2000 + v)),
  'Z07:00': offsetReader(true, true, true),
  Z0700: offsetReader(false, true, true),
  Z07: offsetReader(false, false, true),
  '-07:00': offsetReader(true, true, false),
  '-0700': offsetReader(false, true, false),
  '-07': offsetReader(false, false, false),
  '01': digits(2, (f, v) => (f.month = v)),
  '1': digits(2, (f, v) => (f.month = v), true),
  '02': digits(2, (f, v) => (f.day = v)),
  '2': digits(2, (f, v) => (f.day = v), true),
  _2: (rest, f) => {
    const pad = rest.startsWith(' ') ? 1 : 0;
    const used = digits(2, (g, v) => (g.day = v), true)(rest.slice(pad), f);
    return used < 0 ? used : used + pad;
  },
  '15': digits(2, (f, v) => (f.hour = v), true),
  '03': digits(2, (f, v) => (f.hour = v)),
  '3': digits(2, (f, v) => (f.hour = v), true),
  '04': digits(2, (f, v) => (f.minute = v)),
  '4': digits(2, (f, v) => (f.minute = v), true),
  '05': digits(2, (f, v) => (f.second = v)),
  '5': digits(2, (f, v) => (f.second = v), true),
  PM: (rest, f) => (/^(AM|PM)/.test(rest) ? ((f.pm = rest.startsWith('PM')), 2) : -1),
  pm: (rest, f) => (/^(am|pm)/.test(rest) ? ((f.pm = rest.startsWith('pm')), 2) : -1),
};

/** Seconds' fraction after a `05`/`5` (Go accepts one in the value even when the layout has none). */
function fraction(rest: string, f: Fields): number {
  const m = /^[.,](\d+)/.exec(rest);
  if (!m) return 0;
  f.frac = Number(`0.${m[1]}`);
  return m[0].length;
}

function rangeCheck(f: Fields, quoted: string): void {
  const fail = (what: string) => {
    throw new GoTimeParseError(`parsing time ${quoted}: ${what} out of range`);
  };
  if (f.month < 1 || f.month > 12) fail('month');
  const dim = new Date(Date.UTC(f.year, f.month, 0)).getUTCDate();
  if (f.day < 1 || f.day > dim) fail('day');
  if (f.hour > 23) fail('hour');
  if (f.minute > 59) fail('minute');
  if (f.second > 59) fail('second');
}

function toGoTime(f: Fields): GoTime {
  let hour = f.hour;
  if (f.pm === true && hour < 12) hour += 12;
  if (f.pm === false && hour === 12) hour = 0;
  const wall = Date.UTC(f.year, f.month - 1, f.day, hour, f.minute, f.second) + Math.round(f.frac * 1000);
  if (f.offset !== undefined)
    return { ms: wall - f.offset * 1000, offsetSeconds: f.offset, zone: f.offset === 0 ? 'UTC' : (f.zone ?? '') };
  const zone = f.zone ?? 'UTC';
  return { ms: wall, offsetSeconds: 0, zone };
}

/**
 * Go's `time.Parse`; throws {@link GoTimeParseError} with Go's message
 * (`parsing time "x" as "Mon, 02 Jan 2006 15:04:05 MST": cannot parse "x" as "Mon"`).
 */
export function parseGoTime(layout: string, value: string): GoTime {
  const f: Fields = { year: 0, month: 1, day: 1, hour: 0, minute: 0, second: 0, frac: 0 };
  const quoted = `${JSON.stringify(value)} as ${JSON.stringify(layout)}`;
  let [l, v] = [layout, value];
  while (l.length > 0) {
    const token = TOKENS.find((t) => l.startsWith(t));
    if (!token) {
      if (v[0] !== l[0])
        throw new GoTimeParseError(
          `parsing time ${quoted}: cannot parse ${JSON.stringify(v)} as ${JSON.stringify(literalPrefix(l))}`,
        );
      [l, v] = [l.slice(1), v.slice(1)];
      continue;
    }
    const used = (READERS[token] as Reader)(v, f);
    if (used < 0)
      throw new GoTimeParseError(
        `parsing time ${quoted}: cannot parse ${JSON.stringify(v)} as ${JSON.stringify(token)}`,
      );
    v = v.slice(used);
    l = l.slice(token.length);
    if (token === '05' || token === '5') v = v.slice(fraction(v, f));
  }
  if (v.length > 0) throw new GoTimeParseError(`parsing time ${quoted}: extra text: ${JSON.stringify(v)}`);
  rangeCheck(f, JSON.stringify(value));
  return toGoTime(f);
}

/** The layout's text up to its next token (what Go names when a literal does not match). */
function literalPrefix(layout: string): string {
  let i = 0;
  while (i < layout.length && !TOKENS.some((t) => layout.startsWith(t, i))) i++;
  return layout.slice(0, i);
}

const pad = (n: number, w = 2) => String(n).padStart(w, '0');

/** Go's `Time.String()`: `2006-01-02 15:04:05.999999999 -0700 MST` (the offset again when the zone has no name). */
export function goTimeString(t: GoTime): string {
  const d = new Date(t.ms + t.offsetSeconds * 1000);
  const abs = Math.abs(t.offsetSeconds);
  const offset = `${t.offsetSeconds < 0 ? '-' : '+'}${pad(Math.floor(abs / 3600))}${pad(Math.floor(abs / 60) % 60)}`;
  const ms = d.getUTCMilliseconds();
  const frac = ms ? `.${pad(ms, 3).replace(/0+$/, '')}` : '';
  const date = `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())}`;
  const time = `${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}${frac}`;
  return `${date} ${time} ${offset} ${t.zone || offset}`;
}

/** Go's `time.Now().Format(time.RFC1123)` on a UTC machine. */
export function rfc1123(ms: number): string {
  const d = new Date(ms);
  const day = (DAYS[d.getUTCDay()] as string).slice(0, 3);
  const month = (MONTHS[d.getUTCMonth()] as string).slice(0, 3);
  return `${day}, ${pad(d.getUTCDate())} ${month} ${d.getUTCFullYear()} ${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())} UTC`;
}
