/**
 * `spec.workflowMetadata` (Argo's updateWorkflowMetadata): labels, annotations and labelsFrom
 * expressions reach the Workflow object and `workflow.labels.*`; a bad value ends the workflow Error.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { decide } from '../../../src/engine/index.ts';
import { NOW, wfFromYaml } from './fixtures.ts';
import { runWorkflow } from './kubelet-sim.ts';

const wf = (md: string) =>
  wfFromYaml(`
spec:
  entrypoint: main
  arguments: {parameters: [{name: team, value: blue}]}
  workflowMetadata:
${md}
  templates:
  - name: main
    container: {image: alpine, command: [echo], args: ["{{workflow.labels.team}} {{workflow.annotations.note}}"]}
`);

describe('spec.workflowMetadata', () => {
  test('labels, annotations and labelsFrom are set on the workflow and usable as variables', () => {
    const w = wf(`    labels: {tier: gold}
    annotations: {note: hi}
    labelsFrom:
      team: {expression: "workflow.parameters.team + '-x'"}`);
    const d = decide({ workflow: w, pods: [], controller: { clusterName: 'main' } }, NOW);
    assert.equal(d.metadata.labels.tier, 'gold');
    assert.equal(d.metadata.labels.team, 'blue-x');
    assert.equal(d.metadata.annotations.note, 'hi');
    const done = runWorkflow(w).workflow;
    assert.equal(done.status?.phase, 'Succeeded');
    const pod = runWorkflow(w)
      .decisions.flatMap((x) => x.actions)
      .find((a) => a.kind === 'CreatePod');
    assert.ok(pod?.kind === 'CreatePod');
    assert.deepEqual(pod.pod.spec.containers.find((c) => c.name === 'main')?.args, ['blue-x hi']);
  });

  test('a labelsFrom expression that is not a string, or a label value Kubernetes refuses, ends it Error', () => {
    const notString = decide(
      {
        workflow: wf(`    annotations: {note: n}\n    labels: {team: t}\n    labelsFrom: {num: {expression: "1 + 1"}}`),
        pods: [],
        controller: { clusterName: 'main' },
      },
      NOW,
    );
    assert.equal(notString.status.phase, 'Error');
    assert.match(
      notString.status.message ?? '',
      /failed to evaluate label "num" expression "1 \+ 1" evaluted to int but must be a string/,
    );
    const bad = decide(
      {
        workflow: wf(`    annotations: {note: n}\n    labels: {team: t, x: "not ok!"}`),
        pods: [],
        controller: { clusterName: 'main' },
      },
      NOW,
    );
    assert.equal(bad.status.phase, 'Error');
    assert.match(bad.status.message ?? '', /invalid label value "not ok!" for label "x"/);
  });
});
