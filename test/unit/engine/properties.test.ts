/**
 * Properties of decide over random DAGs (fast-check): no task's pod before its dependencies are
 * fulfilled; decide is idempotent on its own output; IDs are stable and runs are deterministic.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { decide, nodeId } from '../../../src/engine/index.ts';
import type { ObservedPod } from '../../../src/engine/contract.ts';
import type { NodeStatus, Workflow } from '../../../src/engine/types.ts';
import { advancePod, applyDecision, applyPodActions, runWorkflow, simulateContainer } from './kubelet-sim.ts';
import { NOW } from './fixtures.ts';

interface Spec {
  deps: number[][];
  fails: boolean[];
  useDepends: boolean;
}

const specArb: fc.Arbitrary<Spec> = fc.integer({ min: 1, max: 12 }).chain((n) =>
  fc.record({
    deps: fc.tuple(
      ...Array.from({ length: n }, (_, i) =>
        fc.uniqueArray(fc.integer({ min: 0, max: Math.max(0, i - 1) }), { maxLength: i === 0 ? 0 : 3 }),
      ),
    ),
    fails: fc.array(fc.boolean(), { minLength: n, maxLength: n }),
    useDepends: fc.boolean(),
  }),
);

function workflowOf(spec: Spec): Workflow {
  const tasks = spec.deps.map((ds, i) => {
    const task: Record<string, unknown> = { name: `t${i}`, template: spec.fails[i] ? 'fail' : 'pass' };
    const names = ds.map((d) => `t${d}`);
    if (names.length > 0) {
      if (spec.useDepends) task.depends = names.map((x) => `(${x}.Succeeded || ${x}.Failed)`).join(' && ');
      else task.dependencies = names;
    }
    return task;
  });
  return {
    metadata: { name: 'p', namespace: 'argo', uid: 'u' },
    spec: {
      entrypoint: 'main',
      templates: [
        { name: 'main', dag: { tasks: tasks as never } },
        { name: 'pass', container: { image: 'argoproj/argosay:v2' } },
        { name: 'fail', container: { image: 'argoproj/argosay:v2', args: ['exit', '1'] } },
      ],
    },
  };
}

const fulfilled = (n: NodeStatus | undefined): boolean =>
  !!n && ['Succeeded', 'Failed', 'Error', 'Skipped', 'Omitted'].includes(n.phase ?? '');

describe('decide properties', () => {
  test('no pod is created before its dependencies are fulfilled, and every run completes', () => {
    fc.assert(
      fc.property(specArb, (spec) => {
        const wf = workflowOf(spec);
        const r = runWorkflow(wf);
        assert.ok(
          ['Succeeded', 'Failed'].includes(r.workflow.status?.phase ?? ''),
          `ended ${r.workflow.status?.phase}`,
        );
        for (const d of r.decisions) {
          for (const a of d.actions) {
            if (a.kind !== 'CreatePod') continue;
            const i = spec.deps.findIndex((_, k) => nodeId('p', `p.t${k}`) === a.nodeId);
            for (const dep of spec.deps[i] ?? [])
              assert.ok(fulfilled(d.status.nodes?.[nodeId('p', `p.t${dep}`)]), `t${i} before t${dep}`);
          }
        }
      }),
      { numRuns: 150 },
    );
  });

  test('decide is idempotent on its own output', () => {
    fc.assert(
      fc.property(specArb, (spec) => {
        const controller = { clusterName: 'main' };
        let wf = workflowOf(spec);
        let pods: ObservedPod[] = [];
        let now = NOW;
        for (let round = 0; round < 60; round++) {
          const d = decide({ workflow: wf, pods, controller }, now);
          wf = applyDecision(wf, d);
          pods = applyPodActions(pods, d);
          const again = decide({ workflow: wf, pods, controller }, now);
          assert.deepEqual(again.actions, []);
          assert.deepEqual(again.status, d.status);
          if (wf.metadata.labels?.['workflows.argoproj.io/completed'] === 'true') return;
          now = new Date(now.getTime() + 1000);
          pods = pods.map((p) => advancePod(p, now, simulateContainer, false));
        }
        assert.fail('did not complete');
      }),
      { numRuns: 100 },
    );
  });

  test('node IDs are Argo IDs of their names, and runs are deterministic', () => {
    fc.assert(
      fc.property(specArb, (spec) => {
        const a = runWorkflow(workflowOf(spec));
        const b = runWorkflow(workflowOf(spec));
        assert.deepEqual(a.workflow.status, b.workflow.status);
        for (const [id, n] of Object.entries(a.workflow.status?.nodes ?? {})) assert.equal(id, nodeId('p', n.name));
      }),
      { numRuns: 60 },
    );
  });
});
