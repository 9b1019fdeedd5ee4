/**
 * The local kubelet's record of the process groups it started, so a kubelet that starts after its
 * process was killed (kill -9 of `argosy dev`, a crash) can stop the containers the dead one left
 * running: otherwise they keep running as orphans while their pods are marked Failed/NodeRestart, and
 * a retry runs the same step a second time at the same moment.
 *
 * The record is an append-only journal (0600): `+ <pgid> <start time>` when a container starts,
 * `- <pgid>` when it ends, truncated whenever nothing is left running. The start time is the kernel's
 * (`/proc/<pid>/stat` field 22, clock ticks since boot), so a recycled process id is never taken for
 * ours. Linux only: without `/proc` nothing is recorded and nothing is reaped.
 */
import { appendFileSync, existsSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { SECRET_FILE_MODE } from '../apiserver/state-file.ts';

/** The kernel's start time of `pid` and its process group, or undefined when it is gone (or no /proc). */
export function procInfo(pid: number): { startTime: string; pgrp: number } | undefined {
  let stat: string;
  try {
    stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return undefined;
  }
  // `pid (comm) state ppid pgrp ...`: comm may hold spaces and parentheses, so split after the last ')'.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const pgrp = Number(fields[2]);
  const startTime = fields[19];
  if (!startTime || !Number.isInteger(pgrp)) return undefined;
  return { startTime, pgrp };
}

/** One process group a kubelet started. */
export interface LedgerEntry {
  pgid: number;
  startTime: string;
}

/** Appends to the journal as containers start and end. */
export class ProcessLedger {
  private readonly live = new Map<number, string>();

  constructor(readonly path: string) {}

  /** Records a container's process group (its leader `pid`) right after the spawn. */
  started(pid: number): void {
    const info = procInfo(pid);
    if (!info) return;
    // The journal names its writer, so a kubelet of another live process never reaps these.
    if (this.live.size === 0) this.append(`@ ${process.pid} ${procInfo(process.pid)?.startTime ?? ''}\n`);
    this.live.set(pid, info.startTime);
    this.append(`+ ${pid} ${info.startTime}\n`);
  }

  /** The group's leader has exited; once none is left the journal starts over. */
  exited(pid: number): void {
    if (!this.live.delete(pid)) return;
    if (this.live.size === 0) writeFileSync(this.path, '', { mode: SECRET_FILE_MODE });
    else this.append(`- ${pid}\n`);
  }

  private append(line: string): void {
    try {
      appendFileSync(this.path, line, { mode: SECRET_FILE_MODE });
    } catch {
      // The folder is gone (the stack is stopping): nothing left to protect.
    }
  }
}

/** The groups a journal says were still running, and whether the process that wrote it is alive. */
export function readLedger(path: string): { entries: LedgerEntry[]; writerAlive: boolean } {
  if (!existsSync(path)) return { entries: [], writerAlive: false };
  const live = new Map<number, string>();
  let writerAlive = false;
  for (const line of readFileSync(path, 'utf8').split('\n')) {
    const [op, pid, start] = line.split(' ');
    const n = Number(pid);
    if (!Number.isInteger(n) || n <= 1) continue;
    if (op === '@') writerAlive = n !== process.pid && procInfo(n)?.startTime === start;
    if (op === '+' && start) live.set(n, start);
    if (op === '-') live.delete(n);
  }
  return { entries: [...live].map(([pgid, startTime]) => ({ pgid, startTime })), writerAlive };
}

/** Every process on the host with its group and start time (one pass over /proc). */
function processTable(): { pid: number; pgrp: number; startTime: string }[] {
  const out: { pid: number; pgrp: number; startTime: string }[] = [];
  for (const name of readdirSync('/proc')) {
    const pid = Number(name);
    if (!Number.isInteger(pid) || pid <= 1 || pid === process.pid) continue;
    const info = procInfo(pid);
    if (info) out.push({ pid, ...info });
  }
  return out;
}

/**
 * The processes of a recorded group still running: members of group `pgid` started no earlier than its
 * leader. None when a different process now holds the leader's id (the id was recycled).
 */
export function survivors(entry: LedgerEntry, table = processTable()): number[] {
  const leader = table.find((p) => p.pid === entry.pgid);
  if (leader && leader.startTime !== entry.startTime) return [];
  return table.filter((p) => p.pgrp === entry.pgid && BigInt(p.startTime) >= BigInt(entry.startTime)).map((p) => p.pid);
}

/**
 * SIGKILLs what a dead kubelet's journal left running, removes the journal, and returns the pids killed.
 * A journal whose writer still runs (another process on the same folder) is left alone.
 */
export function reapLedger(path: string): number[] {
  const { entries, writerAlive } = readLedger(path);
  if (writerAlive) return [];
  if (entries.length === 0 || !existsSync('/proc')) {
    rmSync(path, { force: true });
    return [];
  }
  const table = processTable();
  const killed: number[] = [];
  for (const pid of entries.flatMap((e) => survivors(e, table))) {
    try {
      process.kill(pid, 'SIGKILL');
      killed.push(pid);
    } catch {
      // Gone meanwhile.
    }
  }
  rmSync(path, { force: true });
  return killed;
}
