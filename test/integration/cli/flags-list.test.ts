/**
 * argo's flags of list on a finished workflow, run as a user types them against a running
 * `argosy dev` (one stack and one `submit --name -l -w` for the file; every check is a subprocess).
 * Few invocations per file: each costs seconds on a loaded machine.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { runCli, scratch, startDev, type DevStack } from './cli-helpers.ts';

const dir = scratch();
let dev: DevStack;
before(async () => {
  dev = await startDev(dir);
  const sub = await runCli(['submit', 'examples/hello.yaml', '--name', 'flags-one', '-l', 'team=data', '-w'], dir);
  assert.equal(sub.code, 0, sub.stderr + dev.output());
  assert.match(sub.stdout, /^flags-one Succeeded at /m);
});
after(async () => dev.stop());

describe('argo flags of list', () => {
  test('-l, --prefix, --status, --since, -o wide; --completed --no-headers; --older', async () => {
    const args = [
      'list',
      '-l',
      'team=data',
      '--prefix',
      'flags-',
      '--status',
      'Succeeded',
      '--since',
      '1h',
      '-o',
      'wide',
    ];
    const wide = await runCli(args, dir);
    assert.match(wide.stdout, /^NAME +STATUS +AGE +DURATION +PRIORITY +MESSAGE +P\/R\/C +PARAMETERS\n/);
    assert.match(wide.stdout, /\nflags-one +Succeeded .* 0\/0\/1 +message=hello argosy\n$/);
    const bare = await runCli(['list', '--completed', '--no-headers'], dir);
    assert.match(bare.stdout, /^flags-one +Succeeded/);
    assert.equal((await runCli(['list', '--older', '1d', '--prefix', 'nope'], dir)).stdout, 'No workflows found\n');
  });
});
