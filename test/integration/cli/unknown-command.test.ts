import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { runCli, scratch } from './cli-helpers.ts';

const dir = scratch();
after(() => rmSync(dir, { recursive: true, force: true }));

describe('an unknown command is never answered with a different, destructive one', () => {
  test('an argo command argosy does not offer says so, not a look-alike', async () => {
    const r = await runCli(['archive', 'list'], dir);
    assert.equal(r.code, 2, r.stderr);
    assert.match(r.stderr, /^argosy: `archive` \(.*\) is not planned\n {2}see/);
    assert.doesNotMatch(r.stderr, /replay|terminate|resume/);
  });

  test('a typo is pointed only to a read-only command', async () => {
    const typo = await runCli(['lsit'], dir);
    assert.equal(typo.code, 2);
    assert.equal(typo.stderr, "argosy: unknown command 'lsit'\n  did you mean `argosy list`? (see `argosy --help`)\n");
    const del = await runCli(['delte', 'wf'], dir);
    assert.equal(del.code, 2);
    assert.equal(del.stderr, "argosy: unknown command 'delte'\n  see `argosy --help` for the commands\n");
  });

  test('--help lists the coming commands; flag errors use the one error style', async () => {
    const help = await runCli(['--help'], dir);
    assert.equal(help.code, 0);
    assert.match(help.stdout, /Argo commands not available yet:\n {2}archive .*not planned/);
    assert.match(help.stdout, /^ {2}retry /m);
    assert.match(help.stdout, /^ {2}resubmit /m);
    const flag = await runCli(['list', '--bogus'], dir);
    assert.equal(flag.code, 2);
    assert.equal(flag.stderr, "argosy: unknown option '--bogus'\n  run `argosy list --help` for usage\n");
  });
});
