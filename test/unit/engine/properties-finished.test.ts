/**
 * Property: a finished workflow has no unfinished node. Random steps workflows (failing steps, `when`s
 * true, false or impossible to evaluate, continueOn, retries, failFast DAGs) run through decide and the
 * simulated kubelet, with some pod creates refused by the API server as the runtime reports them
 * (`Snapshot.effects`, decided again in the same round). Argo's conditionals.yaml is the seed case: a
 * sibling step stayed Pending inside a finished Failed workflow.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { decide } from '../../../src/engine/index.ts';
import type { Action, Decision, EffectResult, ObservedPod, Snapshot } from '../../../src/engine/contract.ts';
import type { Workflow } from '../../../src/engine/types.ts';
import { advancePod, applyDecision, applyPodActions, simulateContainer } from './kubelet-sim.ts';
import { NOW, wfFromYaml } from './fixtures.ts';

interface StepSpec {
  template: 'pass' | 'fail' | 'refused';
  when: 'none' | 'true' | 'false' | 'invalid';
  continueOn: boolean;
  retries: number;
}

const stepArb: fc.Arbitrary<StepSpec> = fc.record({
  template: fc.constantFrom('pass', 'fail', 'refused'),
  when: fc.constantFrom('none', 'none', 'true', 'false', 'invalid'),
  continueOn: fc.boolean(),
  retries: fc.integer({ min: 0, max: 2 }),
});
const groupsArb = fc.array(fc.array(stepArb, { minLength: 1, maxLength: 3 }), { minLength: 1, maxLength: 3 });

const WHEN = { none: undefined, true: '1 == 1', false: '1 == 2', invalid: '{{workflow.parameters.broken}}' };

function workflowOf(groups: StepSpec[][], dag: boolean): Workflow {
  const steps = groups.map((g, gi) =>
    g.map((s, si) => {
      const step: Record<string, unknown> = { name: `s${gi}x${si}`, template: s.template };
      if (WHEN[s.when]) step.when = WHEN[s.when];
      if (s.continueOn) step.continueOn = { failed: true, error: true };
      return step;
    }),
  );
  const retry = groups.flat().some((s) => s.retries > 0) ? { retryStrategy: { limit: 1, retryPolicy: 'Always' } } : {};
  const main = dag
    ? {
        name: 'main',
        dag: {
          failFast: true,
          tasks: steps
            .flat()
            .map((t, i) => (i === 0 ? t : { ...t, depends: `${steps.flat()[i - 1]!.name as string}` })),
        },
      }
    : { name: 'main', steps };
  return wfFromYaml(
    JSON.stringify({
      metadata: { name: 'p', namespace: 'argo' },
      spec: {
        entrypoint: 'main',
        // Valid at submit, impossible to evaluate at run time (as `{{=…}}` was in conditionals.yaml).
        arguments: { parameters: [{ name: 'broken', value: '1 ==' }] },
        templates: [
          main,
          { name: 'pass', container: { image: 'argoproj/argosay:v2' }, ...retry },
          { name: 'fail', container: { image: 'argoproj/argosay:v2', args: ['exit', '1'] }, ...retry },
          { name: 'refused', clusterName: 'other', namespace: 'gone', container: { image: 'argoproj/argosay:v2' } },
        ],
      },
    }),
  );
}

type Create = Extract<Action, { kind: 'CreatePod' }>;

/** One reconcile as the runtime does it: decide, refuse creates in other/gone, decide again on them. */
function reconcile(snap: Snapshot, now: Date): Decision {
  let d = decide(snap, now);
  for (let round = 0; round < 5; round++) {
    const refused = d.actions.filter((a): a is Create => a.kind === 'CreatePod' && a.namespace === 'gone');
    if (refused.length === 0) break;
    const effects: EffectResult[] = refused.map((a) => ({
      kind: 'CreatePod',
      nodeId: a.nodeId,
      cluster: a.cluster,
      namespace: a.namespace,
      outcome: { kind: 'rejected', statusCode: 404, reason: 'NotFound', message: 'namespaces "gone" not found' },
    }));
    const made = applyPodActions(snap.pods, { ...d, actions: d.actions.filter((a) => !refused.includes(a as Create)) });
    snap = { ...snap, workflow: applyDecision(snap.workflow, d), pods: made, effects };
    d = decide(snap, now);
  }
  return d;
}

describe('finished workflows', () => {
  test('a finished workflow has no Pending or Running node', () => {
    fc.assert(
      fc.property(groupsArb, fc.boolean(), (groups, dag) => {
        let wf = workflowOf(groups, dag);
        let pods: ObservedPod[] = [];
        let now = NOW;
        for (let round = 0; round < 60; round++) {
          const d = reconcile({ workflow: wf, pods, controller: { clusterName: 'main' } }, now);
          wf = applyDecision(wf, d);
          pods = applyPodActions(pods, {
            ...d,
            actions: d.actions.filter((a) => !(a.kind === 'CreatePod' && a.namespace === 'gone')),
          });
          if (['Succeeded', 'Failed', 'Error'].includes(wf.status?.phase ?? '')) break;
          now = new Date(now.getTime() + 1000);
          pods = pods.map((p) => advancePod(p, now, simulateContainer, false));
        }
        const phase = wf.status?.phase ?? '';
        assert.ok(['Succeeded', 'Failed', 'Error'].includes(phase), `ended ${phase}`);
        const open = Object.values(wf.status?.nodes ?? {}).filter(
          (n) => n.phase === 'Pending' || n.phase === 'Running',
        );
        assert.deepEqual(
          open.map((n) => `${n.type} ${n.name} ${n.phase}`),
          [],
          `unfinished nodes in a ${phase} workflow`,
        );
      }),
      { numRuns: 150 },
    );
  });
});
