import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import type { Workflow } from '../../../src/engine/types.ts';
import { resumeWorkflow, ResumeError } from '../../../src/engine/suspend/resume.ts';
import { setSuspendedNodes } from '../../../src/engine/suspend/set-node.ts';
import { parseOutputParameters } from '../../../src/cli/commands/node.ts';
import { byName, drive } from './drive.ts';
import { NOW, wfFromYaml } from './fixtures.ts';

const at = (s: number): Date => new Date(NOW.getTime() + s * 1000);
const upstream = (file: string): Workflow =>
  wfFromYaml(readFileSync(`../shared/conformance/argo-upstream/examples__${file}.yaml`, 'utf8'));

const suspendedNow = (w: Workflow) =>
  Object.values(w.status?.nodes ?? {}).some((n) => n.type === 'Suspend' && n.phase === 'Running');

/** Runs the workflow (simulated kubelet) until it waits on its suspend node. */
function untilSuspended(wf: Workflow): Workflow {
  const r = drive(wf, { until: suspendedNow });
  assert.ok(suspendedNow(r.workflow), 'the suspend node runs');
  return r.workflow;
}

describe('argo node set on suspend nodes', () => {
  test('suspend-template-outputs: the supplied message reaches the next step through resume', () => {
    const wf = untilSuspended(upstream('suspend-template-outputs'));
    const approve = [...byName(wf).values()].find((n) => n.displayName === 'approve');
    assert.deepEqual(approve?.outputs?.parameters, [{ name: 'message', valueFrom: { supplied: {} } }]);
    assert.throws(() => resumeWorkflow(wf, undefined, at(30)), /raw output parameter 'message' has not been set/);
    const set = setSuspendedNodes(
      wf,
      'displayName=approve',
      { outputParameters: { message: 'Hello, world!' } },
      at(30),
    );
    const setNode = byName({ ...wf, status: set }).get(approve!.name);
    assert.deepEqual(setNode?.outputs?.parameters, [{ name: 'message', value: 'Hello, world!' }]);
    assert.equal(setNode?.phase, 'Running', 'set alone does not resume');
    // Already set: Argo refuses a second set of the same parameter.
    assert.throws(
      () =>
        setSuspendedNodes(
          { ...wf, status: set },
          'displayName=approve',
          { outputParameters: { message: 'x' } },
          at(31),
        ),
      /cannot set output parameter 'message' because it does not use valueFrom.raw or it was already set/,
    );
    const resumed = resumeWorkflow({ ...wf, status: set }, undefined, at(32));
    const r = drive({ ...wf, status: resumed });
    assert.equal(r.workflow.status?.phase, 'Succeeded');
    const release = [...byName(r.workflow).values()].find((n) => n.displayName === 'release');
    assert.deepEqual(release?.inputs?.parameters, [{ name: 'message', value: 'Hello, world!' }]);
  });

  test('intermediate-parameters: node inputs are recorded; YES supplied runs deploy-prod, the default NO skips it', () => {
    const wf = untilSuspended(upstream('intermediate-parameters'));
    const approval = [...byName(wf).values()].find((n) => n.displayName === 'approval');
    assert.equal(approval?.inputs?.parameters?.[0]?.value, 'NO');
    const yes = setSuspendedNodes(wf, 'displayName=approval', { outputParameters: { approve: 'YES' } }, at(30));
    const ran = drive({ ...wf, status: resumeWorkflow({ ...wf, status: yes }, undefined, at(31)) });
    assert.equal(ran.workflow.status?.phase, 'Succeeded');
    const prod = [...byName(ran.workflow).values()].find((n) => n.displayName === 'deploy-prod');
    assert.equal(prod?.phase, 'Succeeded');
    const no = setSuspendedNodes(
      wf,
      'inputs.parameters.approve.value=NO',
      { outputParameters: { approve: 'NO' } },
      at(30),
    );
    const skipped = drive({ ...wf, status: resumeWorkflow({ ...wf, status: no }, undefined, at(31)) });
    const prod2 = [...byName(skipped.workflow).values()].find((n) => n.displayName === 'deploy-prod');
    assert.equal(prod2?.phase, 'Skipped');
  });

  test('phase and message; Argo errors for a missing selector, no match, and an unexpected parameter', () => {
    const wf = untilSuspended(upstream('suspend-template-outputs'));
    const failed = setSuspendedNodes(wf, 'displayName=approve', { phase: 'Failed', message: 'rejected' }, at(30));
    const node = [...byName({ ...wf, status: failed }).values()].find((n) => n.displayName === 'approve');
    assert.equal(node?.phase, 'Failed');
    assert.equal(node?.message, 'rejected');
    assert.equal(node?.finishedAt, '2026-01-02T15:04:35Z');
    const end = drive({ ...wf, status: failed });
    assert.equal(end.workflow.status?.phase, 'Failed');
    assert.throws(() => setSuspendedNodes(wf, '', { message: 'm' }, at(1)), /use a node field selector to target them/);
    assert.throws(
      () => setSuspendedNodes(wf, 'displayName=nope', { message: 'm' }, at(1)),
      (e: Error) =>
        e instanceof ResumeError && /no suspend nodes matching nodeFieldSelector: displayName=nope/.test(e.message),
    );
    assert.throws(
      () => setSuspendedNodes(wf, 'displayName=approve', { outputParameters: { other: 'v' } }, at(1)),
      /node is not expecting output parameter 'other'/,
    );
  });

  test('-p values are read as Argo reads them: NAME=VALUE, Go-quoted values unquoted', () => {
    assert.deepEqual(parseOutputParameters(['message="Hello, world!"', 'a=b=c', 'raw=`x"y`', 'n=plain']), {
      message: 'Hello, world!',
      a: 'b=c',
      raw: 'x"y',
      n: 'plain',
    });
    assert.throws(() => parseOutputParameters(['novalue']), /expected parameter of the form: NAME=VALUE/);
  });
});
