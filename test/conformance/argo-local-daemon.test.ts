/**
 * Daemons through the local stack: Argosy's own example runs a daemon in cluster `other` that a step in
 * `other` reaches at `{{tasks.server.ip}}` (the pod's own loopback address), after which the daemon is
 * stopped (its pod deleted) and its node Succeeds. Argo's daemon examples reach Argo's phase through the
 * kubelet's influxdb, nginx and curl stand-ins (serving and reaching the daemon's pod IP), and their
 * clients' logs show what the daemons answered; an image with no stand-in and no command still ends
 * with Argo's look-up message. Argo's stop-terminate-daemon case: `argosy stop` / `argosy terminate` on a
 * workflow with a running daemon end it Failed with the daemon's node Succeeded (Argo's signals_test.go).
 * The readiness probes (httpGet, tcpSocket) run at the pod's IP.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { startLocalStack, type LocalStack } from '../../src/local/stack.ts';
import { parseWorkflows } from '../../src/engine/index.ts';
import type { NodeStatus, Workflow } from '../../src/engine/types.ts';
import { runCli, scratch, SHARED } from '../integration/cli/cli-helpers.ts';
import { adminClient, podsOf, until } from '../integration/pipeline/helpers.ts';
import { readPodLog } from '../../src/adapters/kube/resources.ts';

const DIR = join(SHARED, 'conformance/argo-upstream');
const ROOT = join(import.meta.dirname, '..', '..');
const parse = (text: string): Workflow => parseWorkflows(text).workflows[0] as Workflow;
const done = (wf: Workflow) => ['Succeeded', 'Failed', 'Error'].includes(wf.status?.phase ?? '');

/** Argo's daemon examples → Argo's phase, and what the client steps printed (the daemon's answers). */
const ARGO_EXAMPLES: Record<string, { client: string; log: RegExp[] }> = {
  // The consumer's query lists every point the producers wrote (10 + 10 + 1 in daemon-step). The
  // producers run in parallel, so the points come in no fixed order: each is looked for on its own.
  'examples__daemon-step.yaml': {
    client: 'consumer',
    log: [/"name": "cpu"/, /"server01"/, /"server02"/, /"server03"/],
  },
  'examples__dag-daemon-task.yaml': {
    client: 'consumer',
    log: [/"name": "cpu"/, /"server01"/, /"server02"/, /"server03"/, /"useast"/],
  },
  'examples__daemon-nginx.yaml': { client: 'nginx-client', log: [/Welcome to nginx!/] },
};

const node = (wf: Workflow, display: string) =>
  Object.values(wf.status?.nodes ?? {}).find((n) => n.displayName === display) as NodeStatus | undefined;

let stack: LocalStack;
before(async () => {
  stack = await startLocalStack({ resyncIntervalMs: 2000 });
});
after(async () => {
  await stack?.stop();
});

