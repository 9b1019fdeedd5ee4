/**
 * argo's flags of get and logs on a finished workflow, run as a user types them against a running
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

describe('argo flags of get and logs', () => {
  test('get -o short --status, --node-field-selector', async () => {
    const short = await runCli(['get', 'flags-one', '-o', 'short', '--status', 'Succeeded'], dir);
    assert.match(short.stdout, /^STEP +TEMPLATE +PODNAME +DURATION +MESSAGE +NODENAME\n ✔ flags-one +hello/);
    const none = await runCli(['get', 'flags-one', '--node-field-selector', 'phase=Failed'], dir);
    assert.match(none.stdout, /\nSTEP +TEMPLATE +PODNAME +DURATION +MESSAGE\n$/);
  });

  test('logs: --grep, --timestamps, --tail', async () => {
    const grep = await runCli(['logs', 'flags-one', '--grep', 'hel+o', '--timestamps', '--tail', '5'], dir);
    assert.equal(grep.code, 0, grep.stderr);
    assert.match(grep.stdout, /^flags-one[-\w]*: \d{4}-\d\d-\d\dT[\d:.]+Z hello argosy\n$/);
    assert.equal((await runCli(['logs', 'flags-one', '--grep', 'nothing-like-this'], dir)).stdout, '');
  });
});
