/**
 * Go's `time.Time` and `*time.Location` as expr-lang exposes them (`now()`, `date(...)`,
 * `timezone(...)`, `cronworkflow.lastScheduledTime`): an instant in epoch milliseconds (the engine's
 * clock has no finer grain) shown in a zone (UTC, a fixed offset, or an IANA name through Intl).
 */
import { ExprPanic } from './errors.ts';

/** Go's month and weekday names (time.Month, time.Weekday), shared by every Go-layout formatter. */
export const MONTHS = [
  'January',
  'February',
  'March',
  'April',
  'May',
  'June',
  'July',
  'August',
  'September',
  'October',
  'November',
  'December',
];
export const DAYS = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];

/** A Go *time.Location: `UTC`, an IANA name, or a fixed offset (minutes east of UTC). */
export class GoLocation {
  constructor(
    readonly name: string,
    readonly fixedOffsetMin?: number,
  ) {}
}

export const UTC = new GoLocation('UTC', 0);

/** A Go time.Time. */
export class GoTime {
  constructor(
    readonly ms: number,
    readonly loc: GoLocation = UTC,
  ) {}
  /** Go's JSON of a Time is RFC 3339 with nanoseconds. */
  toJSON(): string {
    return formatRfc3339Nano(this);
  }
}

/** Go's `time.LoadLocation` (the engine knows no "Local": it is UTC, as the controller runs). */
export function loadLocation(name: string): GoLocation {
  if (name === '' || name === 'UTC' || name === 'Local') return UTC;
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: name });
  } catch {
    throw new ExprPanic(`unknown time zone ${name}`);
  }
  return new GoLocation(name);
}

const offsetFormatters = new Map<string, Intl.DateTimeFormat>();

/** Minutes east of UTC of `loc` at instant `ms`. */
export function offsetAt(loc: GoLocation, ms: number): number {
  if (loc.fixedOffsetMin !== undefined) return loc.fixedOffsetMin;
  let f = offsetFormatters.get(loc.name);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone: loc.name,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
    offsetFormatters.set(loc.name, f);
  }
  const p = Object.fromEntries(f.formatToParts(new Date(ms)).map((x) => [x.type, Number(x.value)]));
  const asUtc = Date.UTC(p.year ?? 0, (p.month ?? 1) - 1, p.day ?? 1, (p.hour ?? 0) % 24, p.minute ?? 0, p.second ?? 0);
  return Math.round((asUtc - (ms - (((ms % 1000) + 1000) % 1000))) / 60000);
}

/** The wall clock of `t` in its zone, as a UTC Date (read it with getUTC*). */
export function wallClock(t: GoTime): Date {
  return new Date(t.ms + offsetAt(t.loc, t.ms) * 60000);
}

/**
 * The zone abbreviation Go prints for `MST` and in String(): `UTC`, the tz database's letters where
 * Intl knows them (`CEST`, `EDT`), else the numeric form the tz database itself uses (`+04`).
 */
export function zoneAbbreviation(t: GoTime): string {
  if (t.loc === UTC || t.loc.name === 'UTC') return 'UTC';
  if (t.loc.fixedOffsetMin === undefined) {
    for (const locale of ['en-US', 'en-GB']) {
      const part = new Intl.DateTimeFormat(locale, { timeZone: t.loc.name, timeZoneName: 'short' })
        .formatToParts(new Date(t.ms))
        .find((p) => p.type === 'timeZoneName')?.value;
      if (part && /^[A-Z]{3,5}$/.test(part)) return part;
    }
  } else if (t.loc.name !== '') return t.loc.name;
  const off = offsetAt(t.loc, t.ms);
  const a = Math.abs(off);
  const hh = `${off < 0 ? '-' : '+'}${String(Math.floor(a / 60)).padStart(2, '0')}`;
  if (t.loc.fixedOffsetMin !== undefined) return `${hh}${String(a % 60).padStart(2, '0')}`;
  return a % 60 === 0 ? hh : `${hh}${String(a % 60).padStart(2, '0')}`;
}

/** `+01:00`-style offset (with `sep`), or `Z` when `z` and the offset is zero. */
export function offsetText(t: GoTime, sep: string, z: boolean): string {
  const off = offsetAt(t.loc, t.ms);
  if (off === 0 && z) return 'Z';
  const a = Math.abs(off);
  return `${off < 0 ? '-' : '+'}${String(Math.floor(a / 60)).padStart(2, '0')}${sep}${String(a % 60).padStart(2, '0')}`;
}

/** RFC 3339 with the fraction Go's RFC3339Nano keeps (trailing zeros dropped). */
export function formatRfc3339Nano(t: GoTime): string {
  const w = wallClock(t);
  const frac = t.ms % 1000 === 0 ? '' : `.${String(((t.ms % 1000) + 1000) % 1000).padStart(3, '0')}`.replace(/0+$/, '');
  const date = w.toISOString().slice(0, 19);
  return `${date}${frac}${offsetText(t, ':', true)}`;
}

/** Go's `Time.String()`: `2006-01-02 15:04:05.999999999 -0700 MST`. */
export function goTimeString(t: GoTime): string {
  const w = wallClock(t);
  const frac = t.ms % 1000 === 0 ? '' : `.${String(((t.ms % 1000) + 1000) % 1000).padStart(3, '0')}`.replace(/0+$/, '');
  const date = w.toISOString().slice(0, 19).replace('T', ' ');
  return `${date}${frac} ${offsetText(t, '', false)} ${zoneAbbreviation(t)}`;
}
