/**
 * Artifact archives as Argo's executor writes them (Argo's executor):
 * gzip over tar with one top-level entry named after the path's basename. The host's `tar` does the work.
 */
import { execFile } from 'node:child_process';
import { basename, dirname } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** Writes `dest` as a tar.gz of `src` (file or directory) with the single entry `basename(src)`. */
export async function tarGz(src: string, dest: string): Promise<void> {
  await run('tar', ['-czf', dest, '-C', dirname(src), basename(src)]);
}

/** Extracts a tar.gz into `dir`. */
export async function untarGz(file: string, dir: string): Promise<void> {
  await run('tar', ['-xzf', file, '-C', dir]);
}