describe('daemons through the local stack', () => {
  const results = new Map<string, Promise<Workflow>>();
  const run = (key: string, text: () => string): Promise<Workflow> => {
    let p = results.get(key);
    if (!p) {
      p = stack.submit(parse(text())).then((s) => stack.waitFor('argo', s.metadata.name ?? '', done, 180_000));
      results.set(key, p);
    }
    return p;
  };
  const own = () => run('own', () => readFileSync(join(ROOT, 'examples/daemon-across-clusters.yaml'), 'utf8'));
  before(() => {
    own().catch(() => undefined);
    for (const file of Object.keys(ARGO_EXAMPLES))
      run(file, () => readFileSync(join(DIR, file), 'utf8')).catch(() => undefined);
  });

  test('examples/daemon-across-clusters.yaml: a step in `other` reaches the daemon in `other` at its pod IP', async () => {
    const wf = await own();
    assert.equal(wf.status?.phase, 'Succeeded', wf.status?.message);
    const server = node(wf, 'server') as NodeStatus;
    assert.equal(server.phase, 'Succeeded');
    assert.equal(server.daemoned, undefined, 'no longer daemoned once stopped');
    assert.match(server.podIP ?? '', /^127\.\d+\.\d+\.\d+$/);
    assert.notEqual(server.podIP, '127.0.0.1', 'its own loopback address, not the node’s');
    assert.match(server.message ?? '', /daemon running in cluster "other" namespace "argo" at 127\./);
    assert.deepEqual(node(wf, 'client')?.inputs?.parameters?.[0]?.value, server.podIP);
    const pods = await podsOf(stack, wf.metadata.name ?? '', ['other']);
    const client = pods.find((p) =>
      p.pod.metadata.annotations?.['workflows.argoproj.io/node-name']?.endsWith('.client'),
    );
    const other = adminClient(stack, 'other');
    const log = await readPodLog(other, 'argo', client?.pod.metadata.name ?? '', { container: 'main' }).finally(() =>
      other.close(),
    );
    assert.match(log, /hello from the daemon/);
    const serverPod = pods.find((p) =>
      p.pod.metadata.annotations?.['workflows.argoproj.io/node-name']?.endsWith('.server'),
    );
    assert.ok(
      !serverPod || serverPod.pod.metadata.deletionTimestamp,
      'the daemon’s pod was deleted at the end of its scope',
    );
  });

  for (const [file, expected] of Object.entries(ARGO_EXAMPLES)) {
    test(`${file} → Succeeded; the client's log shows the daemon's answer`, async () => {
      const wf = await run(file, () => readFileSync(join(DIR, file), 'utf8'));
      const nodes = Object.values(wf.status?.nodes ?? {});
      const all = nodes.map((n) => `${n.displayName} ${n.type} ${n.phase}: ${n.message ?? ''}`).join('; ');
      assert.equal(wf.status?.phase, 'Succeeded', all);
      const daemon = nodes.find((n) => n.type === 'Pod' && /influx|nginx-server/.test(n.displayName ?? ''));
      assert.equal(daemon?.phase, 'Succeeded', 'stopped at the end of its scope');
      assert.match(daemon?.podIP ?? '', /^127\./);
      const pods = await podsOf(stack, wf.metadata.name ?? '', ['main']);
      const client = pods.find((p) =>
        p.pod.metadata.annotations?.['workflows.argoproj.io/node-name']?.endsWith(`.${expected.client}`),
      );
      const main = adminClient(stack, 'main');
      const log = await readPodLog(main, 'argo', client?.pod.metadata.name ?? '', { container: 'main' }).finally(() =>
        main.close(),
      );
      for (const re of expected.log) assert.match(log, re);
    });
  }

  test('an image with no stand-in and no command still ends with Argo’s look-up message', async () => {
    const wf = await run('unknown', () =>
      [
        'metadata: {generateName: daemon-unknown-image-}',
        'spec:',
        '  entrypoint: main',
        '  templates:',
        '  - name: main',
        '    steps: [[{name: db, template: db}]]',
        '  - name: db',
        '    daemon: true',
        '    container: {image: "redis:7.2"}',
      ].join('\n'),
    );
    assert.equal(wf.status?.phase, 'Failed');
    const db = node(wf, 'db');
    assert.equal(db?.phase, 'Error');
    assert.match(db?.message ?? '', /failed to look-up entrypoint\/cmd for image "redis:7\.2"/);
  });
});

/** Argo's test/e2e/signals_test.go TestStopBehaviorWithDaemon, and the same workflow terminated. */
describe('stop-terminate-daemon through the local stack and the CLI', () => {
  const file = 'test__e2e__functional__stop-terminate-daemon.yaml';
  for (const verb of ['stop', 'terminate'] as const) {
    test(`argosy ${verb} on a workflow with a running daemon → Failed, the daemon's node Succeeded`, async () => {
      const s = await stack.submit(parse(readFileSync(join(DIR, file), 'utf8')));
      const name = s.metadata.name ?? '';
      const running = (wf: Workflow) => node(wf, 'B')?.phase === 'Running' && !!node(wf, 'Daemon')?.daemoned;
      await stack.waitFor('argo', name, running, 120_000);
      const home = scratch();
      try {
        const out = await runCli(
          ['--kubeconfig', stack.kubeconfigPath, '--context', 'main', verb, name, '-n', 'argo'],
          home,
        );
        assert.equal(out.code, 0, out.stderr);
      } finally {
        rmSync(home, { recursive: true, force: true });
      }
      const wf = await stack.waitFor('argo', name, done, 120_000);
      const nodes = Object.values(wf.status?.nodes ?? {});
      const all = nodes.map((n) => `${n.displayName} ${n.type} ${n.phase}: ${n.message ?? ''}`).join('; ');
      assert.ok(['Failed', 'Error'].includes(wf.status?.phase ?? ''), all);
      const strategy = verb === 'stop' ? 'Stop' : 'Terminate';
      assert.equal(wf.status?.message, `Stopped with strategy '${strategy}'`);
      assert.equal(node(wf, 'Daemon')?.phase, 'Succeeded', all);
      assert.equal(node(wf, 'Daemon')?.daemoned, undefined);
      assert.ok(['Failed', 'Error'].includes(node(wf, 'B')?.phase ?? ''), all);
      await until(
        async () =>
          (await podsOf(stack, name, ['main'])).every(
            (p) => p.pod.metadata.deletionTimestamp || ['Succeeded', 'Failed'].includes(p.pod.status?.phase ?? ''),
          ),
        60_000,
        'the pods stopped',
      );
    });
  }
});
