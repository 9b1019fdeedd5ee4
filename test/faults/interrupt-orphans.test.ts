// Ctrl-C on `npm run argosy -- run FILE` (the README's way of running the CLI from a clone) while 30
// pods run: the terminal sends SIGINT to the whole process group (npm, sh, the CLI). The CLI used to be
// launched through the `tsx` command, which relays the signal and, when the child does not confirm it
// within 30 ms (a busy stack stopping its pods), SIGKILLs it: the local kubelet's exit hook never ran
// and the pods' processes were left running (1,592 of ~1,600 sleeps after one Ctrl-C on 2,000 pods).
// The kubelet also gave up its exit hook before its containers had stopped. Now the scripts run
// bin/argosy.js (tsx registered in-process) and the hook stays until every container is stopped. The
// SIGKILL depends on timing (30 pods usually stop in time even through tsx), so the first test pins the
// cause and the second checks the outcome.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT, cliEnv, scratch, writeFile } from '../integration/cli/cli-helpers.ts';

const marker = String(4_000_000 + Math.floor(Math.random() * 1_000_000));

/** Live (not zombie) processes whose command line is `sleep <marker>`. */
function sleeps(): number {
  let n = 0;
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const argv = readFileSync(`/proc/${name}/cmdline`, 'utf8').split('\0');
      const state = readFileSync(`/proc/${name}/stat`, 'utf8').split(') ')[1]?.[0];
      if (argv[0]?.endsWith('sleep') && argv.includes(marker) && state !== 'Z') n++;
    } catch {
      // Gone meanwhile.
    }
  }
  return n;
}

async function until(probe: () => boolean, what: string, ms: number): Promise<void> {
  const end = Date.now() + ms;
  while (!probe()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

test('the npm scripts that run the CLI do not go through a signal-relaying wrapper', () => {
  const scripts = (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { scripts: Record<string, string> })
    .scripts;
  for (const name of ['start', 'argosy']) assert.match(scripts[name]!, /^node bin\/argosy\.js\b/, name);
});

test('Ctrl-C on npm run argosy -- run stops every pod process', async () => {
  const home = scratch();
  const file = writeFile(
    home,
    'wide.yaml',
    [
      'apiVersion: argoproj.io/v1alpha1',
      'kind: Workflow',
      'metadata: {generateName: interrupt-}',
      'spec:',
      '  entrypoint: main',
      '  templates:',
      '  - {name: main, steps: [[{name: s, template: s, withSequence: {count: "30"}}]]}',
      `  - {name: s, container: {image: busybox, command: [sleep, "${marker}"]}}`,
    ].join('\n'),
  );
  const child = spawn('npm', ['run', '-s', 'argosy', '--', 'run', file, '--runtime', 'process'], {
    cwd: ROOT,
    env: cliEnv(home),
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  let err = '';
  child.stderr!.on('data', (d: Buffer) => (err += d.toString()));
  const exited = new Promise((r) => child.on('exit', r));
  try {
    await until(() => sleeps() >= 30, `30 pods running (stderr: ${err.slice(-500)})`, 150_000);
    process.kill(-child.pid!, 'SIGINT');
    await exited;
    await until(() => sleeps() === 0, `no sleep ${marker} left (${sleeps()} running)`, 20_000);
  } finally {
    try {
      process.kill(-child.pid!, 'SIGKILL');
    } catch {
      // Already gone.
    }
  }
});
