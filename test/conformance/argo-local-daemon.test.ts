/**
 * Daemons through the local stack: Argosy's own example runs a daemon in cluster `other` that a step in
 * `other` reaches at `{{tasks.server.ip}}` (the pod's own loopback address), after which the daemon is
 * stopped (its pod deleted) and its node Succeeds; Argo's daemon examples, whose images (influxdb,
 * nginx, curlimages/curl) local mode cannot run, end Failed naming the image instead of waiting forever.
 * The own example has a tcpSocket readiness probe: the kubelet runs it at the pod's IP.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { startLocalStack, type LocalStack } from '../../src/local/stack.ts';
import { parseWorkflows } from '../../src/engine/index.ts';
import type { NodeStatus, Workflow } from '../../src/engine/types.ts';
import { SHARED } from '../integration/cli/cli-helpers.ts';
import { adminClient, podsOf } from '../integration/pipeline/helpers.ts';
import { readPodLog } from '../../src/adapters/kube/resources.ts';

const DIR = join(SHARED, 'conformance/argo-upstream');
const ROOT = join(import.meta.dirname, '..', '..');
const parse = (text: string): Workflow => parseWorkflows(text).workflows[0] as Workflow;
const done = (wf: Workflow) => ['Succeeded', 'Failed', 'Error'].includes(wf.status?.phase ?? '');

/**
 * Argo's daemon examples: their daemon images (influxdb, nginx) have no command in the template and are
 * not in the image index, and the engine does not read registries (Argo's controller does), so the
 * daemon's node ends Error with Argo's own look-up message naming the image (local mode could not run
 * these images either), and the workflow Fails instead of waiting.
 */
const CANNOT_RUN_LOCALLY: Record<string, RegExp> = {
  'examples__daemon-step.yaml': /failed to look-up entrypoint\/cmd for image "influxdb:1\.2"/,
  'examples__dag-daemon-task.yaml': /failed to look-up entrypoint\/cmd for image "influxdb:1\.2"/,
  'examples__daemon-nginx.yaml': /failed to look-up entrypoint\/cmd for image "nginx:1\.13"/,
};

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
  const node = (wf: Workflow, display: string) =>
    Object.values(wf.status?.nodes ?? {}).find((n) => n.displayName === display) as NodeStatus | undefined;
  before(() => {
    own().catch(() => undefined);
    for (const file of Object.keys(CANNOT_RUN_LOCALLY))
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

  for (const [file, message] of Object.entries(CANNOT_RUN_LOCALLY)) {
    test(`${file} → ends, its daemon Error naming the image`, async () => {
      const wf = await run(file, () => readFileSync(join(DIR, file), 'utf8'));
      // A steps workflow Fails on its failed group; a DAG takes its task's Error (Argo's assessDAGPhase).
      assert.equal(wf.status?.phase, file.includes('dag-') ? 'Error' : 'Failed');
      const nodes = Object.values(wf.status?.nodes ?? {});
      const all = nodes.map((n) => `${n.displayName} ${n.type} ${n.phase}: ${n.message ?? ''}`).join('; ');
      const named = nodes.some((n) => n.type === 'Pod' && n.phase === 'Error' && message.test(n.message ?? ''));
      assert.ok(named, all);
    });
  }
});
