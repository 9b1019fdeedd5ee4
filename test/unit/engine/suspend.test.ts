import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { decide } from '../../../src/engine/index.ts';
import type { Workflow } from '../../../src/engine/types.ts';
import {
  isWorkflowSuspended,
  ResumeError,
  resumeSpecPatch,
  resumeWorkflow,
} from '../../../src/engine/suspend/resume.ts';
import { applyDecision } from './kubelet-sim.ts';
import { byName, drive } from './drive.ts';
import { NOW, wfFromYaml } from './fixtures.ts';

const controller = { clusterName: 'main' };
const at = (s: number): Date => new Date(NOW.getTime() + s * 1000);

const suspending = (suspend: string): Workflow =>
  wfFromYaml(`
spec:
  entrypoint: main
  templates:
  - name: main
    steps:
    - - {name: wait, template: wait}
    - - {name: after, template: work}
  - name: wait
    suspend: ${suspend}
    outputs:
      parameters:
      - {name: approved, valueFrom: {supplied: {}, default: "yes"}}
  - name: work
    container: {image: alpine, args: [ok]}
`);

describe('suspend', () => {
  test('duration: Suspend node Running with a wake-up at the end, then Succeeded; progress counts it', () => {
    const first = decide({ workflow: suspending('{duration: "10"}'), pods: [], controller }, NOW);
    const node = byName({ metadata: {}, spec: {}, status: first.status }).get('wf[0].wait');
    assert.equal(node?.type, 'Suspend');
    assert.equal(node?.phase, 'Running');
    assert.equal(first.requeueAfterMs, 10_000);
    assert.equal(first.status.progress, '0/1');
    assert.deepEqual(node?.outputs?.parameters?.[0]?.valueFrom, { supplied: {}, default: 'yes' });
    const wf = applyDecision(suspending('{duration: "10"}'), first);
    const mid = decide({ workflow: wf, pods: [], controller }, at(4));
    assert.equal(mid.requeueAfterMs, 6000);
    assert.deepEqual(mid.actions, []);
    const done = decide({ workflow: wf, pods: [], controller }, at(10));
    const n = byName({ metadata: {}, spec: {}, status: done.status });
    assert.equal(n.get('wf[0].wait')?.phase, 'Succeeded');
    assert.equal(n.get('wf[0].wait')?.outputs?.parameters?.[0]?.value, 'yes');
    assert.equal(done.status.progress, '1/2');
    assert.ok(done.actions.some((a) => a.kind === 'CreatePod'));
  });

  test('Go durations and a run to the end through the simulated kubelet', () => {
    const r = drive(suspending('{duration: 3s}'));
    assert.equal(r.workflow.status?.phase, 'Succeeded');
    assert.equal(r.workflow.status?.progress, '2/2');
  });

  test('indefinite suspend stays Running (no wake-up) until resumeWorkflow marks it Succeeded', () => {
    let wf = suspending('{}');
    const d = decide({ workflow: wf, pods: [], controller }, NOW);
    assert.equal(d.requeueAfterMs, undefined);
    wf = applyDecision(wf, d);
    assert.equal(isWorkflowSuspended(wf), true);
    const still = decide({ workflow: wf, pods: [], controller }, at(3600));
    assert.equal(byName({ ...wf, status: still.status }).get('wf[0].wait')?.phase, 'Running');
    assert.throws(() => resumeWorkflow(wf, 'displayName=nope', at(5)), ResumeError);
    const status = resumeWorkflow(wf, 'displayName=wait', at(5));
    const resumed = byName({ ...wf, status }).get('wf[0].wait');
    assert.equal(resumed?.phase, 'Succeeded');
    assert.equal(resumed?.finishedAt, '2026-01-02T15:04:10Z');
    assert.deepEqual(resumed?.outputs?.parameters?.[0], { name: 'approved', value: 'yes' });
    const next = decide({ workflow: { ...wf, status }, pods: [], controller }, at(6));
    assert.ok(next.actions.some((a) => a.kind === 'CreatePod'));
  });

  test('a supplied output without default cannot be resumed (Argo message)', () => {
    let wf = wfFromYaml(`
spec:
  entrypoint: wait
  templates:
  - name: wait
    suspend: {}
    outputs: {parameters: [{name: x, valueFrom: {supplied: {}}}]}
`);
    wf = applyDecision(wf, decide({ workflow: wf, pods: [], controller }, NOW));
    assert.throws(
      () => resumeWorkflow(wf, undefined, at(1)),
      /raw output parameter 'x' has not been set and does not have a default value/,
    );
  });

  test('spec.suspend: no new pods and no completion until resumed (spec.suspend cleared)', () => {
    const wf = wfFromYaml(`
spec:
  entrypoint: main
  suspend: true
  templates:
  - name: main
    container: {image: alpine, args: [ok]}
`);
    const d = decide({ workflow: wf, pods: [], controller }, NOW);
    assert.deepEqual(d.actions, []);
    assert.equal(d.status.phase, 'Running');
    assert.equal(isWorkflowSuspended(wf), true);
    assert.deepEqual(resumeSpecPatch(wf), { suspend: null });
    const resumed = applyDecision({ ...wf, spec: { ...wf.spec, suspend: undefined } }, d);
    const next = decide({ workflow: resumed, pods: [], controller }, at(1));
    assert.equal(next.actions[0]?.kind, 'CreatePod');
  });

  test('past the workflow deadline an active suspend node fails with "Step exceeded its deadline"', () => {
    const wf = suspending('{}');
    wf.spec.activeDeadlineSeconds = 5;
    const w = applyDecision(wf, decide({ workflow: wf, pods: [], controller }, NOW));
    const d = decide({ workflow: w, pods: [], controller }, at(6));
    const n = byName({ ...w, status: d.status });
    assert.equal(n.get('wf[0].wait')?.phase, 'Failed');
    assert.equal(n.get('wf[0].wait')?.message, 'Step exceeded its deadline');
    assert.equal(d.status.phase, 'Failed');
  });
});
