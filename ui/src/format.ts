/** Durations and ages as the CLI prints them (`1m30s`, `2h5m`). */

export function durationText(ms: number): string {
  if (!Number.isFinite(ms) || ms < 0) return '';
  const s = Math.round(ms / 1000);
  if (s < 60) return `${s}s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m}m${s % 60 ? `${s % 60}s` : ''}`;
  const h = Math.floor(m / 60);
  if (h < 48) return `${h}h${m % 60 ? `${m % 60}m` : ''}`;
  return `${Math.floor(h / 24)}d`;
}

/** From `start` to `end` (or now while running). */
export function between(start?: string, end?: string, now = Date.now()): string {
  if (!start) return '';
  return durationText((end ? Date.parse(end) : now) - Date.parse(start));
}

export function ago(time?: string, now = Date.now()): string {
  return time ? `${durationText(now - Date.parse(time))} ago` : '';
}
