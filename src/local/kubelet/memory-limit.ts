/**
 * Memory limits on the local node. A real kubelet puts a container in a cgroup and the kernel kills it
 * when it goes over `resources.limits.memory` (terminated, reason OOMKilled, exit code 137). Host
 * processes have no such cgroup here, so the process runtime polls the resident memory of the
 * container's process tree and kills the group the same way when the sum goes over the limit. Polling
 * sees a fast-growing process a little late (it may briefly exceed the limit); Linux only (no /proc,
 * no enforcement).
 */
import { readFileSync } from 'node:fs';
import type { KubeObject } from '../apiserver/resources.ts';
import { parseQuantity } from '../../engine/quantity.ts';

/** How often a limited container's memory is looked at. */
export const MEMORY_POLL_MS = 100;
const PAGE_BYTES = 4096;

/** The container's memory limit in bytes, or undefined when it has none (or it cannot be read). */
export function memoryLimitBytes(container: KubeObject): number | undefined {
  const q = parseQuantity(container.resources?.limits?.memory);
  if (!q || q.mantissa <= 0n) return undefined;
  const bytes = Number(q.mantissa) * 10 ** q.exp10 * 1024 ** q.exp1024;
  return Number.isFinite(bytes) && bytes > 0 ? Math.ceil(bytes) : undefined;
}

function read(path: string): string | undefined {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return undefined;
  }
}

/** Resident bytes of `pid` and every process below it (children of each of its threads). */
export function treeRss(pid: number, seen = new Set<number>()): number {
  if (seen.has(pid)) return 0;
  seen.add(pid);
  const statm = read(`/proc/${pid}/statm`);
  if (statm === undefined) return 0;
  let total = Number(statm.split(' ')[1] ?? 0) * PAGE_BYTES;
  // A thread's children file lists the processes it forked; the main thread's id is the pid.
  const children = read(`/proc/${pid}/task/${pid}/children`) ?? '';
  for (const child of children.split(' ').filter(Boolean)) total += treeRss(Number(child), seen);
  return total;
}

/**
 * Calls `onExceeded` once when the tree of `pid` holds more than `limit` bytes; returns the function
 * that stops watching (call it when the container exits).
 */
export function watchMemory(pid: number, limit: number, onExceeded: () => void): () => void {
  const timer = setInterval(() => {
    if (treeRss(pid) <= limit) return;
    clearInterval(timer);
    onExceeded();
  }, MEMORY_POLL_MS);
  timer.unref();
  return () => clearInterval(timer);
}
