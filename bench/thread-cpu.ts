/**
 * CPU time per thread of this process (Linux /proc/self/task; empty elsewhere), so the throughput bench
 * can say which event loop is the ceiling: the main thread (API servers, kubelets, SQS emulator,
 * watcher, the bench's own client) or the functions thread, beside V8's and libuv's helper threads.
 */
import { readdirSync, readFileSync } from 'node:fs';

/** CPU ms (user+system) per thread id. */
export function threadCpuMs(): Map<number, number> {
  const out = new Map<number, number>();
  let tids: string[];
  try {
    tids = readdirSync('/proc/self/task');
  } catch {
    return out;
  }
  const tick = 10; // USER_HZ is 100 on Linux: one clock tick = 10 ms
  for (const tid of tids) {
    try {
      const stat = readFileSync(`/proc/self/task/${tid}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      out.set(Number(tid), (Number(fields[11]) + Number(fields[12])) * tick);
    } catch {
      // the thread ended between the listing and the read
    }
  }
  return out;
}

export interface ThreadSplit {
  /** The main thread's CPU ms per workflow. */
  main: number;
  /** The busiest other thread's (the functions thread when there is one). */
  busiestOther: number;
  /** Every other thread together (GC helpers, libuv pool). */
  helpers: number;
}

/** The CPU of `before` → `after` split by thread, per workflow (ms). */
export function threadSplit(before: Map<number, number>, after: Map<number, number>, workflows: number): ThreadSplit {
  const deltas = [...after].map(([tid, ms]) => [tid, ms - (before.get(tid) ?? 0)] as const);
  const main = deltas.find(([tid]) => tid === process.pid)?.[1] ?? 0;
  const others = deltas.filter(([tid]) => tid !== process.pid).map(([, ms]) => ms);
  const busiest = others.length ? Math.max(...others) : 0;
  const rest = others.reduce((a, b) => a + b, 0) - busiest;
  const per = (ms: number) => Math.round((ms / workflows) * 100) / 100;
  return { main: per(main), busiestOther: per(busiest), helpers: per(rest) };
}
