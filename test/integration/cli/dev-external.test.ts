import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { once } from 'node:events';
import { join } from 'node:path';
import type { ChildProcess } from 'node:child_process';
import { startLocalClusters, type LocalClusters } from '../../../src/local/clusters.ts';
import { configureClusters } from '../../../src/local/cluster-setup.ts';
import { clientFromKubeconfig } from '../../../src/clusters/kubeconfig.ts';
import type { DevState } from '../../../src/cli/lib/dev-state.ts';
import { runCli, scratch, spawnCli } from './cli-helpers.ts';

// "Your clusters": API servers started here stand in for real ones (set up the way the docs tell a
// platform team to: namespaces, RBAC, Secret rest-config); `argosy dev --kubeconfig` only brings
// the controller (queue, functions, watcher).
const dir = scratch();
const statePath = join(dir, '.argosy', 'dev.json');
let clusters: LocalClusters;
let dev: ChildProcess;
let devOut = '';

before(async () => {
  clusters = await startLocalClusters({ names: ['main', 'other'] });
  const { client } = await clientFromKubeconfig({ kubeconfig: clusters.kubeconfigPath, context: 'main' });
  try {
    await configureClusters(clusters, ['main', 'other'], client);
  } finally {
    client.close();
  }
  dev = spawnCli(['--kubeconfig', clusters.kubeconfigPath, '--context', 'main', 'dev'], dir);
  dev.stdout!.on('data', (d: Buffer) => (devOut += d.toString()));
  dev.stderr!.on('data', (d: Buffer) => (devOut += d.toString()));
  const end = Date.now() + 60_000;
  while (!(devOut.includes('Ctrl-C stops it') && existsSync(statePath))) {
    if (Date.now() > end || dev.exitCode !== null) throw new Error(`argosy dev did not start:\n${devOut}`);
    await new Promise((r) => setTimeout(r, 100));
  }
});

after(async () => {
  if (dev && dev.exitCode === null && dev.signalCode === null) {
    dev.kill('SIGINT');
    await once(dev, 'close');
  }
  await clusters?.stop();
  rmSync(dir, { recursive: true, force: true });
});

describe('argosy dev --kubeconfig: the local controller driving existing clusters', () => {
  test('the state file points at your kubeconfig and context; clusters come from rest-config', () => {
    const state = JSON.parse(readFileSync(statePath, 'utf8')) as DevState;
    assert.equal(state.kubeconfigPath, clusters.kubeconfigPath);
    assert.equal(state.mainContext, 'main');
    assert.equal(state.external, true);
    assert.deepEqual(state.clusters, ['main', 'other']);
    assert.match(devOut, /running against your clusters/);
  });

  test('the seed example runs across both clusters', async () => {
    const r = await runCli(['submit', 'examples/multi-cluster.yaml', '--wait', '-o', 'name'], dir);
    assert.equal(r.code, 0, r.stderr + devOut);
    const name = r.stdout.split('\n')[0]!;
    assert.match(r.stdout, new RegExp(`^${name} Succeeded at `, 'm'));
    const logs = await runCli(['logs', name, 'other'], dir);
    assert.match(logs.stdout, new RegExp(`^${name}-other-\\d+: hello argo$`, 'm'));
  });
});
