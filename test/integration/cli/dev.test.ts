import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { once } from 'node:events';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import type { ChildProcess } from 'node:child_process';
import { clientFromKubeconfig } from '../../../src/clusters/kubeconfig.ts';
import type { DevState } from '../../../src/cli/lib/dev-state.ts';
import type { Workflow } from '../../../src/engine/types.ts';
import { followWorkflow, stallHint } from '../../../src/cli/lib/follow.ts';
import { runCli, scratch, spawnCli, writeFile } from './cli-helpers.ts';

const dir = scratch();
const statePath = join(dir, '.argosy', 'dev.json');
let dev: ChildProcess;
let devOut = '';
let state: DevState;
let name = '';

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

describe('argosy dev, and the commands that find it through its state file', () => {
  test('the banner and the state file say how to reach the stack, without credentials', () => {
    assert.equal(state.pid, dev.pid);
    assert.deepEqual(state.clusters, ['main', 'other']);
    assert.equal(state.mainContext, 'main');
    assert.match(devOut, /contexts\s+main, other/);
    assert.match(devOut, new RegExp(`kubeconfig\\s+${state.kubeconfigPath.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}`));
    assert.match(state.controlUrl, /^http:\/\/127\.0\.0\.1:\d+$/);
    assert.doesNotMatch(readFileSync(statePath, 'utf8'), /token|BEGIN/i);
  });

  test('the control endpoint pauses and resumes the local poller', async () => {
    const state0 = await (await fetch(`${state.controlUrl}/state`)).json();
    assert.ok(state0);
    assert.equal((await fetch(`${state.controlUrl}/pause`, { method: 'POST' })).status, 200);
    assert.equal((await fetch(`${state.controlUrl}/resume`, { method: 'POST' })).status, 200);
    assert.equal((await fetch(`${state.controlUrl}/nope`, { method: 'POST' })).status, 404);
  });

  test('a paused controller: the follower notices nothing picks the workflow up; resume finishes it', async () => {
    assert.equal((await fetch(`${state.controlUrl}/pause`, { method: 'POST' })).status, 200);
    const sub = await runCli(['submit', 'examples/hello.yaml', '-o', 'name'], dir);
    assert.equal(sub.code, 0, sub.stderr);
    const wfName = sub.stdout.trim();
    const { client } = await clientFromKubeconfig({ kubeconfig: state.kubeconfigPath, context: 'main' });
    const abort = new AbortController();
    const stalls: string[] = [];
    try {
      await followWorkflow(client, 'argo', wfName, {
        intervalMs: 50,
        stallMs: 300,
        signal: abort.signal,
        onStall: (wf) => {
          stalls.push(stallHint(wf.metadata.name!));
          abort.abort();
        },
      });
      assert.deepEqual(stalls, [stallHint(wfName)]);
      assert.equal((await fetch(`${state.controlUrl}/resume`, { method: 'POST' })).status, 200);
      const done = await followWorkflow(client, 'argo', wfName, { intervalMs: 100 });
      assert.equal(done.status?.phase, 'Succeeded');
    } finally {
      client.close();
    }
  });

  test('submit --wait: name, then `<name> Succeeded at <time>`', async () => {
    // Creation timestamps have second precision (as on a real API server): start in a new second so
    // this workflow is unambiguously `@latest` for the tests below (the previous test submitted one).
    await new Promise((r) => setTimeout(r, 1100));
    const r = await runCli(['submit', 'examples/multi-cluster.yaml', '--wait', '-o', 'name'], dir);
    assert.equal(r.code, 0, r.stderr);
    const [first, second] = r.stdout.trim().split('\n');
    name = first!;
    assert.match(name, /^multi-cluster-[a-z0-9]{5}$/);
    assert.match(second!, new RegExp(`^${name} Succeeded at \\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d \\+0000 UTC$`));
  });

  test('get -o json round-trips the API object', async () => {
    const { client } = await clientFromKubeconfig({ kubeconfig: state.kubeconfigPath, context: 'main' });
    try {
      const r = await runCli(['get', name, '-o', 'json'], dir);
      assert.equal(r.code, 0, r.stderr);
      const api = await client.request<Workflow>({
        method: 'GET',
        path: `/apis/argoproj.io/v1alpha1/namespaces/argo/workflows/${name}`,
      });
      assert.deepEqual(JSON.parse(r.stdout), api);
    } finally {
      client.close();
    }
  });

  test('get shows the tree with where each pod ran', async () => {
    const wide = await runCli(['get', name, '-o', 'wide'], dir);
    assert.match(
      wide.stdout,
      /STEP\s+TEMPLATE\s+PODNAME\s+CLUSTER\s+DURATION\s+ARTIFACTS\s+MESSAGE\s+RESOURCESDURATION\s+NODENAME/,
    );
    const r = await runCli(['get', name], dir);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /Status:\s+Succeeded/);
    assert.match(r.stdout, /─✔ other\s+other\s+\S+-other-\d+\s+other\/argo/);
  });

  test('get expands nodes stored compressed (status.compressedNodes), as Argo’s server does', async () => {
    const { client } = await clientFromKubeconfig({ kubeconfig: state.kubeconfigPath, context: 'main' });
    try {
      const base = '/apis/argoproj.io/v1alpha1/namespaces/argo/workflows';
      const original = await client.request<Workflow>({ method: 'GET', path: `${base}/${name}` });
      const { nodes, ...rest } = original.status!;
      const compressedNodes = gzipSync(JSON.stringify(nodes)).toString('base64');
      await client.request({
        method: 'POST',
        path: base,
        body: {
          apiVersion: 'argoproj.io/v1alpha1',
          kind: 'Workflow',
          // completed=true: the controller leaves it alone; this is only about reading.
          metadata: { name: `${name}-gz`, labels: original.metadata.labels },
          spec: original.spec,
          status: { ...rest, compressedNodes },
        },
      });
      const r = await runCli(['get', `${name}-gz`, '-o', 'json'], dir);
      assert.equal(r.code, 0, r.stderr);
      const shown = JSON.parse(r.stdout) as Workflow;
      assert.equal(shown.status?.compressedNodes, undefined);
      assert.deepEqual(shown.status?.nodes, nodes);
      await client.request({ method: 'DELETE', path: `${base}/${name}-gz` }); // later tests use @latest
    } finally {
      client.close();
    }
  });

  test('logs finds each pod in its cluster: the other pod says hello argo', async () => {
    const r = await runCli(['logs', name], dir);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, new RegExp(`^${name}-other-\\d+: hello argo$`, 'm'));
    assert.match(r.stdout, new RegExp(`^${name}-this-\\d+: hello argo$`, 'm'));
    const only = await runCli(['logs', '@latest', 'other'], dir);
    assert.equal(only.code, 0, only.stderr);
    assert.match(only.stdout, new RegExp(`^${name}-other-\\d+: hello argo\\n$`));
  });

  test('submit --watch prints changes then the final view; logs --follow streams until completion', async () => {
    const r = await runCli(['submit', 'examples/hello.yaml', '--watch', '-p', 'message=watched'], dir);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /^\[\s*\d+s\] hello-[a-z0-9]{5} Succeeded {2}1\/1$/m);
    assert.match(r.stdout, /\n\nName:\s+hello-[a-z0-9]{5}\n/);
    const wfName = /Name:\s+(hello-[a-z0-9]{5})/.exec(r.stdout)![1]!;
    const logs = await runCli(['logs', wfName, '--follow'], dir);
    assert.equal(logs.code, 0, logs.stderr);
    assert.equal(logs.stdout, `${wfName}: watched\n`);
  });

  test('list and wait', async () => {
    const list = await runCli(['list'], dir);
    assert.equal(list.code, 0, list.stderr);
    assert.match(list.stdout, /^NAME\s+STATUS\s+AGE\s+DURATION\s+PRIORITY\s+MESSAGE$/m);
    assert.match(list.stdout, new RegExp(`^${name}\\s+Succeeded\\s+\\d+[smh]\\s+\\d+s\\s+0`, 'm'));
    const all = await runCli(['list', '-A', '--completed'], dir);
    assert.match(all.stdout, /^NAMESPACE\s+NAME\s+STATUS/m);
    assert.match(all.stdout, new RegExp(`^argo\\s+${name}\\s+Succeeded`, 'm'));
    const running = await runCli(['list', '--running', '-o', 'name'], dir);
    assert.doesNotMatch(running.stdout, new RegExp(name));
    const wait = await runCli(['wait', name], dir);
    assert.equal(wait.code, 0, wait.stderr);
    assert.match(wait.stdout, new RegExp(`^${name} Succeeded at `));
  });

  test('a suspend step waits (Running (Suspended)); resume continues it to the end at once', async () => {
    const file = writeFile(
      dir,
      'approve.yaml',
      `apiVersion: argoproj.io/v1alpha1
kind: Workflow
metadata: { generateName: approve- }
spec:
  entrypoint: main
  templates:
    - name: main
      steps:
        - - { name: approve, template: approve }
        - - { name: after, template: say }
    - name: approve
      suspend: {}
    - name: say
      container: { image: argoproj/argosay:v2 }
`,
    );
    const sub = await runCli(['submit', file, '-o', 'name'], dir);
    assert.equal(sub.code, 0, sub.stderr);
    const wfName = sub.stdout.trim();
    const { client } = await clientFromKubeconfig({ kubeconfig: state.kubeconfigPath, context: 'main' });
    const path = `/apis/argoproj.io/v1alpha1/namespaces/argo/workflows/${wfName}`;
    try {
      const read = () => client.request<Workflow>({ method: 'GET', path });
      let suspended: Workflow | undefined;
      const end = Date.now() + 30_000;
      while (!suspended && Date.now() < end) {
        const w = await read();
        if (Object.values(w.status?.nodes ?? {}).some((n) => n.type === 'Suspend' && n.phase === 'Running'))
          suspended = w;
        else await new Promise((r) => setTimeout(r, 100));
      }
      assert.ok(suspended, 'the suspend node runs');
      const shown = await runCli(['get', wfName], dir);
      assert.match(shown.stdout, /Status:\s+Running \(Suspended\)/);
      const resume = await runCli(['resume', wfName], dir);
      assert.equal(resume.code, 0, resume.stderr);
      assert.equal(resume.stdout, `workflow ${wfName} resumed\n`);
      // No resync in between: the resolved suspend node is itself the nudge (30 s resync is longer).
      const wait = await runCli(['wait', wfName], dir);
      assert.match(wait.stdout, new RegExp(`^${wfName} Succeeded at `));
      const done = await read();
      const approve = Object.values(done.status?.nodes ?? {}).find((n) => n.displayName === 'approve');
      assert.equal(approve?.phase, 'Succeeded');
    } finally {
      client.close();
    }
  });

  test('stop patches spec.shutdown; resume of a workflow that is not suspended is an error', async () => {
    const long = writeFile(
      dir,
      'long.yaml',
      `apiVersion: argoproj.io/v1alpha1
kind: Workflow
metadata: { generateName: long- }
spec:
  entrypoint: main
  templates:
    - name: main
      container: { image: argoproj/argosay:v2, args: [sleep, '60'] }
`,
    );
    const sub = await runCli(['submit', long, '-o', 'name'], dir);
    assert.equal(sub.code, 0, sub.stderr);
    const longName = sub.stdout.trim();
    const stop = await runCli(['stop', longName], dir);
    assert.equal(stop.code, 0, stop.stderr);
    assert.equal(stop.stdout, `workflow ${longName} stopped\n`);
    const got = JSON.parse((await runCli(['get', longName, '-o', 'json'], dir)).stdout) as Workflow;
    assert.equal(got.spec.shutdown, 'Stop');
    const resume = await runCli(['resume', longName], dir);
    assert.equal(resume.code, 1);
    assert.match(resume.stderr, /is not suspended/);
    // Stop kills the running pod, so the workflow may already have ended: then terminate is refused
    // as argo refuses it (exit 1); while it still runs, terminate patches it.
    const term = await runCli(['terminate', longName], dir);
    if (term.code === 0) assert.equal(term.stdout, `workflow ${longName} terminated\n`);
    else
      assert.match(
        term.stderr,
        /^argosy: cannot shutdown a completed workflow: workflow: "long-\w+", namespace: "argo"\n$/,
      );
  });

  test('delete, then get says not found (exit 1)', async () => {
    const del = await runCli(['delete', name], dir);
    assert.equal(del.code, 0, del.stderr);
    assert.equal(del.stdout, `Workflow '${name}' deleted\n`);
    const got = await runCli(['get', name], dir);
    assert.equal(got.code, 1);
    assert.match(got.stderr, new RegExp(`workflow "${name}" not found in namespace "argo"`));
  });

  test('Ctrl-C stops the stack and removes the state file', async () => {
    dev.kill('SIGINT');
    const [code] = (await once(dev, 'close')) as [number | null];
    assert.equal(code, 0, devOut);
    assert.equal(existsSync(statePath), false);
    const r = await runCli(['list'], dir);
    assert.equal(r.code, 2, 'no stack any more');
  });
});
