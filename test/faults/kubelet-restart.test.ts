// `argosy dev` killed with SIGKILL while a step runs (issue 24, item 7). Before, the step's process
// kept running as an orphan while the restarted kubelet marked its pod Failed/NodeRestart (still Ready,
// its container still "running"), so the retry ran the same step a second time beside it, and the dead
// stack's temporary folder (admin kubeconfig) stayed behind. Now the restarted kubelet stops what its
// predecessor recorded, the failed pod is not Ready and its container is terminated, the dead stack's
// folder is removed, and Ctrl-C removes the folder of a stack that stops.
import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { once } from 'node:events';
import { dirname, join } from 'node:path';
import type { ChildProcess } from 'node:child_process';
import { clientFromKubeconfig } from '../../src/clusters/kubeconfig.ts';
import type { DevState } from '../../src/cli/lib/dev-state.ts';
import type { KubeClient } from '../../src/ports/kube.ts';
import { procInfo } from '../../src/local/kubelet/process-ledger.ts';
import { runCli, scratch, spawnCli, writeFile } from '../integration/cli/cli-helpers.ts';

interface Pod {
  metadata: { name: string; creationTimestamp: string };
  status?: {
    phase?: string;
    reason?: string;
    conditions?: { type: string; status: string; reason?: string }[];
    containerStatuses?: { ready: boolean; state: Record<string, { reason?: string; exitCode?: number }> }[];
  };
}

const home = scratch();
const dataDir = join(home, 'data');
// A number no other process on the machine sleeps for: the step's process is found by its command line.
const marker = String(3_000_000 + Math.floor(Math.random() * 1_000_000));
const running: ChildProcess[] = [];

async function until<T>(probe: () => Promise<T | undefined> | T | undefined, what: string, ms = 120_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await probe();
    if (v !== undefined) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

/** Starts `argosy dev --data-dir` and waits for its state file (written by this start). */
async function startDev(): Promise<{ child: ChildProcess; state: DevState; out: () => string }> {
  const statePath = join(home, '.argosy', 'dev.json');
  rmSync(statePath, { force: true });
  const child = spawnCli(['dev', '--clusters', 'main', '--data-dir', dataDir], home);
  running.push(child);
  let out = '';
  child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (out += d.toString()));
  const state = await until(() => {
    if (child.exitCode !== null) throw new Error(`argosy dev exited:\n${out}`);
    if (!out.includes('Ctrl-C stops it') || !existsSync(statePath)) return undefined;
    return JSON.parse(readFileSync(statePath, 'utf8')) as DevState;
  }, 'argosy dev');
  return { child, state, out: () => out };
}

/** Live (not zombie) processes whose command line is `sleep <marker>`. */
function stepProcesses(): number[] {
  const found: number[] = [];
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const argv = readFileSync(`/proc/${name}/cmdline`, 'utf8').split('\0');
      const state = readFileSync(`/proc/${name}/stat`, 'utf8').split(') ')[1]?.[0];
      if (argv.some((a) => a === 'sleep' || a.endsWith('/sleep')) && argv.includes(marker) && state !== 'Z')
        found.push(Number(name));
    } catch {
      // Gone meanwhile.
    }
  }
  return found;
}

/** True once the data dir's snapshot holds the step's pod as Running (it is written within a second). */
function persistedRunning(): true | undefined {
  let text: string;
  try {
    text = readFileSync(join(dataDir, 'main.json'), 'utf8');
  } catch {
    return undefined;
  }
  const found = (v: unknown): boolean => {
    if (!v || typeof v !== 'object') return false;
    const o = v as Pod & { spec?: unknown };
    if (o.status?.phase === 'Running' && o.spec && JSON.stringify(o.spec).includes(marker)) return true;
    return Object.values(v).some(found);
  };
  return found(JSON.parse(text)) ? true : undefined;
}

async function stepPods(client: KubeClient): Promise<Pod[]> {
  const list = await client.request<{ items: Pod[] }>({ method: 'GET', path: '/api/v1/namespaces/argo/pods' });
  return list.items.sort((a, b) => a.metadata.creationTimestamp.localeCompare(b.metadata.creationTimestamp));
}

after(async () => {
  for (const child of running) {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGKILL');
      await once(child, 'close');
    }
  }
  // Whatever a failed assertion left running is ours (our marker): do not leave it behind.
  for (const pid of stepProcesses()) process.kill(pid, 'SIGKILL');
  rmSync(home, { recursive: true, force: true });
});

describe('argosy dev killed with SIGKILL while a step runs, then started again on its data dir', () => {
  test('the restarted kubelet stops the orphan before the retry runs; the failed pod is not Ready', async () => {
    const first = await startDev();
    const firstTemp = dirname(first.state.kubeconfigPath);
    const file = writeFile(
      home,
      'orphan.yaml',
      [
        'apiVersion: argoproj.io/v1alpha1',
        'kind: Workflow',
        'metadata: {name: orphan}',
        'spec:',
        '  entrypoint: main',
        '  templates:',
        '  - name: main',
        '    retryStrategy: {limit: 2, retryPolicy: Always}',
        `    container: {image: busybox, command: [sleep, "${marker}"]}`,
      ].join('\n'),
    );
    const sub = await runCli(['submit', file], home);
    assert.equal(sub.code, 0, sub.stderr);
    const [orphan] = await until(() => (stepProcesses().length ? stepProcesses() : undefined), 'the step to run');
    await until(persistedRunning, 'the running pod to be saved in the data dir');
    first.child.kill('SIGKILL');
    await once(first.child, 'close');
    assert.ok(procInfo(orphan!), 'the premise: a SIGKILLed stack leaves its containers running');

    const second = await startDev();
    const { client } = await clientFromKubeconfig({ kubeconfig: second.state.kubeconfigPath, context: 'main' });
    try {
      // The kubelet reaps before it marks the pods: by the time the stack is up the orphan is gone.
      // (The retry may already be running by now: it is a new process, the orphan's pid is gone.)
      assert.ok(!stepProcesses().includes(orphan!), 'the orphan was stopped by the restarted kubelet');
      assert.equal(existsSync(firstTemp), false, 'the dead stack’s folder (admin kubeconfig) was removed');
      const [failed] = await stepPods(client);
      assert.equal(failed?.status?.phase, 'Failed');
      assert.equal(failed?.status?.reason, 'NodeRestart');
      const ready = failed?.status?.conditions?.find((c) => c.type === 'Ready');
      assert.deepEqual([ready?.status, ready?.reason], ['False', 'PodFailed']);
      const container = failed?.status?.containerStatuses?.[0];
      assert.equal(container?.ready, false);
      assert.equal(container?.state.running, undefined);
      assert.deepEqual(
        [container?.state.terminated?.reason, container?.state.terminated?.exitCode],
        ['ContainerStatusUnknown', 137],
      );
      // The retry runs the step again, alone.
      await until(async () => ((await stepPods(client)).length >= 2 ? true : undefined), 'the retry pod');
      await until(() => (stepProcesses().length ? true : undefined), 'the retry to run');
      assert.equal(stepProcesses().length, 1, 'exactly one copy of the step runs');
    } finally {
      client.close();
    }

    // Ctrl-C: the stack stops its containers and removes its temporary folder.
    const secondTemp = dirname(second.state.kubeconfigPath);
    second.child.kill('SIGINT');
    await once(second.child, 'close');
    assert.equal(existsSync(secondTemp), false, 'Ctrl-C removed the folder holding the admin kubeconfig');
    assert.deepEqual(stepProcesses(), []);
  });
});
