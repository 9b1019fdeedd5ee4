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
import { captureLog, faultStack, prefixOf, podsOf, runToEnd, type CapturedLog } from './helpers.ts';

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
  if (prefixOf(snapshot.workflow.metadata.name ?? '') !== 'incompressible') return d;
  const first = Object.values(d.status.nodes ?? {})[0];
  if (first) first.message = randomBytes(1_600_000).toString('base64');
  return d;
}

describe('status size limit', () => {
  let stack: LocalStack;
  let log: CapturedLog;
  before(async () => {
    log = captureLog();
    stack = await faultStack(log, { decide: bloating as never });
  });
  after(async () => {
    await stack?.stop();
  });

  test(`huge withItems (${WIDE} pods): nodes stored compressed, the workflow completes`, async () => {
    const wf = await runToEnd(stack, wide('wide', WIDE), 150_000);
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
    const writes = stack.runtime.counters.writes;
    await new Promise((r) => setTimeout(r, 1500));
    assert.equal(stack.runtime.counters.writes, writes, 'no further writes: the reconcile does not loop');
    assert.ok(log.find(/status too large/).some((r) => r.workflow === wf.metadata.name));
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
