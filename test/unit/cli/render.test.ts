import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { NodeStatus, Workflow } from '../../../src/engine/types.ts';
import { renderWorkflow, renderTable, placementOf } from '../../../src/cli/render/workflow.ts';
import { podRefs } from '../../../src/cli/commands/logs.ts';
import { fnv32a, podNameFor } from '../../../src/cli/render/pod-name.ts';
import { alignTable } from '../../../src/cli/render/table.ts';
import { stripAnsi } from '../../../src/cli/render/style.ts';

const plain = { color: false, utf8: true };
const at = (s: number): string => new Date(Date.UTC(2026, 10, 11, 14, 22, 0) + s * 1000).toISOString();
const now = new Date(Date.UTC(2026, 10, 11, 14, 23, 0));
const id = (wf: string, name: string): string => (name === wf ? wf : `${wf}-${fnv32a(name)}`);

function node(wf: string, name: string, fields: Partial<NodeStatus>): NodeStatus {
  return { id: id(wf, name), name, type: 'Pod', phase: 'Succeeded', ...fields };
}

/** The workflow of argo's docs/walk-through/steps.md, built by hand with Argo's node names and IDs. */
function stepsWorkflow(podNames: 'v1' | 'v2'): Workflow {
  const wf = 'steps-z2zdn';
  const g0 = `${wf}[0]`;
  const g1 = `${wf}[1]`;
  const nodes = [
    node(wf, wf, { displayName: wf, type: 'Steps', templateName: 'hello-hello-hello', children: [id(wf, g0)] }),
    node(wf, g0, {
      displayName: '[0]',
      type: 'StepGroup',
      boundaryID: wf,
      startedAt: at(1),
      children: [id(wf, `${g0}.hello1`)],
    }),
    node(wf, `${g0}.hello1`, {
      displayName: 'hello1',
      templateName: 'print-message',
      boundaryID: wf,
      startedAt: at(1),
      finishedAt: at(3),
      children: [id(wf, g1)],
    }),
    node(wf, g1, {
      displayName: '[1]',
      type: 'StepGroup',
      boundaryID: wf,
      startedAt: at(4),
      children: [id(wf, `${g1}.hello2b`), id(wf, `${g1}.hello2a`)],
    }),
    node(wf, `${g1}.hello2b`, {
      displayName: 'hello2b',
      templateName: 'print-message',
      boundaryID: wf,
      startedAt: at(4),
      finishedAt: at(7),
    }),
    node(wf, `${g1}.hello2a`, {
      displayName: 'hello2a',
      templateName: 'print-message',
      boundaryID: wf,
      startedAt: at(4),
      finishedAt: at(7),
    }),
  ];
  return {
    metadata: {
      name: wf,
      namespace: 'default',
      creationTimestamp: at(0),
      annotations: { 'workflows.argoproj.io/pod-name-format': podNames },
    },
    spec: { entrypoint: 'hello-hello-hello' },
    status: {
      phase: 'Succeeded',
      startedAt: at(0),
      finishedAt: at(10),
      progress: '3/3',
      resourcesDuration: { cpu: 3, memory: 2 },
      conditions: [
        { type: 'PodRunning', status: 'False' },
        { type: 'Completed', status: 'True' },
      ],
      nodes: Object.fromEntries(nodes.map((n) => [n.id, n])),
    },
  };
}

