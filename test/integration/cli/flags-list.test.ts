/**
 * argo's flags of list, get and logs on a finished workflow, run as a user types them against a
 * running `argosy dev` (one stack for the file; every check is a subprocess of bin/argosy.js).
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { runCli, scratch, startDev, type DevStack } from './cli-helpers.ts';

const dir = scratch();
let dev: DevStack;
before(async () => (dev = await startDev(dir)));
after(async () => dev.stop());

describe('argo flags of list, get and logs', () => {
  test('submit --wait --name -l, then list and get filters', async () => {
    const sub = await runCli(['submit', 'examples/hello.yaml', '--name', 'flags-one', '-l', 'team=data', '-w'], dir);
    assert.equal(sub.code, 0, sub.stderr + dev.output());
    assert.match(sub.stdout, /^flags-one Succeeded at /m);
    assert.equal((await runCli(['list', '-l', 'team=data', '-o', 'name'], dir)).stdout, 'flags-one\n');
    assert.equal((await runCli(['list', '-l', 'team=other', '-o', 'name'], dir)).stdout, 'No workflows found\n');
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

  test('logs: --grep, --timestamps, --tail, -c; a pipe closed early ends quietly', async () => {
    const grep = await runCli(['logs', 'flags-one', '--grep', 'hel+o', '--timestamps', '--tail', '5'], dir);
    assert.equal(grep.code, 0, grep.stderr);
    assert.match(grep.stdout, /^flags-one[-\w]*: \d{4}-\d\d-\d\dT[\d:.]+Z hello argosy\n$/);
    assert.equal((await runCli(['logs', 'flags-one', '--grep', 'nothing-like-this'], dir)).stdout, '');
    const bad = await runCli(['logs', 'flags-one', '--since', '5x'], dir);
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /^argosy: --since 5x: expected a duration/);
  });

  test('stop/suspend refuse a finished workflow as argo does; delete --dry-run, then delete -l', async () => {
    const stop = await runCli(['stop', '@latest'], dir);
    assert.equal(stop.code, 1);
    assert.equal(
      stop.stderr,
      'argosy: cannot shutdown a completed workflow: workflow: "flags-one", namespace: "argo"\n',
    );
    assert.match((await runCli(['suspend', 'flags-one'], dir)).stderr, /cannot suspend completed workflows/);
    const dry = await runCli(['delete', '--completed', '--dry-run'], dir);
    assert.equal(dry.stdout, "Workflow 'flags-one' deleted (dry-run)\n");
    const del = await runCli(['delete', '-l', 'team=data'], dir);
    assert.equal(del.stdout, "Workflow 'flags-one' deleted\n", del.stderr);
    assert.equal((await runCli(['delete', '--all'], dir)).stdout, 'No resources found\n');
  });
});
