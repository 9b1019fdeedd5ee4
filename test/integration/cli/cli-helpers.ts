/**
 * Runs the CLI the way a user does: a child process of `bin/argosy.js` on the project's Node, with
 * a private ARGOSY_HOME and HOME so no real kubeconfig or running `argosy dev` leaks in.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

export const ROOT = resolve(import.meta.dirname, '../../..');
export const NODE = join(ROOT, 'node_modules/.bin/node');
export const BIN = join(ROOT, 'bin/argosy.js');
export const SHARED = resolve(ROOT, '../shared');

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** A scratch directory for files, ARGOSY_HOME and HOME. */
export function scratch(): string {
  return mkdtempSync(join(tmpdir(), 'argosy-cli-'));
}

/** Writes `text` to `<dir>/<name>` and returns the path. */
export function writeFile(dir: string, name: string, text: string): string {
  const p = join(dir, name);
  writeFileSync(p, text);
  return p;
}

export function cliEnv(home: string, extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, ARGOSY_HOME: join(home, '.argosy'), HOME: home, ...extra };
  delete env.KUBECONFIG;
  delete env.NO_COLOR;
  return env;
}

/** Starts `argosy ...args` without waiting. */
export function spawnCli(args: string[], home: string, extra: Record<string, string> = {}): ChildProcess {
  return spawn(NODE, [BIN, ...args], { cwd: ROOT, env: cliEnv(home, extra), stdio: ['ignore', 'pipe', 'pipe'] });
}

/** Runs `argosy ...args` to the end (killed after `timeoutMs`). */
export function runCli(args: string[], home: string, timeoutMs = 120_000): Promise<CliResult> {
  return new Promise((done, fail) => {
    const child = spawnCli(args, home);
    let stdout = '';
    let stderr = '';
    child.stdout!.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('error', fail);
    child.on('close', (code) => {
      clearTimeout(timer);
      done({ code, stdout, stderr });
    });
  });
}
