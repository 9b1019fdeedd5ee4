/**
 * Cron schedules as Argo reads them (robfig/cron v3 `ParseStandard`): five fields (minute hour
 * day-of-month month day-of-week) with `*`, `?`, lists, ranges, steps and month/day names, the
 * descriptors `@yearly @annually @monthly @weekly @daily @midnight @hourly` and `@every <duration>`,
 * and a `CRON_TZ=<zone>` / `TZ=<zone>` prefix (Argo adds `CRON_TZ=<spec.timezone>`). Day-of-month and
 * day-of-week combine as robfig does: both must match when either is `*`/`?`, else either may.
 * Pure: `next` finds the first matching minute after a given instant, in the schedule's zone.
 */

/** A parsed schedule. */
export interface CronSchedule {
  source: string;
  zone?: string;
  /** `@every`: a fixed period in seconds instead of fields. */
  everySeconds?: number;
  minutes: Set<number>;
  hours: Set<number>;
  dom: Set<number>;
  months: Set<number>;
  dow: Set<number>;
  domStar: boolean;
  dowStar: boolean;
}

/** A schedule that cannot be parsed (Argo's `failed to parse schedule`). */
export class CronParseError extends Error {
  override name = 'CronParseError';
}

const MONTHS = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'];
const DAYS = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'];
const DESCRIPTORS: Record<string, string> = {
  '@yearly': '0 0 1 1 *',
  '@annually': '0 0 1 1 *',
  '@monthly': '0 0 1 * *',
  '@weekly': '0 0 * * 0',
  '@daily': '0 0 * * *',
  '@midnight': '0 0 * * *',
  '@hourly': '0 * * * *',
};

interface Bounds {
  min: number;
  max: number;
  names?: string[];
  /** Names count from this value (months from 1). */
  nameBase?: number;
}

function value(text: string, b: Bounds, spec: string): number {
  const named = b.names?.indexOf(text.toLowerCase()) ?? -1;
  if (named >= 0) return named + (b.nameBase ?? 0);
  if (!/^\d+$/.test(text)) throw new CronParseError(`failed to parse int from ${text}: in ${spec}`);
  return Number(text);
}

/** One field (`1,5-10/2,*`) into its values; `star` when it is `*` or `?` (possibly with a step). */
function field(text: string, b: Bounds, spec: string): { values: Set<number>; star: boolean } {
  const values = new Set<number>();
  let star = false;
  for (const part of text.split(',')) {
    const [range = '', stepText] = part.split('/');
    let lo: number;
    let hi: number;
    if (range === '*' || range === '?') {
      [lo, hi] = [b.min, b.max];
      star = stepText === undefined;
    } else {
      const [a = '', z] = range.split('-');
      lo = value(a, b, spec);
      hi = z === undefined ? (stepText === undefined ? lo : b.max) : value(z, b, spec);
    }
    const step = stepText === undefined ? 1 : value(stepText, { min: 1, max: 1e9 }, spec);
    if (lo < b.min || hi > b.max || lo > hi || step < 1)
      throw new CronParseError(`beyond end of range (${b.min}-${b.max}) or invalid step: ${part} in ${spec}`);
    for (let v = lo; v <= hi; v += step) values.add(v);
  }
  return { values, star };
}

/** Go's `time.ParseDuration` for `@every` (h, m, s units). */
function everySeconds(text: string, spec: string): number {
  let total = 0;
  let rest = text.trim();
  if (!rest) throw new CronParseError(`failed to parse duration ${text}: in ${spec}`);
  while (rest) {
    const m = /^(\d+(?:\.\d+)?)(h|m|s)/.exec(rest);
    if (!m) throw new CronParseError(`failed to parse duration ${text}: in ${spec}`);
    total += Number(m[1]) * (m[2] === 'h' ? 3600 : m[2] === 'm' ? 60 : 1);
    rest = rest.slice(m[0].length);
  }
  return Math.max(1, Math.round(total));
}

