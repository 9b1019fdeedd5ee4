// Workflows whose status outgrows the API server's object limit (1.5 MiB; Argo's maxWorkflowSize is
// 1 MiB). Before the runtime compressed nodes, a wide workflow's status write got 413 and was
// acknowledged as terminal, leaving the workflow Running forever (bench/results.json "wide"). Now:
// over 1 MiB the nodes go to status.compressedNodes (gzip+base64, as Argo), and a status that is too
// large even compressed ends the workflow with phase Error and Argo's message instead of looping.
// Huge withItems: 2,500 items through the stack (raw status ≈ 1 MiB+), 10,000 with
// ARGOSY_FAULTS_LARGE=1; the engine alone decides 10,000 items in the default run.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { decide as engineDecide } from '../../src/engine/index.ts';
import type { Decision, Snapshot } from '../../src/engine/contract.ts';
import type { Workflow } from '../../src/engine/types.ts';
import type { LocalStack } from '../../src/local/stack.ts';
import { inflateWorkflow } from '../../src/adapters/kube/compressed-nodes.ts';
import { podPlaces } from '../../src/runtime/observe.ts';
import { captureLog, faultStack, prefixOf, podsOf, runToEnd, until, type CapturedLog } from './helpers.ts';

const WIDE = process.env.ARGOSY_FAULTS_LARGE ? 10_000 : 2_500;

function wide(name: string, count: number): Workflow {
  return {
    apiVersion: 'argoproj.io/v1alpha1',
    kind: 'Workflow',
    metadata: { generateName: `${name}-` },
    spec: {
      entrypoint: 'main',
      templates: [
        {
          name: 'main',
          dag: {
            tasks: [{ name: 'fan', template: 'work', withItems: Array.from({ length: count }, (_, i) => i) }],
          },
        },
        {
          name: 'work',
          metadata: { annotations: { 'sim.argosy.io/duration': '50ms' } },
          container: { image: 'argoproj/argosay:v2' },
        },
      ],
    },
  } as unknown as Workflow;
}

/** For `incompressible-*` workflows: a node message of random data that no compression can shrink. */
function bloating(snapshot: Snapshot, now: Date): Decision {
  const d = engineDecide(snapshot, now);
  if (!prefixOf(snapshot.workflow.metadata.name ?? '').startsWith('incompressible')) return d;
  const first = Object.values(d.status.nodes ?? {})[0];
  if (first) first.message = randomBytes(1_600_000).toString('base64');
  return d;
}

/** Two long steps in cluster other, in a namespace given by a parameter (a templated place). */
function remoteLong(name: string): Workflow {
  const wf = wide(name, 2);
  wf.spec.arguments = { parameters: [{ name: 'ns', value: 'argo' }] };
  Object.assign(wf.spec.templates![1]!, {
    clusterName: 'other',
    namespace: '{{workflow.parameters.ns}}',
    serviceAccountName: 'workflow',
    metadata: { annotations: { 'sim.argosy.io/duration': '120s' } },
  });
  return wf;
}

