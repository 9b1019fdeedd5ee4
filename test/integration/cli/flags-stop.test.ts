/**
 * argo's flags of stop, suspend and delete on a finished workflow, run as a user types them against a running
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

describe('argo flags of stop, suspend and delete', () => {
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
  });
});
