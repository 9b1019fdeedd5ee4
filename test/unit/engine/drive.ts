/**
 * Drives a workflow through decide + the simulated kubelet like `runWorkflow`, checking at every round
 * that decide is idempotent on its own output (same now: no actions, same status), and optionally
 * jumping the clock to the requested wake-up when nothing else would happen.
 */
import assert from 'node:assert/strict';
import { decide, needsResult } from '../../../src/engine/index.ts';
import type { Decision, KubePod, ObservedPod, PlacementCheck } from '../../../src/engine/contract.ts';
import type { NodeStatus, Workflow } from '../../../src/engine/types.ts';
import { advancePod, applyDecision, applyPodActions, simulateContainer, type Outcome } from './kubelet-sim.ts';
import { NOW } from './fixtures.ts';

export interface DriveOptions {
  outcome?: (pod: KubePod) => Outcome;
  checkPlacement?: PlacementCheck;
  maxRounds?: number;
  /** Seconds the clock moves per round (default 1). */
  step?: number;
  /** The clock at the first decide (default NOW). */
  start?: Date;
  /** Stop before this round's kubelet step when it returns true. */
  until?: (wf: Workflow, d: Decision) => boolean;
}

export interface Driven {
  workflow: Workflow;
  decisions: Decision[];
  pods: ObservedPod[];
  now: Date;
}

export function drive(input: Workflow, opts: DriveOptions = {}, initialPods: ObservedPod[] = []): Driven {
  const controller = { clusterName: 'main' };
  let wf = input;
  let pods: ObservedPod[] = initialPods;
  let now = opts.start ?? NOW;
  const decisions: Decision[] = [];
  for (let round = 0; round < (opts.maxRounds ?? 100); round++) {
    const snap = {
      workflow: wf,
      pods,
      controller,
      ...(opts.checkPlacement ? { checkPlacement: opts.checkPlacement } : {}),
    };
    const d = decide(snap, now);
    decisions.push(d);
    wf = applyDecision(wf, d);
    pods = applyPodActions(pods, d);
    const again = decide({ ...snap, workflow: wf, pods }, now);
    assert.deepEqual(again.actions, [], `round ${round}: decide is not idempotent`);
    assert.deepEqual(again.status, d.status, `round ${round}: status changed on a second decide`);
    if (wf.metadata.labels?.['workflows.argoproj.io/completed'] === 'true' || opts.until?.(wf, d)) break;
    now = new Date(now.getTime() + (opts.step ?? 1) * 1000);
    pods = pods.map((p) => {
      const id = p.pod.metadata.annotations?.['workflows.argoproj.io/node-id'] ?? '';
      return advancePod(p, now, opts.outcome ?? simulateContainer, needsResult(wf, id));
    });
  }
  return { workflow: wf, decisions, pods, now };
}

/** Nodes by name. */
export function byName(wf: Workflow): Map<string, NodeStatus> {
  return new Map(Object.values(wf.status?.nodes ?? {}).map((n) => [n.name, n]));
}

/** A pod outcome from the first arg: `fail` exits 1, anything else 0; stdout echoes the args. */
export function byArgs(pod: KubePod): Outcome {
  const args = pod.spec.containers[0]?.args ?? [];
  return { exitCode: args[0] === 'fail' ? 1 : 0, stdout: `${args.join(' ')}\n` };
}
