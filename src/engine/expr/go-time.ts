/**
 * Go time layouts (`2006-01-02T15:04:05Z07:00`) for sprig's `date`, in UTC. Sprig formats the current
 * time when given a value that is not a time (Argo passes strings such as `workflow.creationTimestamp`);
 * "current" is the decide's `now`, never the wall clock.
 */
import { DAYS, MONTHS } from './go-time-value.ts';

const TOKENS =
  /2006|January|Jan|Monday|Mon|MST|Z07:00|-07:00|Z0700|-0700|01|02|_2|15|03|04|05|06|PM|pm|\.000|1|2|3|4|5/g;

function pad(n: number, w = 2): string {
  return String(n).padStart(w, '0');
}

/** A zone to print: minutes east of UTC and its name (`UTC` by default). */
export interface PrintZone {
  offsetMin: number;
  name: string;
}

function offsetOf(z: PrintZone, sep: string, zulu: boolean): string {
  if (z.offsetMin === 0 && zulu) return 'Z';
  const a = Math.abs(z.offsetMin);
  return `${z.offsetMin < 0 ? '-' : '+'}${pad(Math.floor(a / 60))}${sep}${pad(a % 60)}`;
}

/** Formats the wall clock `d` (read in UTC) with a Go layout, in zone `zone` (UTC by default). */
export function formatGoTime(layout: string, d: Date, zone: PrintZone = { offsetMin: 0, name: 'UTC' }): string {
  const h = d.getUTCHours();
  const parts: Record<string, string> = {
    '2006': String(d.getUTCFullYear()),
    '06': pad(d.getUTCFullYear() % 100),
    January: MONTHS[d.getUTCMonth()] as string,
    Jan: (MONTHS[d.getUTCMonth()] as string).slice(0, 3),
    Monday: DAYS[d.getUTCDay()] as string,
    Mon: (DAYS[d.getUTCDay()] as string).slice(0, 3),
    MST: zone.name || offsetOf(zone, '', false),
    'Z07:00': offsetOf(zone, ':', true),
    '-07:00': offsetOf(zone, ':', false),
    Z0700: offsetOf(zone, '', true),
    '-0700': offsetOf(zone, '', false),
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
export function sprigDate(layout: string, when: unknown, nowMs: number): string {
  let ms = nowMs;
  if (typeof when === 'number') ms = when * 1000;
  return formatGoTime(layout, new Date(ms));
}