describe('argo get layout', () => {
  test("node IDs and v2 pod names match vectors computed with Argo's code", () => {
    assert.equal(id('steps-z2zdn', 'steps-z2zdn[0].hello1'), 'steps-z2zdn-27420706');
    assert.equal(id('steps-z2zdn', 'steps-z2zdn[1].hello2a'), 'steps-z2zdn-2006760091');
    assert.equal(id('my-wf', 'my-wf.onExit'), 'my-wf-288712010');
    assert.equal(id('my-wf', 'my-wf(0)'), 'my-wf-2414688558');
    const n = { id: 'steps-z2zdn-27420706', name: 'steps-z2zdn[0].hello1' };
    assert.equal(podNameFor('steps-z2zdn', n, 'print-message', 'v2'), 'steps-z2zdn-print-message-27420706');
    assert.equal(podNameFor('steps-z2zdn', n, 'print-message', 'v1'), 'steps-z2zdn-27420706');
  });

  test('the steps.md sample renders exactly (v1 pod names)', () => {
    const out = renderWorkflow(stepsWorkflow('v1'), { style: plain, now, utcOffsetMinutes: 0 });
    assert.equal(
      out,
      [
        'Name:                steps-z2zdn',
        'Namespace:           default',
        'ServiceAccount:      unset (will run with the default ServiceAccount)',
        'Status:              Succeeded',
        'Conditions:          ',
        // argo's DisplayString: `<icon> <type>`; Completed and PodRunning have no icon (WorkflowConditionIconMap)
        ' PodRunning          False',
        ' Completed           True',
        'Created:             Wed Nov 11 14:22:00 +0000 (1 minute ago)',
        'Started:             Wed Nov 11 14:22:00 +0000 (1 minute ago)',
        'Finished:            Wed Nov 11 14:22:10 +0000 (50 seconds ago)',
        'Duration:            10 seconds',
        'Progress:            3/3',
        'ResourcesDuration:   2s*(100Mi memory),3s*(1 cpu)',
        '',
        'STEP            TEMPLATE           PODNAME                 DURATION  MESSAGE',
        ' ✔ steps-z2zdn  hello-hello-hello',
        ' ├───✔ hello1   print-message      steps-z2zdn-27420706    2s',
        ' └─┬─✔ hello2a  print-message      steps-z2zdn-2006760091  3s',
        '   └─✔ hello2b  print-message      steps-z2zdn-2023537710  3s',
      ].join('\n'),
    );
  });

  test('--no-utf8 draws ASCII and phase words', () => {
    const table = renderTable(stepsWorkflow('v2'), { style: { color: false, utf8: false }, now });
    assert.deepEqual(table.slice(1), [
      ' Succeeded steps-z2zdn  hello-hello-hello',
      ' |---Succeeded hello1   print-message      steps-z2zdn-print-message-27420706    2s',
      ' `-+-Succeeded hello2a  print-message      steps-z2zdn-print-message-2006760091  3s',
      '   `-Succeeded hello2b  print-message      steps-z2zdn-print-message-2023537710  3s',
    ]);
  });

  test('--no-utf8 conditions: a word only for SpecWarning/MetricsError; -o short is only the table', () => {
    const wf = stepsWorkflow('v2');
    wf.status!.conditions = [
      { type: 'PodRunning', status: 'False' },
      { type: 'SpecWarning', status: 'True', message: 'deprecated field' },
    ];
    const out = renderWorkflow(wf, { style: { color: false, utf8: false }, now, utcOffsetMinutes: 0 });
    assert.match(out, /\nConditions:          \n PodRunning          False\nWarning SpecWarning  deprecated field\n/);
    const short = renderWorkflow(wf, { style: plain, now, output: 'short' }).split('\n');
    assert.match(short[0]!, /^STEP +TEMPLATE +PODNAME +DURATION +MESSAGE +NODENAME$/);
    assert.equal(short.length, 5);
  });

  test('colours do not break alignment', () => {
    const coloured = renderTable(stepsWorkflow('v2'), { style: { color: true, utf8: true }, now });
    const uncoloured = renderTable(stepsWorkflow('v2'), { style: plain, now });
    assert.match(coloured[1]!, /\x1b\[32m✔\x1b\[0m/);
    assert.deepEqual(coloured.map(stripAnsi), uncoloured);
  });
});

/** DAG `main` with `this` (main cluster) and `other` (cluster other, namespace argo), one running. */
function multiCluster(): Workflow {
  const wf = 'multi-cluster-x7k2p';
  const nodes = [
    node(wf, wf, {
      displayName: wf,
      type: 'DAG',
      templateName: 'main',
      phase: 'Running',
      startedAt: at(0),
      children: [id(wf, `${wf}.this`), id(wf, `${wf}.other`)],
    }),
    node(wf, `${wf}.this`, {
      displayName: 'this',
      templateName: 'this',
      boundaryID: wf,
      startedAt: at(1),
      finishedAt: at(4),
    }),
    node(wf, `${wf}.other`, {
      displayName: 'other',
      templateName: 'other',
      boundaryID: wf,
      phase: 'Running',
      startedAt: at(1),
      clusterName: 'other',
    }),
  ];
  return {
    metadata: { name: wf, namespace: 'argo', creationTimestamp: at(0) },
    spec: {
      entrypoint: 'main',
      templates: [{ name: 'main' }, { name: 'this' }, { name: 'other', clusterName: 'other', namespace: 'argo' }],
    },
    status: {
      phase: 'Running',
      startedAt: at(0),
      progress: '1/2',
      nodes: Object.fromEntries(nodes.map((n) => [n.id, n])),
    },
  };
}

describe('multi-cluster placement', () => {
  test('a CLUSTER column shows where remote pods ran; running steps show elapsed time', () => {
    const table = renderTable(multiCluster(), { style: plain, now, mainCluster: 'main' });
    assert.deepEqual(table, [
      'STEP                    TEMPLATE  PODNAME                               CLUSTER     DURATION  MESSAGE',
      ' ● multi-cluster-x7k2p  main',
      ' ├─● other              other     multi-cluster-x7k2p-other-2191124720  other/argo  59s',
      ' └─✔ this               this      multi-cluster-x7k2p-this-2421523810               3s',
    ]);
  });

  test('templated clusterName/namespace: get and logs use the place recorded in the node (issue 24, item 13)', () => {
    const wf = multiCluster();
    const tmpl = wf.spec.templates!.find((t) => t.name === 'other')!;
    Object.assign(tmpl, { clusterName: '{{inputs.parameters.c}}', namespace: '{{inputs.parameters.n}}' });
    const other = Object.values(wf.status!.nodes!).find((n) => n.displayName === 'other')!;
    // Resolved to other/argo (the workflow's namespace: not recorded) and to main/argo (nothing recorded).
    assert.equal(placementOf(wf, other, 'main'), 'other/argo');
    assert.equal(placementOf(wf, { ...other, clusterName: undefined }, 'main'), '');
    const refs = podRefs(wf, 'main', 'other');
    assert.deepEqual(
      refs.map((r) => `${r.cluster}/${r.namespace}`),
      ['other/argo'],
    );
  });

  test('placement comes from the node status', () => {
    const wf = multiCluster();
    const other = Object.values(wf.status!.nodes!).find((n) => n.displayName === 'other')!;
    assert.equal(placementOf(wf, other, 'main'), 'other/argo');
    assert.equal(placementOf(wf, { ...other, clusterName: undefined, templateName: 'this' }, 'main'), '');
    assert.equal(placementOf(wf, { ...other, namespace: 'batch' }, 'main'), 'other/batch');
  });
});

describe('tabwriter', () => {
  test('pads terminated cells to the widest in the block plus 2', () => {
    assert.deepEqual(
      alignTable([
        ['a', 'bb', 'c'],
        ['ccc', 'd', ''],
      ]),
      ['a    bb  c', 'ccc  d'],
    );
  });
});