/** Parses a schedule; throws {@link CronParseError}. */
export function parseSchedule(spec: string): CronSchedule {
  let text = spec.trim();
  let zone: string | undefined;
  const tz = /^(?:CRON_TZ|TZ)=(\S+)\s+/.exec(text);
  if (tz) {
    zone = tz[1];
    text = text.slice(tz[0].length);
    if (!isZone(zone as string)) throw new CronParseError(`provided bad location ${zone}: unknown time zone ${zone}`);
  }
  const base = { source: spec, ...(zone ? { zone } : {}) };
  if (text.startsWith('@every ')) {
    const none = new Set<number>();
    return {
      ...base,
      everySeconds: everySeconds(text.slice(7), spec),
      minutes: none,
      hours: none,
      dom: none,
      months: none,
      dow: none,
      domStar: true,
      dowStar: true,
    };
  }
  const expanded = DESCRIPTORS[text] ?? text;
  const fields = expanded.split(/\s+/);
  if (fields.length !== 5) throw new CronParseError(`expected exactly 5 fields, found ${fields.length}: ${spec}`);
  const [mi = '', h = '', dm = '', mo = '', dw = ''] = fields;
  const dom = field(dm, { min: 1, max: 31 }, spec);
  const dow = field(dw, { min: 0, max: 6, names: DAYS }, spec);
  return {
    ...base,
    minutes: field(mi, { min: 0, max: 59 }, spec).values,
    hours: field(h, { min: 0, max: 23 }, spec).values,
    dom: dom.values,
    months: field(mo, { min: 1, max: 12, names: MONTHS, nameBase: 1 }, spec).values,
    dow: dow.values,
    domStar: dom.star,
    dowStar: dow.star,
  };
}

/** True when `zone` is an IANA time zone this runtime knows. */
export function isZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

interface LocalTime {
  month: number;
  day: number;
  weekday: number;
  hour: number;
  minute: number;
}

const formatters = new Map<string, Intl.DateTimeFormat>();

function localTime(ms: number, zone: string | undefined): LocalTime {
  const d = new Date(ms);
  if (!zone || zone === 'UTC') {
    return {
      month: d.getUTCMonth() + 1,
      day: d.getUTCDate(),
      weekday: d.getUTCDay(),
      hour: d.getUTCHours(),
      minute: d.getUTCMinutes(),
    };
  }
  let f = formatters.get(zone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone: zone,
      hourCycle: 'h23',
      month: 'numeric',
      day: 'numeric',
      weekday: 'short',
      hour: 'numeric',
      minute: 'numeric',
    });
    formatters.set(zone, f);
  }
  const parts = Object.fromEntries(f.formatToParts(d).map((p) => [p.type, p.value]));
  return {
    month: Number(parts.month),
    day: Number(parts.day),
    weekday: DAYS.indexOf(String(parts.weekday).toLowerCase()),
    hour: Number(parts.hour) % 24,
    minute: Number(parts.minute),
  };
}

function dayMatches(s: CronSchedule, t: LocalTime): boolean {
  const domOk = s.dom.has(t.day);
  const dowOk = s.dow.has(t.weekday);
  return s.domStar || s.dowStar ? domOk && dowOk : domOk || dowOk;
}

const MINUTE = 60_000;
/** robfig gives up after five years without a match. */
const HORIZON = 5 * 366 * 24 * 60 * MINUTE;

/** The first scheduled instant strictly after `afterMs` (epoch ms), or undefined when none within five years. */
export function nextRun(s: CronSchedule, afterMs: number): number | undefined {
  if (s.everySeconds !== undefined) {
    const period = s.everySeconds * 1000;
    return Math.floor(afterMs / 1000) * 1000 + period;
  }
  let t = Math.floor(afterMs / MINUTE) * MINUTE + MINUTE;
  const end = afterMs + HORIZON;
  while (t <= end) {
    const l = localTime(t, s.zone);
    if (!s.months.has(l.month) || !dayMatches(s, l)) t += (60 - l.minute) * MINUTE;
    else if (!s.hours.has(l.hour)) t += (60 - l.minute) * MINUTE;
    else if (!s.minutes.has(l.minute)) t += MINUTE;
    else return t;
  }
  return undefined;
}

/**
 * The latest scheduled instant in `(afterMs, atMs]`, or undefined. Callers bound the window (a
 * minute schedule over a day is 1440 steps).
 */
export function lastRunBetween(s: CronSchedule, afterMs: number, atMs: number): number | undefined {
  let last: number | undefined;
  for (let t = nextRun(s, afterMs); t !== undefined && t <= atMs; t = nextRun(s, t)) last = t;
  return last;
}
