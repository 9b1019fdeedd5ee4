/**
 * `git` input artifacts as Argo's executor loads them (workflow/artifacts/git/git.go), with the host's
 * git: clone (depth, singleBranch/branch), then the `fetch` refspecs, then `revision` checked out after
 * fetching every branch, then submodules unless `disableSubmodules`. Credentials are read as files under
 * /argo/secret (username/password as an HTTP basic header, sshPrivateKeySecret as an ssh identity file,
 * `insecureIgnoreHostKey` skips host key checks) and passed through git's environment, never its
 * arguments or the log.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

export interface GitArtifact {
  repo: string;
  revision?: string;
  depth?: number;
  fetch?: string[];
  branch?: string;
  singleBranch?: boolean;
  usernameSecret?: { name: string; key: string };
  passwordSecret?: { name: string; key: string };
  sshPrivateKeySecret?: { name: string; key: string };
  insecureIgnoreHostKey?: boolean;
  insecureSkipTLS?: boolean;
  disableSubmodules?: boolean;
}

type At = (p: string) => string;

const secret = (ref: { name: string; key: string } | undefined, at: At) =>
  ref ? readFileSync(at(`/argo/secret/${ref.name}/${ref.key}`), 'utf8').trim() : undefined;

/** git's environment for this artifact: config entries by GIT_CONFIG_*, ssh identity; and its clean-up. */
function gitEnv(g: GitArtifact, at: At): { env: NodeJS.ProcessEnv; done: () => void } {
  const config: [string, string][] = [];
  if (g.insecureSkipTLS) config.push(['http.sslVerify', 'false']);
  const user = secret(g.usernameSecret, at);
  const password = secret(g.passwordSecret, at);
  if (user !== undefined || password !== undefined)
    config.push([
      'http.extraHeader',
      `Authorization: Basic ${Buffer.from(`${user ?? ''}:${password ?? ''}`).toString('base64')}`,
    ]);
  const env: NodeJS.ProcessEnv = { ...process.env, GIT_TERMINAL_PROMPT: '0', GIT_CONFIG_COUNT: String(config.length) };
  config.forEach(([k, v], i) => {
    env[`GIT_CONFIG_KEY_${i}`] = k;
    env[`GIT_CONFIG_VALUE_${i}`] = v;
  });
  let dir: string | undefined;
  const key = secret(g.sshPrivateKeySecret, at);
  if (key !== undefined) {
    dir = mkdtempSync(join(tmpdir(), 'argosy-git-'));
    writeFileSync(join(dir, 'id'), `${key}\n`, { mode: 0o600 });
    const hostKeys = g.insecureIgnoreHostKey ? ' -o StrictHostKeyChecking=no -o UserKnownHostsFile=/dev/null' : '';
    env.GIT_SSH_COMMAND = `ssh -i ${join(dir, 'id')} -o IdentitiesOnly=yes${hostKeys}`;
  }
  return { env, done: () => dir && rmSync(dir, { recursive: true, force: true }) };
}

async function git(args: string[], env: NodeJS.ProcessEnv, what: string): Promise<string> {
  try {
    return (await run('git', args, { env, maxBuffer: 16 << 20 })).stdout;
  } catch (e) {
    const stderr = String((e as { stderr?: string }).stderr ?? (e as Error).message).trim();
    throw new Error(`${what}: ${stderr}`);
  }
}

/** Clones and checks out the artifact at `path` (Argo's Load). */
export async function loadGit(g: GitArtifact, path: string, at: At): Promise<void> {
  if (g.singleBranch && !g.branch) throw new Error('single branch mode without a branch specified');
  const { env, done } = gitEnv(g, at);
  try {
    const depth = g.depth && g.depth > 0 ? ['--depth', String(g.depth)] : [];
    const single = g.singleBranch ? ['--single-branch', '--branch', g.branch!] : [];
    await git(['clone', ...depth, ...single, '--', g.repo, path], env, `failed to clone "${g.repo}"`);
    if (g.fetch?.length)
      await git(['-C', path, 'fetch', ...depth, 'origin', ...g.fetch], env, `failed to fetch [${g.fetch.join(' ')}]`);
    if (g.revision) {
      const spec = g.singleBranch ? `refs/heads/${g.branch}:refs/heads/${g.branch}` : 'refs/heads/*:refs/heads/*';
      await git(['-C', path, 'fetch', '--update-head-ok', 'origin', spec], env, `failed to fetch [${spec}]`);
      const hash = (
        await git(
          ['-C', path, 'rev-parse', '--verify', `${g.revision}^{commit}`],
          env,
          'failed to get resolve revision',
        )
      ).trim();
      await git(['-C', path, 'checkout', '--detach', hash], env, `failed to checkout "${hash}"`);
    }
    if (!g.disableSubmodules)
      await git(['-C', path, 'submodule', 'update', '--init', '--recursive'], env, 'failed to update submodules');
  } finally {
    done();
  }
}
