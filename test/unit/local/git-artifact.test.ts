import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadGit } from '../../../src/local/kubelet/argoexec/git.ts';

/** A local repository served as file:// (no network): tag v1 then a later commit on main, branch dev. */
describe('git input artifacts (executor stand-in, host git)', () => {
  const root = mkdtempSync(join(tmpdir(), 'argosy-git-test-'));
  const repo = join(root, 'repo');
  const url = `file://${repo}`;
  const at = (p: string) => join(root, 'secrets', p);
  const g = (...args: string[]) =>
    execFileSync('git', ['-C', repo, ...args], {
      env: {
        ...process.env,
        GIT_AUTHOR_NAME: 't',
        GIT_AUTHOR_EMAIL: 't@x',
        GIT_COMMITTER_NAME: 't',
        GIT_COMMITTER_EMAIL: 't@x',
      },
    });
  before(() => {
    execFileSync('git', ['init', '-q', '-b', 'main', repo]);
    writeFileSync(join(repo, 'VERSION'), 'v1\n');
    g('add', '.');
    g('commit', '-qm', 'one');
    g('tag', 'v1');
    writeFileSync(join(repo, 'VERSION'), 'v2\n');
    g('commit', '-qam', 'two');
    g('checkout', '-qb', 'dev');
    writeFileSync(join(repo, 'DEV'), 'dev\n');
    g('add', '.');
    g('commit', '-qm', 'dev');
    g('checkout', '-q', 'main');
  });
  after(() => rmSync(root, { recursive: true, force: true }));

  const dest = (name: string) => join(root, 'out', name);

  test('the default branch, shallow with depth', async () => {
    await loadGit({ repo: url, depth: 1 }, dest('head'), at);
    assert.equal(readFileSync(join(dest('head'), 'VERSION'), 'utf8'), 'v2\n');
    const count = execFileSync('git', ['-C', dest('head'), 'rev-list', '--count', 'HEAD'], { encoding: 'utf8' });
    assert.equal(count.trim(), '1');
  });
  test('a revision (tag) is checked out after fetching every branch', async () => {
    await loadGit({ repo: url, revision: 'v1' }, dest('tag'), at);
    assert.equal(readFileSync(join(dest('tag'), 'VERSION'), 'utf8'), 'v1\n');
    await loadGit({ repo: url, revision: 'dev' }, dest('branch-rev'), at);
    assert.ok(existsSync(join(dest('branch-rev'), 'DEV')));
  });
  test('singleBranch needs a branch, and clones only it', async () => {
    await assert.rejects(
      loadGit({ repo: url, singleBranch: true }, dest('none'), at),
      /single branch mode without a branch specified/,
    );
    await loadGit({ repo: url, singleBranch: true, branch: 'dev' }, dest('dev'), at);
    assert.ok(existsSync(join(dest('dev'), 'DEV')));
    const heads = execFileSync('git', ['-C', dest('dev'), 'branch', '-r'], { encoding: 'utf8' });
    assert.doesNotMatch(heads, /origin\/main/);
  });
  test('fetch refspecs are fetched; a missing repository fails with the clone error', async () => {
    await loadGit({ repo: url, fetch: ['refs/tags/v1:refs/tags/fetched'] }, dest('fetch'), at);
    const tag = execFileSync('git', ['-C', dest('fetch'), 'rev-parse', 'fetched'], { encoding: 'utf8' });
    assert.match(tag, /^[0-9a-f]{40}/);
    await assert.rejects(loadGit({ repo: `${url}-missing` }, dest('missing'), at), /failed to clone ".*-missing"/);
  });
});
