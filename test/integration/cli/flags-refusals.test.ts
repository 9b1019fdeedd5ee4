/**
 * argo's refusals of flag combinations and bad flag values, checked before any cluster is asked
 * (no stack needed), plus version and completion. Each check is a subprocess of bin/argosy.js.
 */
import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, rmSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { runCli, scratch, writeFile } from './cli-helpers.ts';

const dir = scratch();
after(() => rmSync(dir, { recursive: true, force: true }));

describe('flags refused before anything is sent', () => {
  test('submit: --dry-run without -o, --watch with --wait, --priority beyond int32 exit 2', async () => {
    const noOut = await runCli(['submit', 'examples/hello.yaml', '--dry-run'], dir);
    assert.equal(noOut.code, 2);
    assert.match(noOut.stderr, /^argosy: --dry-run should have an output option\n/);
    const both = await runCli(['submit', 'examples/hello.yaml', '--watch', '--wait'], dir);
    assert.match(both.stderr, /--wait cannot be combined with --watch/);
    // spec.priority is an int32 (flags-submit.test.ts submits one that is)
    const bad = await runCli(
      ['submit', 'examples/hello.yaml', '--priority', '2147483648', '--dry-run', '-o', 'name'],
      dir,
    );
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /--priority 2147483648: expected an int32/);
  });

  test('logs --since with a bad duration exits 2', async () => {
    const bad = await runCli(['logs', 'wf', '--since', '5x'], dir);
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /^argosy: --since 5x: expected a duration/);
  });

  test('lint --strict=false is accepted (argo bool flag), says what it cannot relax; --strict FILE lints FILE', async () => {
    const ok = writeFile(
      dir,
      'ok.yaml',
      'kind: Workflow\nmetadata: {generateName: ok-}\nspec:\n  entrypoint: a\n  templates: [{name: a, container: {image: busybox}}]\n',
    );
    const unknown = writeFile(
      dir,
      'unknown.yaml',
      readFileSync(ok, 'utf8').replace('entrypoint: a', 'entrypoint: a\n  colour: red'),
    );
    const lax = await runCli(['lint', '--strict=false', ok], dir);
    assert.equal(lax.code, 0, lax.stderr);
    assert.equal(lax.stdout, '✔ no linting errors found!\n');
    assert.match(
      lax.stderr,
      /--strict=false: fields Argo does not know are still reported: the Argosy controller refuses them/,
    );
    const still = await runCli(['lint', '--strict=false', unknown], dir);
    assert.equal(still.code, 1);
    assert.match(still.stdout, /spec\.colour/);
    const strict = await runCli(['lint', '--strict', unknown], dir);
    assert.equal(strict.code, 1, 'the word after --strict is a path, as with a Go bool flag');
    assert.equal(strict.stderr, '');
  });

  test('version --short and a bash completion script that bash accepts', async () => {
    const pkg = JSON.parse((await import('node:fs')).readFileSync('package.json', 'utf8')) as { version: string };
    assert.equal((await runCli(['version', '--short'], dir)).stdout, `argosy: v${pkg.version}\n`);
    const script = await runCli(['completion', 'bash'], dir);
    assert.match(script.stdout, /complete -F _argosy argosy/);
    assert.match(script.stdout, /submit\) words="[^"]*--parameter-file/);
    execFileSync('bash', ['-n', writeFile(dir, 'c.sh', script.stdout)]);
    // argo cron backfill's checks before any cluster is asked: help without a name, --start needed,
    // dates read with the --format Go layout (argo's time.Parse words).
    const help = await runCli(['cron', 'backfill'], dir);
    assert.equal(help.code, 0);
    assert.match(help.stdout, /--maxworkflowcount <n>/);
    const noStart = await runCli(['cron', 'backfill', 'daily'], dir);
    assert.equal(noStart.code, 1);
    assert.match(noStart.stderr, /^argosy: start date should not be empty\n/);
    const badStart = await runCli(['cron', 'backfill', 'daily', '--start', '2024-10-21'], dir);
    assert.equal(badStart.code, 1);
    assert.match(
      badStart.stderr,
      /^argosy: parsing time "2024-10-21" as "Mon, 02 Jan 2006 15:04:05 MST": cannot parse "2024-10-21" as "Mon"\n/,
    );
    // argo completion has no powershell: refused in argo's words, exit 2 (bad input)
    const ps = await runCli(['completion', 'powershell'], dir);
    assert.equal(ps.code, 2);
    assert.match(ps.stderr, /^argosy: invalid shell "powershell": supported shells are bash, zsh, and fish\n/);
    assert.equal(ps.stdout, '');
  });
});
