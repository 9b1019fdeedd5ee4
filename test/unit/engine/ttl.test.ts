/** ttlStrategy as Argo's gccontroller reads it, and the wake-up the finishing decide asks for. */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { ttlExpiresAt, ttlSeconds } from '../../../src/engine/index.ts';
import type { Workflow, WorkflowPhase } from '../../../src/engine/types.ts';
import { runWorkflow } from './kubelet-sim.ts';
import { wfFromYaml } from './fixtures.ts';

const wf = (phase: string, ttl: Record<string, number>): Workflow => ({
  metadata: { name: 'w' },
  spec: { ttlStrategy: ttl },
  status: { phase: phase as WorkflowPhase, finishedAt: '2026-01-02T03:04:05Z' },
});

describe('ttlStrategy', () => {
  test('failure and success seconds win over completion; Error counts only as completion', () => {
    const all = { secondsAfterCompletion: 10, secondsAfterSuccess: 5, secondsAfterFailure: 7 };
    assert.equal(ttlSeconds(wf('Succeeded', all)), 5);
    assert.equal(ttlSeconds(wf('Failed', all)), 7);
    assert.equal(ttlSeconds(wf('Error', all)), 10);
    assert.equal(ttlSeconds(wf('Failed', { secondsAfterSuccess: 5 })), undefined);
    assert.equal(ttlSeconds(wf('Running', all)), undefined);
    assert.equal(ttlExpiresAt(wf('Succeeded', all)), Date.parse('2026-01-02T03:04:10Z'));
  });

  test('the decide that finishes the workflow asks to come back when it expires', () => {
    const r = runWorkflow(
      wfFromYaml(`
spec:
  entrypoint: t
  ttlStrategy: {secondsAfterSuccess: 30}
  templates:
  - {name: t, container: {image: alpine, command: [echo, hi]}}
`),
    );
    assert.equal(r.workflow.status?.phase, 'Succeeded');
    const last = r.decisions.at(-1);
    assert.equal(last?.requeueAfterMs, 30_000);
  });
});
