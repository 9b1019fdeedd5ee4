/**
 * Runs the CLI the way a user does: a child process of `bin/argosy.js` on the project's Node, with
 * a private ARGOSY_HOME and HOME so no real kubeconfig or running `argosy dev` leaks in.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { once } from 'node:events';
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

/** Runs `argosy ...args` to the end (killed after `timeoutMs`); `stdin` is piped in when given. */
export function runCli(args: string[], home: string, timeoutMs = 120_000, stdin?: string): Promise<CliResult> {
  return new Promise((done, fail) => {
    const child =
      stdin === undefined
        ? spawnCli(args, home)
        : spawn(NODE, [BIN, ...args], { cwd: ROOT, env: cliEnv(home), stdio: ['pipe', 'pipe', 'pipe'] });
    if (stdin !== undefined) child.stdin!.end(stdin);
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

/** A running `argosy dev` child for a test file; `stop` kills it and removes the scratch dir. */
export interface DevStack {
  child: ChildProcess;
  output: () => string;
  stop: () => Promise<void>;
}

/** Starts `argosy dev --clusters <clusters>` with its home in `dir` and waits for its state file. */
export async function startDev(dir: string, clusters = 'main', env: Record<string, string> = {}): Promise<DevStack> {
  const child = spawnCli(['dev', '--clusters', clusters], dir, env);
  let out = '';
  child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (out += d.toString()));
  const state = join(dir, '.argosy', 'dev.json');
  for (let i = 0; !(out.includes('Ctrl-C stops it') && existsSync(state)); i++) {
    if (i > 1200 || child.exitCode !== null) throw new Error(`argosy dev did not start:\n${out}`);
    await new Promise((r) => setTimeout(r, 100));
  }
  const stop = async (): Promise<void> => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGKILL');
      await once(child, 'close');
    }
    rmSync(dir, { recursive: true, force: true });
  };
  return { child, output: () => out, stop };
}
