/**
 * The local clusters' temporary folder (admin kubeconfig, pod directories, process journals) and the
 * clean-up of folders whose process died without removing theirs (kill -9, a crash): each folder names
 * its owner (pid and kernel start time); a later start removes the folders of owners that are gone,
 * after stopping the containers their journals say were still running.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Logger } from '../logger.ts';
import { SECRET_FILE_MODE } from './apiserver/state-file.ts';
import { procInfo, reapLedger } from './kubelet/process-ledger.ts';

const PREFIX = 'argosy-clusters-';
const OWNER_FILE = 'owner';
/** Suffix of a kubelet's process journal (one per cluster). */
export const LEDGER_SUFFIX = '.processes';

/** Creates a fresh temporary folder (0700, as mkdtemp does) recording this process as its owner. */
export function createTempRoot(): string {
  const root = mkdtempSync(join(tmpdir(), PREFIX));
  const me = procInfo(process.pid);
  if (me) writeFileSync(join(root, OWNER_FILE), `${process.pid} ${me.startTime}\n`, { mode: SECRET_FILE_MODE });
  return root;
}

/** True when the folder's owner is known to be gone (a folder without an owner file is left alone). */
function ownerGone(root: string): boolean {
  let text: string;
  try {
    text = readFileSync(join(root, OWNER_FILE), 'utf8');
  } catch {
    return false;
  }
  const [pid, start] = text.trim().split(' ');
  return procInfo(Number(pid))?.startTime !== start;
}

/**
 * Removes the temporary folders of local stacks whose process is gone, first stopping the containers
 * their kubelets recorded as running. Returns the folders removed.
 */
export function sweepDeadTempRoots(logger: Logger, dir = tmpdir()): string[] {
  const removed: string[] = [];
  let names: string[];
  try {
    names = readdirSync(dir).filter((n) => n.startsWith(PREFIX));
  } catch {
    return removed;
  }
  for (const name of names) {
    const root = join(dir, name);
    try {
      if (!ownerGone(root)) continue;
      const ledgers = readdirSync(root).filter((f) => f.endsWith(LEDGER_SUFFIX));
      const killed = ledgers.flatMap((f) => reapLedger(join(root, f)));
      if (killed.length)
        logger.warn('stopped containers a dead local stack left running', { folder: root, pids: killed });
      rmSync(root, { recursive: true, force: true });
      removed.push(root);
    } catch (e) {
      logger.debug('could not clean a dead local stack folder', { folder: root, err: e });
    }
  }
  return removed;
}
