// `argosy node set` and `argosy resume` as subprocesses against `argosy dev` (its own file: the dev
// test file is near the per-file time limit under load).
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { once } from 'node:events';
import { join } from 'node:path';
import type { ChildProcess } from 'node:child_process';
import { clientFromKubeconfig } from '../../../src/clusters/kubeconfig.ts';
import type { DevState } from '../../../src/cli/lib/dev-state.ts';
import type { Workflow } from '../../../src/engine/types.ts';
import { runCli, scratch, spawnCli, writeFile } from './cli-helpers.ts';

const dir = scratch();
const statePath = join(dir, '.argosy', 'dev.json');
let dev: ChildProcess;
let devOut = '';
let state: DevState;

async function until<T>(probe: () => T | undefined, what: string, timeoutMs = 60_000): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = probe();
    if (v !== undefined) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}; dev output:\n${devOut}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

before(async () => {
  dev = spawnCli(['dev', '--clusters', 'main,other'], dir);
  dev.stdout!.on('data', (d: Buffer) => (devOut += d.toString()));
  dev.stderr!.on('data', (d: Buffer) => (devOut += d.toString()));
  await until(() => (devOut.includes('Ctrl-C stops it') && existsSync(statePath) ? true : undefined), 'argosy dev');
  state = JSON.parse(readFileSync(statePath, 'utf8')) as DevState;
});

after(async () => {
  if (dev.exitCode === null && dev.signalCode === null) {
    dev.kill('SIGKILL');
    await once(dev, 'close');
  }
  rmSync(dir, { recursive: true, force: true });
});

describe('argosy node set', () => {
  test("node set supplies suspend-template-outputs' message (Argo's errors on misuse); resume finishes it", async () => {
    const file = writeFile(
      dir,
      'suspend-outputs.yaml',
      readFileSync(
        join(
          import.meta.dirname,
          '../../../../shared/conformance/argo-upstream/examples__suspend-template-outputs.yaml',
        ),
        'utf8',
      ).replace('name: suspend-outputs', 'generateName: suspend-outputs-'),
    );
    const sub = await runCli(['submit', file, '-o', 'name'], dir);
    assert.equal(sub.code, 0, sub.stderr);
    const wfName = sub.stdout.trim();
    const { client } = await clientFromKubeconfig({ kubeconfig: state.kubeconfigPath, context: 'main' });
    const path = `/apis/argoproj.io/v1alpha1/namespaces/argo/workflows/${wfName}`;
    try {
      const read = () => client.request<Workflow>({ method: 'GET', path });
      const approveOf = (w: Workflow) => Object.values(w.status?.nodes ?? {}).find((n) => n.displayName === 'approve');
      const end = Date.now() + 30_000;
      while (approveOf(await read())?.phase !== 'Running' && Date.now() < end)
        await new Promise((r) => setTimeout(r, 100));
      const early = await runCli(['resume', wfName], dir);
      assert.equal(early.code, 1);
      assert.match(early.stderr, /raw output parameter 'message' has not been set and does not have a default value/);
      const noSel = await runCli(['node', 'set', wfName, '-p', 'message=x'], dir);
      assert.equal(noSel.code, 1);
      assert.match(noSel.stderr, /use a node field selector to target them/);
      const wrong = await runCli(
        ['node', 'set', wfName, '-p', 'other=x', '--node-field-selector', 'displayName=approve'],
        dir,
      );
      assert.match(wrong.stderr, /node is not expecting output parameter 'other'/);
      const set = await runCli(
        ['node', 'set', wfName, '-p', 'message="Hello, world!"', '--node-field-selector', 'displayName=approve'],
        dir,
      );
      assert.equal(set.code, 0, set.stderr);
      assert.equal(set.stdout, 'workflow values set\n');
      assert.deepEqual(approveOf(await read())?.outputs?.parameters, [{ name: 'message', value: 'Hello, world!' }]);
      const resume = await runCli(['resume', wfName], dir);
      assert.equal(resume.code, 0, resume.stderr);
      const wait = await runCli(['wait', wfName], dir);
      assert.match(wait.stdout, new RegExp(`^${wfName} Succeeded at `));
      const release = Object.values((await read()).status?.nodes ?? {}).find((n) => n.displayName === 'release');
      assert.deepEqual(release?.inputs?.parameters, [{ name: 'message', value: 'Hello, world!' }]);
    } finally {
      client.close();
    }
  });
});
