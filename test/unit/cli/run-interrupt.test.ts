// An interrupted `argosy run` says what its unfinished steps were waiting for (issue 13: a run that
// waited too long — a pod that cannot be scheduled, a missing Secret — must not end without a reason).
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { unfinishedSummary } from '../../../src/cli/commands/run.ts';
import type { NodeStatus, Workflow } from '../../../src/engine/types.ts';

const node = (displayName: string, type: string, phase: string, message?: string): NodeStatus =>
  ({ id: displayName, name: displayName, displayName, type, phase, ...(message ? { message } : {}) }) as NodeStatus;
const wf = (...nodes: NodeStatus[]): Workflow =>
  ({ metadata: {}, spec: {}, status: { nodes: Object.fromEntries(nodes.map((n) => [n.id, n])) } }) as Workflow;

describe('unfinishedSummary', () => {
  test('pending pods with their reason; finished nodes and quiet step groups left out', () => {
    const s = unfinishedSummary(
      wf(
        node('w', 'Steps', 'Running'),
        node('done', 'Pod', 'Succeeded'),
        node(
          'win',
          'Pod',
          'Pending',
          "Unschedulable: 0/1 nodes are available: 1 node(s) didn't match Pod's node affinity/selector.",
        ),
        node('secret', 'Pod', 'Pending', 'CreateContainerConfigError: secret "my-secret" not found'),
      ),
    );
    assert.equal(
      s,
      ': win Pending: Unschedulable: 0/1 nodes are available: 1 node(s) didn\'t match Pod\'s node affinity/selector.; secret Pending: CreateContainerConfigError: secret "my-secret" not found',
    );
  });
  test('at most three, then a count; nothing when all finished', () => {
    const many = wf(...Array.from({ length: 5 }, (_, i) => node(`p${i}`, 'Pod', 'Running')));
    assert.equal(unfinishedSummary(many), ': p0 Running; p1 Running; p2 Running; 2 more');
    assert.equal(unfinishedSummary(wf(node('a', 'Pod', 'Succeeded'))), '');
  });
});
