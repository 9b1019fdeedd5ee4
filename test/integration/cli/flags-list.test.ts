/**
 * argo's flags of list and get on a finished workflow, run as a user types them against a
 * running `argosy dev` (one stack for the file; every check is a subprocess of bin/argosy.js).
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { runCli, scratch, startDev, type DevStack } from './cli-helpers.ts';

const dir = scratch();
let dev: DevStack;
before(async () => (dev = await startDev(dir)));
after(async () => dev.stop());

describe('argo flags of list and get', () => {
  test('submit --wait --name -l, then list and get filters', async () => {
    const sub = await runCli(['submit', 'examples/hello.yaml', '--name', 'flags-one', '-l', 'team=data', '-w'], dir);
    assert.equal(sub.code, 0, sub.stderr + dev.output());
    assert.match(sub.stdout, /^flags-one Succeeded at /m);
    assert.equal((await runCli(['list', '-l', 'team=data', '-o', 'name'], dir)).stdout, 'flags-one\n');
    assert.equal((await runCli(['list', '--prefix', 'nope'], dir)).stdout, 'No workflows found\n');
    const wide = await runCli(['list', '--status', 'Succeeded', '--since', '1h', '-o', 'wide'], dir);
    assert.match(wide.stdout, /^NAME +STATUS +AGE +DURATION +PRIORITY +MESSAGE +P\/R\/C +PARAMETERS\n/);
    assert.match(wide.stdout, /\nflags-one +Succeeded .* 0\/0\/1 +message=hello argosy\n$/);
    const bare = await runCli(['list', '--completed', '--no-headers'], dir);
    assert.match(bare.stdout, /^flags-one +Succeeded/);
    assert.equal((await runCli(['list', '--older', '1d'], dir)).stdout, 'No workflows found\n');
    const short = await runCli(['get', 'flags-one', '-o', 'short', '--status', 'Succeeded'], dir);
    assert.match(short.stdout, /^STEP +TEMPLATE +PODNAME +DURATION +MESSAGE +NODENAME\n ✔ flags-one +hello/);
    const none = await runCli(['get', 'flags-one', '--node-field-selector', 'phase=Failed'], dir);
    assert.match(none.stdout, /\nSTEP +TEMPLATE +PODNAME +DURATION +MESSAGE\n$/);
  });
});
