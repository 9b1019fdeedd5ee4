/**
 * Golden tests against the argo CLI's own printer tests: the inputs are rebuilt from the fixtures of
 * those tests and the expected strings are theirs, so a difference from argo's output fails here.
 *   - cmd/argo/commands/common/get_test.go: TestPrintNode, Test_printWorkflowHelper
 *   - util/printer/workflow-printer_test.go: TestPrintWorkflows, TestPrintWorkflowCostOptimizationNudges
 * (argoproj/argo-workflows, main as of 2026-08). `lint`'s report is pinned in lint.test.ts against
 * cmd/argo/lint/formatter_*_test.go.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { NodeStatus, Workflow } from '../../../src/engine/types.ts';
import { nodeId } from '../../../src/engine/names.ts';
import { nodeCells, renderWorkflow, type RenderOptions } from '../../../src/cli/render/workflow.ts';
import { printWorkflowList } from '../../../src/cli/render/list.ts';
import { nodeFilterFlag, nodeSelectorOf } from '../../../src/cli/lib/node-selector.ts';

const now = new Date('2026-11-24T12:00:00Z');
const at = (offsetSeconds: number): string => new Date(now.getTime() + offsetSeconds * 1000).toISOString();

describe('argo get: printNode (get_test.go TestPrintNode)', () => {
  // The test's icon map is the --no-utf8 one, coloured (its init()): style utf8 off, colour on.
  const style = { color: true, utf8: false };
  const wf = { metadata: { name: 'testWF' }, spec: {} } as Workflow;
  const base: NodeStatus = {
    id: 'testID',
    name: 'testNode',
    displayName: 'testNode',
    type: 'Pod',
    phase: 'Running',
    startedAt: at(0),
    finishedAt: at(0),
    message: 'test',
    templateName: 'testTemplate',
    hostNodeName: 'testKnodeName',
  };
  const running = '\x1b[36mRunning\x1b[0m';
  const suspend = '\x1b[36mSuspend\x1b[0m';
  // util.GeneratePodName(v2): <workflow>-<template>-<fnv32a(node name)>; fnv32a("testNode") = 2094948877.
  const pod = 'testWF-testTemplate-2094948877';
  const refPod = 'testWF-testTemplateRef-2094948877';

  /** testPrintNodeImpl: the node's row (tabwriter with a tab pad char: one tab between cells), or ''. */
  function printed(node: NodeStatus, flags: { status?: string; sel?: string; output?: RenderOptions['output'] }) {
    const filter = nodeSelectorOf(nodeFilterFlag({ status: flags.status, nodeFieldSelector: flags.sel }));
    if (filter && !filter(node)) return '';
    return nodeCells(wf, node, '', { style, now, output: flags.output ?? 'default' }).join('\t') + '\n';
  }

  test('default output and the node filters', () => {
    const row = `${running} testNode\ttestTemplate\t${pod}\t0s\ttest\t\n`;
    assert.equal(printed(base, {}), row);
    assert.equal(printed(base, { status: 'Running' }), row);
    assert.equal(printed(base, { sel: 'phase=Running' }), row);
    assert.equal(printed(base, { sel: 'phase!=foobar' }), row);
    assert.equal(printed(base, { sel: 'phase!=Running' }), '');
    assert.equal(printed(base, { status: 'foobar' }), '');
    assert.equal(printed(base, { sel: 'phase=foobar' }), '');
  });

  test('short and wide rows, suspend nodes, templateRef', () => {
    assert.equal(
      printed(base, { output: 'short' }),
      `${running} testNode\ttestTemplate\t${pod}\t0s\ttest\ttestKnodeName\n`,
    );
    const susp: NodeStatus = { ...base, type: 'Suspend' };
    assert.equal(printed(susp, { output: 'short' }), `${suspend} testNode\ttestTemplate\t\t\ttest\t\n`);
    const ref: NodeStatus = {
      ...susp,
      templateName: undefined,
      templateRef: { name: 'testTemplateRef', template: 'testTemplateRef' },
    };
    const tmpl = 'testTemplateRef/testTemplateRef';
    assert.equal(printed(ref, { output: 'short' }), `${suspend} testNode\t${tmpl}\t\t\ttest\t\n`);
    assert.equal(printed(ref, { output: 'wide' }), `${suspend} testNode\t${tmpl}\t\t\t\ttest\t\t\n`);
    const refPodNode: NodeStatus = { ...ref, type: 'Pod' };
    assert.equal(
      printed(refPodNode, { output: 'wide' }),
      `${running} testNode\t${tmpl}\t${refPod}\t0s\t\ttest\t\ttestKnodeName\n`,
    );
    assert.equal(
      printed(refPodNode, { output: 'short' }),
      `${running} testNode\t${tmpl}\t${refPod}\t0s\ttest\ttestKnodeName\n`,
    );
    assert.equal(printed(refPodNode, { output: 'short', status: 'foobar' }), '');
  });

  test('wide ARTIFACTS lists the output artifacts by name (getArtifactsString)', () => {
    const node: NodeStatus = { ...base, outputs: { artifacts: [{ name: 'a' }, { name: 'b' }] } };
    assert.equal(printed(node, { output: 'wide' }).split('\t')[4], 'a,b');
  });
});

