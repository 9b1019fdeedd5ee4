/**
 * `argo logs` flags as a pod-log query (`-c`, `--since`, `--since-time`, `--tail`, `--timestamps`,
 * `-p`) and a line filter (`--grep`, a regular expression as argo compiles it), plus argo's colour per
 * pod (the sum of the name's code points picks one of six colours).
 */
import { parseGoDuration } from '../../engine/retry/durations.ts';
import { usageError } from '../lib/errors.ts';

export interface LogFlags {
  container: string;
  since?: string;
  sinceTime?: string;
  tail?: string;
  grep?: string;
  timestamps?: boolean;
  previous?: boolean;
}

/** What one pod-log request asks for, and how lines are filtered and coloured. */
export interface LogRequest {
  query: Record<string, string | number | boolean | undefined>;
  grep?: RegExp;
  color: boolean;
}

function sinceSeconds(flags: LogFlags, now: Date): number | undefined {
  if (flags.since && flags.sinceTime) throw usageError('only one of --since and --since-time may be used');
  if (flags.since) {
    try {
      return Math.max(1, Math.ceil(parseGoDuration(flags.since) / 1000));
    } catch {
      throw usageError(`--since ${flags.since}: expected a duration such as 5s, 2m or 3h`);
    }
  }
  if (!flags.sinceTime) return undefined;
  const t = Date.parse(flags.sinceTime);
  if (Number.isNaN(t)) throw usageError(`--since-time ${flags.sinceTime}: expected an RFC3339 time`);
  // Sent as sinceSeconds, which every API server (and the embedded one) understands.
  return Math.max(1, Math.ceil((now.getTime() - t) / 1000));
}

/** Checks the flags (exit 2 on bad input) and builds the request. */
export function logRequest(flags: LogFlags, color: boolean, now = new Date()): LogRequest {
  const tail = flags.tail === undefined || flags.tail === '-1' ? undefined : Number(flags.tail);
  if (tail !== undefined && !(Number.isInteger(tail) && tail >= 0))
    throw usageError(`--tail ${flags.tail}: expected a number`);
  let grep: RegExp | undefined;
  try {
    grep = flags.grep ? new RegExp(flags.grep) : undefined;
  } catch (e) {
    throw usageError(`failed to compile "${flags.grep}": ${(e as Error).message}`);
  }
  const query = {
    container: flags.container,
    tailLines: tail,
    sinceSeconds: sinceSeconds(flags, now),
    timestamps: flags.timestamps || undefined,
    previous: flags.previous || undefined,
  };
  return { query, grep, color };
}

const COLOURS = [32, 33, 34, 35, 36, 37];

/** `pod: line` for each kept line of `text`, coloured per pod as argo does on a terminal. */
export function formatLogLines(pod: string, text: string, req: LogRequest): string {
  const code = COLOURS[[...pod].reduce((sum, c) => sum + c.codePointAt(0)!, 0) % COLOURS.length];
  return text
    .split('\n')
    .filter((l, i, all) => l !== '' || i < all.length - 1)
    .filter((l) => !req.grep || req.grep.test(l))
    .map((l) => (req.color ? `\x1b[${code}m${pod}: ${l}\x1b[0m\n` : `${pod}: ${l}\n`))
    .join('');
}
