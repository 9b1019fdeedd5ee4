/**
 * The state file of a running `argosy dev` (`<home>/dev.json`): how other `argosy` processes find
 * the local clusters (kubeconfig), the queues, and the loopback control endpoint that pauses,
 * resumes and resyncs the local poller. It holds paths and URLs only, never credentials.
 */
import { mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export interface DevState {
  pid: number;
  kubeconfigPath: string;
  mainContext: string;
  mainCluster: string;
  namespace: string;
  clusters: string[];
  sqsEndpoint: string;
  queueUrls: { work: string; dlq: string; timer: string };
  /** `http://127.0.0.1:<port>`: POST /pause, /resume, /resync; GET /state. */
  controlUrl: string;
  startedAt: string;
  /** The emulator bucket with offloaded node status (served at `sqsEndpoint`). */
  statusBucket?: string;
  /** `argosy dev --kubeconfig`: the clusters are the user's, only the controller runs locally. */
  external?: boolean;
}

export function devStatePath(home: string): string {
  return join(home, 'dev.json');
}

/** Whether a process with this pid is alive (signal 0 probes without signalling). */
export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Writes the state atomically (rename), readable only by the user. */
export function writeDevState(home: string, state: DevState): string {
  mkdirSync(home, { recursive: true, mode: 0o700 });
  const path = devStatePath(home);
  const tmp = `${path}.${process.pid}.tmp`;
  writeFileSync(tmp, JSON.stringify(state, null, 2) + '\n', { mode: 0o600 });
  renameSync(tmp, path);
  return path;
}

/** The state of a running `argosy dev`, or undefined (no file, unreadable, or its process is gone). */
export function readDevState(home: string): DevState | undefined {
  let state: DevState;
  try {
    state = JSON.parse(readFileSync(devStatePath(home), 'utf8')) as DevState;
  } catch {
    return undefined;
  }
  return typeof state.pid === 'number' && isAlive(state.pid) ? state : undefined;
}

/** Removes the state file if it is ours (a newer `argosy dev` may have replaced it). */
export function removeDevState(home: string, pid = process.pid): void {
  try {
    const state = JSON.parse(readFileSync(devStatePath(home), 'utf8')) as DevState;
    if (state.pid !== pid) return;
  } catch {
    return;
  }
  rmSync(devStatePath(home), { force: true });
}
