/**
 * `npm ci` on the README's path prints no warnings a newcomer must decode: the system Node may be older
 * than the Node 22 the project pins (node_modules/.bin/node), and packages that need Node 22 would make
 * npm print EBADENGINE warnings (.npmrc explains the arrangement). A dry run from the lockfile, offline,
 * in a scratch copy of the manifests: nothing is installed, the worktree is untouched.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';

const ROOT = resolve(import.meta.dirname, '../../..');

test('npm ci prints no engine warnings', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'argosy-npm-ci-'));
  try {
    for (const f of ['package.json', 'package-lock.json', '.npmrc']) copyFileSync(join(ROOT, f), join(dir, f));
    // The system npm, as a user runs it (npm scripts would put the pinned Node first on PATH).
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      PATH: (process.env.PATH ?? '')
        .split(':')
        .filter((p) => !p.includes('node_modules'))
        .join(':'),
    };
    for (const k of Object.keys(env)) if (k.startsWith('npm_')) delete env[k];
    const r = await promisify(execFile)(
      'npm',
      ['ci', '--dry-run', '--ignore-scripts', '--offline', '--no-audit', '--no-fund'],
      {
        cwd: dir,
        env,
        maxBuffer: 16 * 1024 * 1024,
      },
    );
    assert.doesNotMatch(r.stderr, /EBADENGINE|npm warn/i, r.stderr);
    assert.match(r.stdout, /added \d+ packages/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
