// A running workflow's reconcile reads only its pods not labelled completed (engine/pod-scope.ts, as
// Argo's pod informer). Pinned on the local stack by counts: no decide of a running workflow is given a
// labelled pod, no pod is ever labelled before the stored status records its node's outcome, and a pod
// labelled ahead of a lost status write (the hazard the ordering prevents) is read back, not lost.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Decision, Snapshot } from '../../../src/engine/contract.ts';
import { decide } from '../../../src/engine/index.ts';
import type { NodeStatus, Workflow } from '../../../src/engine/types.ts';
import { startLocalStack, type LocalStack } from '../../../src/local/stack.ts';
import { InjectedCrashError } from '../../../src/runtime/errors.ts';
import { isDone, podsOf } from './helpers.ts';

const COMPLETED = 'workflows.argoproj.io/completed';
const NODE_ID = 'workflows.argoproj.io/node-id';
const FULFILLED = new Set(['Succeeded', 'Failed', 'Error', 'Skipped', 'Omitted']);

function fanOut(prefix: string, width: number): Workflow {
  return {
    apiVersion: 'argoproj.io/v1alpha1',
    kind: 'Workflow',
    metadata: { generateName: `${prefix}-` },
    spec: {
      entrypoint: 'main',
      templates: [
        { name: 'main', dag: { tasks: [{ name: 'fan', template: 'work', withSequence: { count: String(width) } }] } },
        { name: 'work', container: { image: 'argoproj/argosay:v2' } },
      ],
    },
  } as Workflow;
}

function twoSteps(prefix: string): Workflow {
  return {
    apiVersion: 'argoproj.io/v1alpha1',
    kind: 'Workflow',
    metadata: { generateName: `${prefix}-` },
    spec: {
      entrypoint: 'main',
      templates: [
        { name: 'main', steps: [[{ name: 'a', template: 'work' }], [{ name: 'b', template: 'work' }]] },
        { name: 'work', container: { image: 'argoproj/argosay:v2' } },
      ],
    },
  } as Workflow;
}

interface Seen {
  partialDecides: number;
  labelledInPartial: number;
  podsInPartial: number;
  wanted: string[];
  /** Labelled pods whose node the stored status did not record as finished, found before a status write. */
  early: string[];
  /** Workflows (by prefix) whose first finished pod is labelled and the status write then lost. */
  loseWrite: Set<string>;
  lost: number;
}

const seen: Seen = {
  partialDecides: 0,
  labelledInPartial: 0,
  podsInPartial: 0,
  wanted: [],
  early: [],
  loseWrite: new Set(),
  lost: 0,
};

function countingDecide(snapshot: Snapshot, now: Date): Decision {
  if (snapshot.unfinishedPodsOnly) {
    seen.partialDecides++;
    seen.podsInPartial += snapshot.pods.length;
    seen.labelledInPartial += snapshot.pods.filter((p) => p.pod.metadata.labels?.[COMPLETED] === 'true').length;
  }
  const d = decide(snapshot, now);
  if (d.finishedPodsWanted) seen.wanted.push(d.finishedPodsWanted);
  return d;
}

describe('reconciles read only unfinished pods', () => {
  let stack: LocalStack;

  /** Before each status write: every labelled pod's node is finished in the status stored now. */
  async function checkOrder(wf: Workflow): Promise<void> {
    const name = wf.metadata.name!;
    const stored = await stack.mainClient.request<Workflow>({
      method: 'GET',
      path: `/apis/argoproj.io/v1alpha1/namespaces/argo/workflows/${name}`,
    });
    const nodes: Record<string, NodeStatus> = stored.status?.nodes ?? {};
    const pods = await podsOf(stack, name, ['main']);
    for (const p of pods) {
      const id = p.pod.metadata.annotations?.[NODE_ID] ?? '';
      if (p.pod.metadata.labels?.[COMPLETED] === 'true' && !FULFILLED.has(nodes[id]?.phase ?? ''))
        seen.early.push(`${p.pod.metadata.name} (${nodes[id]?.phase})`);
    }
    const prefix = name.replace(/-[a-z0-9]{5}$/, '');
    const done = pods.find((p) => p.pod.status?.phase === 'Succeeded' && p.pod.metadata.labels?.[COMPLETED] !== 'true');
    if (!seen.loseWrite.has(prefix) || !done) return;
    // Label the finished pod as if a label had won over this status write, then lose the write.
    seen.loseWrite.delete(prefix);
    seen.lost++;
    await stack.mainClient.request({
      method: 'PATCH',
      path: `/api/v1/namespaces/argo/pods/${done.pod.metadata.name}`,
      contentType: 'application/merge-patch+json',
      body: { metadata: { labels: { [COMPLETED]: 'true' } } },
    });
    throw new InjectedCrashError('status write lost after the pod was labelled completed');
  }

  before(async () => {
    stack = await startLocalStack({
      runtime: 'sim',
      resyncIntervalMs: 0,
      visibilityTimeoutSeconds: 1,
      maxReceiveCount: 5,
      clusterOptions: { simDefaults: { durationMs: 200 } },
      config: { maxPodCreates: 10 },
      decide: countingDecide,
      hooks: { beforeStatusWrite: checkOrder },
    });
  });
  after(async () => {
    await stack?.stop();
  });

  test('a 30-wide fan-out: no decide of the running workflow is given a labelled pod, none labelled early', async () => {
    const c = await stack.submit(fanOut('fan', 30), 'argo');
    const wf = await stack.waitFor('argo', c.metadata.name!, isDone, 60_000);
    assert.equal(wf.status?.phase, 'Succeeded', wf.status?.message);
    const pods = await podsOf(stack, wf.metadata.name!, ['main']);
    assert.equal(pods.length, 30);
    const labelled = pods.filter((p) => p.pod.metadata.labels?.[COMPLETED] === 'true').length;
    assert.ok(labelled > 0, 'pods finished in earlier reconciles were labelled');
    assert.ok(seen.partialDecides > 1, `${seen.partialDecides} decides on unfinished pods`);
    assert.equal(seen.labelledInPartial, 0, 'no labelled pod listed while the workflow ran');
    assert.ok(seen.podsInPartial < seen.partialDecides * 30, `${seen.podsInPartial} pods in ${seen.partialDecides}`);
    assert.deepEqual(seen.early, [], 'no pod labelled before its node is stored finished');
  });

  test('a pod labelled and then its status write lost: its node is read back Succeeded, not lost', async () => {
    seen.loseWrite.add('lost');
    seen.wanted.length = 0;
    const c = await stack.submit(twoSteps('lost'), 'argo');
    const wf = await stack.waitFor('argo', c.metadata.name!, isDone, 60_000);
    assert.equal(seen.lost, 1, 'one status write lost');
    assert.equal(wf.status?.phase, 'Succeeded', wf.status?.message);
    const steps = Object.values(wf.status?.nodes ?? {}).filter((n) => n.type === 'Pod');
    assert.deepEqual(steps.map((n) => `${n.displayName} ${n.phase}`).sort(), ['a Succeeded', 'b Succeeded']);
    const pods = await podsOf(stack, wf.metadata.name!, ['main']);
    assert.equal(pods.length, 2, 'one pod per step: the labelled pod was adopted, not made again');
  });
});
