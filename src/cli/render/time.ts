/**
 * Time formatting exactly as the argo CLI prints it (Go's `time.Format`, argo's `util/humanize` and
 * dustin/go-humanize), so `argosy get` reads like `argo get`. Every function takes `now` explicitly.
 */

const DAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

const pad2 = (n: number): string => String(n).padStart(2, '0');

/**
 * Go's `Mon Jan 02 15:04:05 -0700` in a fixed UTC offset (minutes east of UTC; default: this
 * machine's local offset at that instant, like Go's `time.Local`).
 */
export function formatGoDate(t: Date, offsetMinutes?: number): string {
  const off = offsetMinutes ?? -t.getTimezoneOffset();
  const d = new Date(t.getTime() + off * 60_000);
  const sign = off < 0 ? '-' : '+';
  const abs = Math.abs(off);
  return (
    `${DAYS[d.getUTCDay()]} ${MONTHS[d.getUTCMonth()]} ${pad2(d.getUTCDate())} ` +
    `${pad2(d.getUTCHours())}:${pad2(d.getUTCMinutes())}:${pad2(d.getUTCSeconds())} ` +
    `${sign}${pad2(Math.floor(abs / 60))}${pad2(abs % 60)}`
  );
}

const SECOND = 1000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;
const WEEK = 7 * DAY;
const MONTH = 30 * DAY;
const YEAR = 12 * MONTH;

/** go-humanize `Time`: `now`, `1 second ago`, `10 minutes ago`, `2 hours from now`. */
export function relativeTime(t: Date, now: Date): string {
  let diff = now.getTime() - t.getTime();
  let label = 'ago';
  if (diff < 0) {
    diff = -diff;
    label = 'from now';
  }
  const steps: [number, string, number][] = [
    [SECOND, 'now', 0],
    [2 * SECOND, '1 second %s', 0],
    [MINUTE, '%d seconds %s', SECOND],
    [2 * MINUTE, '1 minute %s', 0],
    [HOUR, '%d minutes %s', MINUTE],
    [2 * HOUR, '1 hour %s', 0],
    [DAY, '%d hours %s', HOUR],
    [2 * DAY, '1 day %s', 0],
    [WEEK, '%d days %s', DAY],
    [2 * WEEK, '1 week %s', 0],
    [MONTH, '%d weeks %s', WEEK],
    [2 * MONTH, '1 month %s', 0],
    [YEAR, '%d months %s', MONTH],
    [18 * MONTH, '1 year %s', 0],
    [2 * YEAR, '2 years %s', 0],
  ];
  for (const [limit, fmt, unit] of steps) {
    if (diff < limit) {
      const n = unit ? Math.floor(diff / unit) : 0;
      return fmt.replace('%d', String(n)).replace('%s', label);
    }
  }
  return `${Math.floor(diff / YEAR)} years ${label}`;
}

/** argo `humanize.Timestamp`: `Mon Jan 02 15:04:05 -0700 (10 seconds ago)`. */
export function timestamp(t: Date, now: Date, offsetMinutes?: number): string {
  return `${formatGoDate(t, offsetMinutes)} (${relativeTime(t, now)})`;
}

/** argo `humanize.RelativeDurationShort`: `3s`, `2m`, `1h`, `4d` (an open end means `now`). */
export function shortDuration(start: Date, end: Date | undefined, now: Date): string {
  return shortDurationMs(Math.max(0, (end ?? now).getTime() - start.getTime()));
}

/** {@link shortDuration} of a span in milliseconds (≥ 0). */
export function shortDurationMs(ms: number): string {
  const h = Math.floor(ms / HOUR);
  if (Math.floor(h / 24) > 0) return `${Math.floor(h / 24)}d`;
  if (h > 0) return `${h}h`;
  const m = Math.floor(ms / MINUTE);
  if (m > 0) return `${m}m`;
  return `${Math.floor(ms / SECOND)}s`;
}

/** Go's `time.Duration.String()` for whole seconds: `0s`, `5s`, `1m4s`, `2h0m1s`. */
export function goDuration(seconds: number): string {
  const s = Math.max(0, Math.floor(seconds));
  if (s === 0) return '0s';
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const sec = s % 60;
  if (h > 0) return `${h}h${m}m${sec}s`;
  if (m > 0) return `${m}m${sec}s`;
  return `${sec}s`;
}

/** {@link parseTime} as epoch milliseconds, without a Date object (once per node of a large view). */
export function parseTimeMs(value: string | undefined | null): number | undefined {
  if (!value) return undefined;
  const t = Date.parse(value);
  return Number.isNaN(t) ? undefined : t;
}

/** Parses an RFC 3339 timestamp; `undefined` for absent or invalid values (Go's zero time). */
export function parseTime(value: string | undefined | null): Date | undefined {
  if (!value) return undefined;
  const d = new Date(value);
  return Number.isNaN(d.getTime()) ? undefined : d;
}
