/**
 * Files of `--data-dir` hold Secrets (rest-config tokens) and identities: written only by the owner,
 * atomically. A write goes to a temp file (mode 0600) that is fsynced and renamed over the old one, the
 * previous good copy kept as `<file>.last-good`; the folder is 0700. A kill -9 at any point leaves
 * either the old or the new file, never a truncated one. Reading a corrupt file names it, moves it
 * aside (`<file>.corrupt`) and falls back to the last good copy.
 */
import {
  chmodSync,
  closeSync,
  existsSync,
  fsyncSync,
  mkdirSync,
  openSync,
  readFileSync,
  renameSync,
  writeSync,
} from 'node:fs';
import { dirname } from 'node:path';
import type { Logger } from '../../logger.ts';

/** Mode of every file the local stack writes that can hold a secret. */
export const SECRET_FILE_MODE = 0o600;
/** Mode of the folders holding them. */
export const SECRET_DIR_MODE = 0o700;

/** A state file that cannot be parsed and has no good copy to fall back to. Terminal. */
export class StateFileError extends Error {
  override name = 'StateFileError' as const;
  readonly terminal = true;
  constructor(
    message: string,
    readonly path: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** Creates `dir` (and parents) owner-only; an existing `dir` is made owner-only too. */
export function ensurePrivateDir(dir: string): void {
  mkdirSync(dir, { recursive: true, mode: SECRET_DIR_MODE });
  chmodSync(dir, SECRET_DIR_MODE);
}

function fsyncPath(path: string, flags: string): void {
  const fd = openSync(path, flags);
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

/** How {@link writePrivateFile} treats the folder and the previous copy. */
export interface PrivateWriteOptions {
  /** Keep the previous file as `<path>.last-good` (state files). Default true. */
  keepLastGood?: boolean;
  /** Make an existing folder 0700 too (a folder of ours, not one the user named). Default true. */
  privateDir?: boolean;
}

/** Writes `text` to `path` atomically (temp + fsync + rename), 0600, keeping the previous copy. */
export function writePrivateFile(path: string, text: string, opts: PrivateWriteOptions = {}): void {
  if (opts.privateDir === false) mkdirSync(dirname(path), { recursive: true, mode: SECRET_DIR_MODE });
  else ensurePrivateDir(dirname(path));
  const tmp = `${path}.tmp-${process.pid}`;
  const fd = openSync(tmp, 'w', SECRET_FILE_MODE);
  try {
    writeSync(fd, text);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  chmodSync(tmp, SECRET_FILE_MODE);
  if (opts.keepLastGood !== false && existsSync(path)) renameSync(path, `${path}.last-good`);
  renameSync(tmp, path);
  // The renames themselves survive a crash only once the folder is synced.
  fsyncPath(dirname(path), 'r');
}

function parse<T>(path: string): T {
  return JSON.parse(readFileSync(path, 'utf8')) as T;
}

/**
 * Reads a JSON state file: `undefined` when neither it nor a last good copy exists; the last good copy
 * (with a warning naming the corrupt file) when it is missing or cannot be parsed.
 */
export function readStateFile<T>(path: string, logger?: Logger): T | undefined {
  const good = `${path}.last-good`;
  if (existsSync(path)) {
    try {
      return parse<T>(path);
    } catch (cause) {
      const aside = `${path}.corrupt`;
      renameSync(path, aside);
      if (!existsSync(good))
        throw new StateFileError(
          `state file ${path} is corrupt (${(cause as Error).message}) and there is no last good copy; ` +
            `it was moved to ${aside} — remove --data-dir to start afresh`,
          path,
          { cause },
        );
      logger?.warn('state file corrupt; using the last good copy', { file: path, movedTo: aside, using: good });
    }
  }
  if (!existsSync(good)) return undefined;
  return parse<T>(good);
}