describe('status size limit', () => {
  let stack: LocalStack;
  let log: CapturedLog;
  before(async () => {
    log = captureLog();
    // No node status store: here a status too large even compressed cannot be stored at all (with one,
    // its nodes are offloaded: test/integration/pipeline/offload.test.ts).
    stack = await faultStack(log, { decide: bloating as never, config: { statusBucket: '' } });
  });
  after(async () => {
    await stack?.stop();
  });

  test(`huge withItems (${WIDE} pods): nodes stored compressed, the workflow completes`, async () => {
    const wf = await runToEnd(stack, wide('wide', WIDE), 240_000);
    assert.equal(wf.status?.phase, 'Succeeded', wf.status?.message);
    assert.ok(wf.status?.compressedNodes, 'the stored object carries compressedNodes');
    assert.equal(wf.status?.nodes, undefined);
    const nodes = Object.values(inflateWorkflow(wf).status?.nodes ?? {});
    assert.equal(nodes.filter((n) => n.type === 'Pod' && n.phase === 'Succeeded').length, WIDE);
    assert.equal((await podsOf(stack, wf.metadata.name!, ['main'])).length, WIDE, 'one pod per item');
    assert.ok(Buffer.byteLength(JSON.stringify(wf)) < 1024 * 1024);
  });

  test('a status too large even compressed: phase Error with a clear message, no endless retry', async () => {
    const c = await stack.submit(wide('incompressible', 2), 'argo');
    // Status first, then the completed label (write order of ADR 0003).
    const wf = await stack.waitFor(
      'argo',
      c.metadata.name!,
      (w) => w.metadata.labels?.['workflows.argoproj.io/completed'] === 'true',
      30_000,
    );
    assert.equal(wf.status?.phase, 'Error');
    assert.match(wf.status?.message ?? '', /longer than maximum allowed size/);
    // The counter is the stack's: the previous case's 2,500 pods may still be getting their completed
    // labels. A looping reconcile never lets it rest for 1.5 s; the stack settles well within 30 s.
    const deadline = Date.now() + 30_000;
    let quiet = false;
    while (!quiet && Date.now() < deadline) {
      const writes = stack.runtime.counters.writes;
      await new Promise((r) => setTimeout(r, 1500));
      quiet = stack.runtime.counters.writes === writes;
    }
    assert.ok(quiet, 'no further writes: the reconcile does not loop');
    assert.ok(log.find(/status too large/).some((r) => r.workflow === wf.metadata.name));
  });

  test('a status too large: the pods it started are stopped, their templated places kept for the finalizer', async () => {
    const c = await stack.submit(remoteLong('incompressible-remote'), 'argo');
    const name = c.metadata.name!;
    const wf = await stack.waitFor(
      'argo',
      name,
      (w) => w.metadata.labels?.['workflows.argoproj.io/completed'] === 'true',
      30_000,
    );
    assert.equal(wf.status?.phase, 'Error');
    assert.match(wf.status?.message ?? '', /longer than maximum allowed size.*pods were stopped/);
    // The place came from a parameter: only the recorded places name it once the node tree is gone.
    assert.ok(
      podPlaces(inflateWorkflow(wf), 'main').some((p) => p.cluster === 'other' && p.namespace === 'argo'),
      JSON.stringify(wf.status?.podPlaces),
    );
    const running = (await podsOf(stack, name)).filter(
      (p) => !p.pod.metadata.deletionTimestamp && !['Succeeded', 'Failed'].includes(p.pod.status?.phase ?? ''),
    );
    assert.deepEqual(
      running.map((p) => `${p.cluster}/${p.pod.metadata.name}`),
      [],
      'no pod left running',
    );
    const events = await stack.mainClient.request<{ items: { reason: string; involvedObject: { name: string } }[] }>({
      method: 'GET',
      path: '/api/v1/namespaces/argo/events',
    });
    assert.ok(events.items.some((e) => e.reason === 'WorkflowError' && e.involvedObject.name === name));
    // Deleting it finishes: the finalizer finds every place it used.
    await stack.mainClient.request({
      method: 'DELETE',
      path: `/apis/argoproj.io/v1alpha1/namespaces/argo/workflows/${name}`,
    });
    await until(
      () =>
        stack.mainClient
          .request({ method: 'GET', path: `/apis/argoproj.io/v1alpha1/namespaces/argo/workflows/${name}` })
          .then(() => false)
          .catch(() => true),
      30_000,
      'workflow deleted',
    );
    assert.equal((await podsOf(stack, name)).length, 0);
  });
});

describe('huge withItems in the engine', () => {
  test('10,000 items: validated and decided in one bounded step', () => {
    const wf = wide('engine', 10_000);
    wf.metadata = { name: 'engine-x', namespace: 'argo', uid: 'u1', creationTimestamp: '2026-01-01T00:00:00Z' };
    const d = engineDecide({ workflow: wf, pods: [], controller: { clusterName: 'main' } } as Snapshot, new Date());
    const creates = d.actions.filter((a) => a.kind === 'CreatePod').length;
    assert.ok(creates > 0 && creates <= 10_000, `creates ${creates}`);
    assert.notEqual(d.status.phase, 'Error', d.status.message);
  });
});
