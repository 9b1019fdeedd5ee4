/**
 * Go time layouts (`2006-01-02T15:04:05Z07:00`) for sprig's `date`, in UTC. Sprig formats the current
 * time when given a value that is not a time (Argo passes strings such as `workflow.creationTimestamp`);
 * "current" is the decide's `now`, never the wall clock.
 */
import type { Value } from './values.ts';

const MONTHS = [
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
const DAYS = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];
const TOKENS =
  /2006|January|Jan|Monday|Mon|MST|Z07:00|-07:00|Z0700|-0700|01|02|_2|15|03|04|05|06|PM|pm|\.000|1|2|3|4|5/g;

function pad(n: number, w = 2): string {
  return String(n).padStart(w, '0');
}

/** Formats `d` (UTC) with a Go layout. */
export function formatGoTime(layout: string, d: Date): string {
  const h = d.getUTCHours();
  const parts: Record<string, string> = {
    '2006': String(d.getUTCFullYear()),
    '06': pad(d.getUTCFullYear() % 100),
    January: MONTHS[d.getUTCMonth()] as string,
    Jan: (MONTHS[d.getUTCMonth()] as string).slice(0, 3),
    Monday: DAYS[d.getUTCDay()] as string,
    Mon: (DAYS[d.getUTCDay()] as string).slice(0, 3),
    MST: 'UTC',
    'Z07:00': 'Z',
    '-07:00': '+00:00',
    Z0700: 'Z',
    '-0700': '+0000',
    '01': pad(d.getUTCMonth() + 1),
    '1': String(d.getUTCMonth() + 1),
    '02': pad(d.getUTCDate()),
    '2': String(d.getUTCDate()),
    _2: String(d.getUTCDate()).padStart(2, ' '),
    '15': pad(h),
    '03': pad(h % 12 === 0 ? 12 : h % 12),
    '3': String(h % 12 === 0 ? 12 : h % 12),
    '04': pad(d.getUTCMinutes()),
    '4': String(d.getUTCMinutes()),
    '05': pad(d.getUTCSeconds()),
    '5': String(d.getUTCSeconds()),
    PM: h >= 12 ? 'PM' : 'AM',
    pm: h >= 12 ? 'pm' : 'am',
    '.000': `.${pad(d.getUTCMilliseconds(), 3)}`,
  };
  return layout.replace(TOKENS, (t) => parts[t] ?? t);
}

/** Sprig's `date(layout, when)`: ints are Unix seconds; anything else that is not a time means now. */
export function sprigDate(layout: string, when: Value, nowMs: number): string {
  let ms = nowMs;
  if (typeof when === 'number') ms = when * 1000;
  return formatGoTime(layout, new Date(ms));
}
