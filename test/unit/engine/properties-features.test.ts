/**
 * Properties of decide over random DAGs that use retries, task exit handlers and parallelism
 * (fast-check): every run completes, decide is idempotent on its own output at every round (checked
 * by `drive`), no task's pod starts before its dependencies and their exit handlers are done, and
 * the workflow never has more active pods than `spec.parallelism`.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { nodeId } from '../../../src/engine/index.ts';
import type { NodeStatus, Workflow } from '../../../src/engine/types.ts';
import { byArgs, drive } from './drive.ts';

interface Spec {
  deps: number[][];
  fails: boolean[];
  exits: boolean[];
  retries: boolean[];
  parallelism: number;
}

const specArb: fc.Arbitrary<Spec> = fc.integer({ min: 1, max: 8 }).chain((n) =>
  fc.record({
    deps: fc.tuple(
      ...Array.from({ length: n }, (_, i) =>
        fc.uniqueArray(fc.integer({ min: 0, max: Math.max(0, i - 1) }), { maxLength: i === 0 ? 0 : 2 }),
      ),
    ),
    fails: fc.array(fc.boolean(), { minLength: n, maxLength: n }),
    exits: fc.array(fc.boolean(), { minLength: n, maxLength: n }),
    retries: fc.array(fc.boolean(), { minLength: n, maxLength: n }),
    parallelism: fc.integer({ min: 1, max: 3 }),
  }),
);

function workflowOf(spec: Spec): Workflow {
  const tasks = spec.deps.map((ds, i) => {
    const task: Record<string, unknown> = {
      name: `t${i}`,
      template: `${spec.retries[i] ? 'retry' : 'once'}`,
      arguments: { parameters: [{ name: 'a', value: spec.fails[i] ? 'fail' : 'ok' }] },
    };
    if (ds.length > 0) task.depends = ds.map((d) => `(t${d}.Succeeded || t${d}.Failed)`).join(' && ');
    if (spec.exits[i]) task.onExit = 'cleanup';
    return task;
  });
  const work = (name: string, retry: boolean): Record<string, unknown> => ({
    name,
    inputs: { parameters: [{ name: 'a' }] },
    container: { image: 'alpine', args: ['{{inputs.parameters.a}}'] },
    ...(retry ? { retryStrategy: { limit: 1 } } : {}),
  });
  return {
    metadata: { name: 'p', namespace: 'argo', uid: 'u' },
    spec: {
      entrypoint: 'main',
      parallelism: spec.parallelism,
      templates: [
        { name: 'main', dag: { tasks: tasks as never } },
        work('once', false),
        work('retry', true),
        { name: 'cleanup', container: { image: 'alpine', args: ['ok'] } },
      ] as never,
    },
  };
}

const fulfilled = (n: NodeStatus | undefined): boolean =>
  !!n && ['Succeeded', 'Failed', 'Error', 'Skipped', 'Omitted'].includes(n.phase ?? '');

describe('decide properties with retries, exit handlers and parallelism', () => {
  test('completes, idempotent, dependencies and their exit handlers first, parallelism respected', () => {
    fc.assert(
      fc.property(specArb, (spec) => {
        const r = drive(workflowOf(spec), { outcome: byArgs, maxRounds: 200 });
        assert.ok(
          ['Succeeded', 'Failed'].includes(r.workflow.status?.phase ?? ''),
          `ended ${r.workflow.status?.phase}`,
        );
        for (const d of r.decisions) {
          const nodes = d.status.nodes ?? {};
          const active = Object.values(nodes).filter(
            (n) => n.type === 'Pod' && (n.phase === 'Pending' || n.phase === 'Running'),
          ).length;
          assert.ok(active <= spec.parallelism, `${active} active pods > ${spec.parallelism}`);
          for (const a of d.actions) {
            if (a.kind !== 'CreatePod') continue;
            const name = a.pod.metadata.annotations?.['workflows.argoproj.io/node-name'] ?? '';
            const m = /^p\.t(\d+)(\(\d+\))?$/.exec(name);
            if (!m) continue;
            for (const dep of spec.deps[Number(m[1])] ?? []) {
              const depName = `p.t${dep}`;
              assert.ok(fulfilled(nodes[nodeId('p', depName)]), `${name} before ${depName}`);
              if (spec.exits[dep])
                assert.ok(fulfilled(nodes[nodeId('p', `${depName}.onExit`)]), `${name} before ${depName}.onExit`);
            }
          }
        }
        const final = r.workflow.status?.nodes ?? {};
        spec.exits.forEach((has, i) => {
          if (has) assert.equal(final[nodeId('p', `p.t${i}.onExit`)]?.phase, 'Succeeded', `t${i}.onExit`);
        });
      }),
      { numRuns: 80 },
    );
  });
});