const MANY = [
  'zero',
  'one',
  'two',
  'three',
  'four',
  'five',
  'six',
  'seven',
  'eight',
  'nine',
  'ten',
  'eleven',
  'twelve',
];
// Test_printWorkflowHelper/IndexOrdering's fixture: when each sleep pod started and finished (seconds
// after 16:04:00 on 2020-06-02).
const TIMES: [number, number][] = [
  [21, 48],
  [21, 53],
  [21, 51],
  [21, 54],
  [21, 50],
  [21, 47],
  [21, 56],
  [21, 57],
  [21, 42],
  [21, 40],
  [22, 45],
  [22, 44],
  [22, 59],
];

function manyItems(): Workflow {
  const name = 'many-items-z26lj';
  const t = (s: number): string => `2020-06-02T16:0${s >= 60 ? 5 : 4}:${String(s % 60).padStart(2, '0')}Z`;
  const group = nodeId(name, `${name}[0]`);
  const nodes: Record<string, NodeStatus> = {};
  const pods = MANY.map((word, i) => {
    const nodeName = `${name}[0].sleep(${i}:${word})`;
    const id = nodeId(name, nodeName);
    const [s, f] = TIMES[i]!;
    nodes[id] = {
      id,
      name: nodeName,
      displayName: `sleep(${i}:${word})`,
      boundaryID: name,
      type: 'Pod',
      phase: 'Succeeded',
      templateName: 'sleep',
      startedAt: t(s),
      finishedAt: t(f),
    };
    return id;
  });
  nodes[name] = {
    id: name,
    name,
    displayName: name,
    type: 'Steps',
    phase: 'Succeeded',
    templateName: 'parallel-sleep',
    children: [group],
    outboundNodes: pods,
    startedAt: t(21),
    finishedAt: t(61),
  };
  nodes[group] = {
    id: group,
    name: `${name}[0]`,
    displayName: '[0]',
    boundaryID: name,
    type: 'StepGroup',
    phase: 'Succeeded',
    templateName: 'parallel-sleep',
    children: pods,
    startedAt: t(21),
    finishedAt: t(61),
  };
  return {
    metadata: { name, namespace: 'argo', creationTimestamp: t(21) },
    spec: { entrypoint: 'parallel-sleep', templates: [] },
    status: { phase: 'Succeeded', startedAt: t(21), finishedAt: t(61), nodes },
  } as Workflow;
}

