/**
 * The `workflow.creationTimestamp.*` variables Argo's setGlobalParameters derives from the workflow's
 * creation time: `.RFC3339`, `.s` (Unix seconds) and one per strftime character Argo's util/strftime
 * supports (`.Y`, `.m`, `.d`, …), formatted in UTC as the API server stores the timestamp.
 */
import { DAYS, MONTHS } from './expr/go-time-value.ts';

const pad = (n: number, width = 2): string => String(n).padStart(width, '0');

/** Argo's strftime characters and the Go layout each stands for, rendered for a UTC time. */
const FORMAT_CHARS: Record<string, (t: Date) => string> = {
  B: (t) => MONTHS[t.getUTCMonth()] ?? '',
  b: (t) => (MONTHS[t.getUTCMonth()] ?? '').slice(0, 3),
  m: (t) => pad(t.getUTCMonth() + 1),
  A: (t) => DAYS[t.getUTCDay()] ?? '',
  a: (t) => (DAYS[t.getUTCDay()] ?? '').slice(0, 3),
  d: (t) => pad(t.getUTCDate()),
  H: (t) => pad(t.getUTCHours()),
  I: (t) => pad(t.getUTCHours() % 12 || 12),
  M: (t) => pad(t.getUTCMinutes()),
  S: (t) => pad(t.getUTCSeconds()),
  Y: (t) => String(t.getUTCFullYear()),
  y: (t) => pad(t.getUTCFullYear() % 100),
  p: (t) => (t.getUTCHours() < 12 ? 'AM' : 'PM'),
  Z: () => 'UTC',
  z: () => '+0000',
  L: (t) => `.${pad(t.getUTCMilliseconds(), 3)}`,
};

/** `workflow.creationTimestamp.*` for a creation timestamp (RFC 3339); none when it does not parse. */
export function creationTimeVariables(creationTimestamp: string): Record<string, string> {
  const ms = Date.parse(creationTimestamp);
  if (Number.isNaN(ms)) return {};
  const t = new Date(ms);
  const prefix = 'workflow.creationTimestamp';
  const out: Record<string, string> = {
    [`${prefix}.RFC3339`]: t.toISOString().replace(/\.\d{3}Z$/, 'Z'),
    [`${prefix}.s`]: String(Math.floor(ms / 1000)),
  };
  for (const [c, format] of Object.entries(FORMAT_CHARS)) out[`${prefix}.${c}`] = format(t);
  return out;
}
