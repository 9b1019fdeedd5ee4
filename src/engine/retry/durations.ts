/**
 * Go-compatible durations for retry backoff and suspend: Argo's `ParseStringToDuration` (an integer is
 * seconds, else Go's `time.ParseDuration`), `humanize.Duration` (the `Backoff for <d>` text) and Go's
 * `time.Time.String()` (the `retry exceeded workflow deadline <t>` text).
 */

/** A duration string that does not parse. */
export class DurationError extends Error {
  override name = 'DurationError';
}

const UNIT_MS: Record<string, number> = {
  ns: 1e-6,
  us: 1e-3,
  µs: 1e-3,
  μs: 1e-3,
  ms: 1,
  s: 1000,
  m: 60_000,
  h: 3_600_000,
};

/** Go's `time.ParseDuration`, in milliseconds. Throws {@link DurationError}. */
export function parseGoDuration(text: string): number {
  const m = /^([-+]?)(.*)$/.exec(text) as RegExpExecArray;
  const sign = m[1] === '-' ? -1 : 1;
  const body = m[2] ?? '';
  if (body === '0') return 0;
  if (body === '') throw new DurationError(`time: invalid duration "${text}"`);
  let total = 0;
  // µ and μ as escapes: esbuild keeps a regex literal as written, and one non-ASCII character in a
  // bundle makes Node decode and V8 scan all of it as two-byte text (the build test checks for ASCII).
  const part = /(\d+\.?\d*|\.\d+)(ns|us|\u00b5s|\u03bcs|ms|s|m|h)/y;
  let i = 0;
  while (i < body.length) {
    part.lastIndex = i;
    const p = part.exec(body);
    if (!p) throw new DurationError(`time: invalid duration "${text}"`);
    total += Number(p[1]) * (UNIT_MS[p[2] as string] as number);
    i = part.lastIndex;
  }
  return sign * total;
}

/**
 * Argo's `wfv1.ParseStringToDuration`: a plain integer means seconds, anything else is a Go duration.
 * Numbers (YAML ints) are seconds too.
 */
export function parseArgoDuration(value: string | number): number {
  if (typeof value === 'number') return Math.trunc(value) * 1000;
  if (/^[-+]?\d+$/.test(value)) return Number(value) * 1000;
  try {
    return parseGoDuration(value);
  } catch (e) {
    throw new DurationError(`unable to parse ${value} as a duration: ${(e as Error).message}`, { cause: e });
  }
}

const SECOND = 1000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;
const WEEK = 7 * DAY;
const MONTH = 30 * DAY;
const YEAR = 12 * MONTH;

/** Argo's `relativeMagnitudes` (go-humanize `CustomRelTime`): first bound strictly above the duration. */
const MAGNITUDES: [number, string, number][] = [
  [SECOND, '0 seconds', SECOND],
  [2 * SECOND, '1 second', 1],
  [MINUTE, '%d seconds', SECOND],
  [2 * MINUTE, '1 minute', 1],
  [HOUR, '%d minutes', MINUTE],
  [2 * HOUR, '1 hour', 1],
  [DAY, '%d hours', HOUR],
  [2 * DAY, '1 day', 1],
  [WEEK, '%d days', DAY],
  [2 * WEEK, '1 week', 1],
  [MONTH, '%d weeks', WEEK],
  [2 * MONTH, '1 month', 1],
  [YEAR, '%d months', MONTH],
  [18 * MONTH, '1 year', 1],
  [2 * YEAR, '2 years', 1],
  [37 * YEAR, '%d years', YEAR],
  [Number.MAX_SAFE_INTEGER, 'a long while', 1],
];

function truncatedDuration(ms: number): string {
  const d = Math.abs(ms);
  const mag =
    MAGNITUDES.find(([bound]) => bound > d) ?? (MAGNITUDES[MAGNITUDES.length - 1] as [number, string, number]);
  return mag[1].replace('%d', String(Math.floor(d / mag[2])));
}

/**
 * Argo's `humanize.Duration`: one unit under a minute, else two (`1 minute 4 seconds`).
 * @example humanizeDuration(2000) // '2 seconds'
 */
export function humanizeDuration(ms: number): string {
  if (ms < MINUTE) return truncatedDuration(ms);
  if (ms < HOUR) return `${truncatedDuration(ms)} ${Math.trunc((ms / SECOND) % 60)} seconds`;
  if (ms < DAY) return `${truncatedDuration(ms)} ${Math.trunc((ms / MINUTE) % 60)} minutes`;
  return `${truncatedDuration(ms)} ${Math.trunc((ms / HOUR) % 24)} hours`;
}

/** Go's `time.Time.String()` for a UTC instant at second precision: `2026-01-02 15:04:05 +0000 UTC`. */
export function goTimeString(epochMs: number): string {
  const iso = new Date(epochMs).toISOString();
  const frac = iso.slice(20, 23).replace(/0+$/, '');
  return `${iso.slice(0, 10)} ${iso.slice(11, 19)}${frac ? `.${frac}` : ''} +0000 UTC`;
}