describe('argo get: PrintWorkflowHelper (get_test.go Test_printWorkflowHelper)', () => {
  const opts: RenderOptions = { style: { color: false, utf8: true }, now, utcOffsetMinutes: 0 };

  test("IndexOrdering: the fixture's node IDs, and argo's rows in index order", () => {
    const wf = manyItems();
    // The node IDs of argo's fixture come out of our nodeId for the same names.
    assert.ok(wf.status!.nodes!['many-items-z26lj-2619926859']);
    assert.ok(wf.status!.nodes!['many-items-z26lj-753834747']);
    assert.ok(wf.status!.nodes!['many-items-z26lj-1414877240']);
    const out = renderWorkflow(wf, opts);
    assert.ok(out.includes('sleep(9:nine)     sleep           many-items-z26lj-sleep-2619926859  19s'), out);
    assert.ok(out.includes('sleep(10:ten)     sleep           many-items-z26lj-sleep-1052882686  23s'), out);
    assert.ok(out.includes('sleep(11:eleven)  sleep           many-items-z26lj-sleep-3011405271  22s'), out);
    const order = MANY.map((w, i) => out.indexOf(`sleep(${i}:${w})`));
    assert.deepEqual(
      [...order].sort((a, b) => a - b),
      order,
    );
  });

  test('Progress and EstimatedDuration header lines', () => {
    const wf = { metadata: {}, spec: {}, status: { phase: 'Running', progress: '1/2' } } as Workflow;
    assert.match(renderWorkflow(wf, opts), /Progress: *1\/2/);
    const est = { metadata: {}, spec: {}, status: { phase: 'Running', estimatedDuration: 1 } } as Workflow;
    assert.match(renderWorkflow(est, opts), /EstimatedDuration: *1 second/);
  });
});

function printerWorkflow(): Workflow {
  const pod = (phase: string) => ({ type: 'Pod', phase, templateName: 't0' });
  return {
    metadata: { name: 'my-wf', namespace: 'my-ns', creationTimestamp: at(0) },
    spec: {
      arguments: { parameters: [{ name: 'my-param', value: 'my-value' }] },
      priority: 2,
      templates: [{ name: 't0', container: {} }],
    },
    status: {
      phase: 'Running',
      startedAt: at(0),
      finishedAt: at(3),
      nodes: {
        n0: pod('Pending'),
        n1: pod('Running'),
        n2: pod('Running'),
        n3: pod('Succeeded'),
        n4: pod('Failed'),
        n5: pod('Error'),
      },
      message: 'test-message',
    },
  } as unknown as Workflow;
}

describe('argo list: PrintWorkflows (workflow-printer_test.go TestPrintWorkflows)', () => {
  const wfs = [printerWorkflow()];
  test('Empty, Default, NoHeader, Namespace, Wide, Name', () => {
    assert.equal(printWorkflowList([], { now }), 'No workflows found\n');
    assert.equal(
      printWorkflowList(wfs, { now }),
      'NAME    STATUS    AGE   DURATION   PRIORITY   MESSAGE\nmy-wf   Running   0s    3s         2          test-message\n',
    );
    assert.equal(printWorkflowList(wfs, { now, noHeaders: true }), 'my-wf   Running   0s   3s   2   test-message\n');
    assert.equal(
      printWorkflowList(wfs, { now, allNamespaces: true }),
      'NAMESPACE   NAME    STATUS    AGE   DURATION   PRIORITY   MESSAGE\nmy-ns       my-wf   Running   0s    3s         2          test-message\n',
    );
    assert.equal(
      printWorkflowList(wfs, { now, wide: true }),
      'NAME    STATUS    AGE   DURATION   PRIORITY   MESSAGE        P/R/C   PARAMETERS\nmy-wf   Running   0s    3s         2          test-message   1/2/3   my-param=my-value\n',
    );
    assert.equal(printWorkflowList(wfs, { now, names: true }), 'my-wf\n');
  });

  test('cost optimisation nudges over 100 workflows (TestPrintWorkflowCostOptimizationNudges)', () => {
    const many = (phase: string) =>
      Array.from({ length: 101 }, (_, i) => ({ metadata: { name: `w${i}` }, spec: {}, status: { phase } }) as Workflow);
    const tail = (list: Workflow[]) => printWorkflowList(list, { now });
    const learn =
      'Reducing the total number of workflows will reduce your costs.\nLearn more at https://argo-workflows.readthedocs.io/en/latest/cost-optimisation/\n';
    assert.ok(tail(many('Succeeded')).includes(`\nYou have at least 101 completed workflows. ${learn}`));
    assert.ok(tail(many('Running')).includes(`\nYou have at least 101 incomplete workflows. ${learn}`));
    assert.ok(
      tail([...many('Succeeded'), ...many('Running')]).includes(
        `\nYou have at least 101 incomplete and 101 completed workflows. ${learn}`,
      ),
    );
    assert.ok(!tail(wfs).includes('You have at least'));
  });
});
