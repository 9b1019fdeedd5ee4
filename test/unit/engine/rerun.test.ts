/**
 * `argosy retry` / `argosy resubmit` as pure functions, against the cases of Argo's
 * workflow/util/util_test.go (TestFormulateRetryWorkflow, TestDeepDeleteNodes, TestRetryExitHandler,
 * TestStepsRetryWorkflow, TestDAGDiamondRetryWorkflow, TestOnExitWorkflowRetry, TestOnExitWorkflow,
 * TestNestedDAG, TestRetryWorkflowWithNestedDAGsWithSuspendNodes, TestFormulateResubmitWorkflow):
 * the node trees are rebuilt from their shape (names, types, phases, children) — IDs are Argo's
 * (`nodeId` of the name), so they equal the fixtures' — and the asserted counts and phases are Argo's.
 * Then the engine runs what the functions return: a failed DAG retried ends Succeeded.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { formulateResubmit, formulateRetry, RerunError } from '../../../src/engine/index.ts';
import { nodeId, podName } from '../../../src/engine/names.ts';
import type { NodePhase, NodeStatus, NodeType, Workflow, WorkflowPhase } from '../../../src/engine/types.ts';
import { byName, drive } from './drive.ts';
import { dagWorkflow, NOW, wfFromYaml } from './fixtures.ts';
import type { KubePod } from '../../../src/engine/contract.ts';

const MAIN = { mainCluster: 'main' };

/** One node: `[name suffix ('' = root), type, phase, children suffixes, boundary suffix]`. */
type Row = [string, NodeType, NodePhase, string[]?, string?, Partial<NodeStatus>?];

/** A workflow whose node names are `<wf><suffix>` and IDs Argo's, from rows. */
function tree(wf: string, phase: WorkflowPhase, rows: Row[]): Workflow {
  const id = (s: string): string => nodeId(wf, wf + s);
  const nodes: Record<string, NodeStatus> = {};
  for (const [s, type, p, children, boundary, extra] of rows) {
    const n: NodeStatus = { id: id(s), name: wf + s, type, phase: p, templateName: 't', ...extra };
    if (children?.length) n.children = children.map(id);
    if (boundary !== undefined) n.boundaryID = id(boundary);
    nodes[n.id] = n;
  }
  return { metadata: { name: wf, namespace: 'argo', labels: {} }, spec: { entrypoint: 'e' }, status: { phase, nodes } };
}

/** Argo's small cases use IDs that are not derived from names. */
function literal(wf: string, phase: WorkflowPhase, nodes: NodeStatus[]): Workflow {
  return {
    metadata: { name: wf, namespace: 'argo', labels: {} },
    spec: { entrypoint: 'e' },
    status: { phase, nodes: Object.fromEntries(nodes.map((n) => [n.id, n])) },
  };
}

const phaseOf = (wf: Workflow, suffix: string): NodePhase | undefined =>
  byName(wf).get(`${wf.metadata.name}${suffix}`)?.phase;

describe('formulateRetry: TestFormulateRetryWorkflow', () => {
  test('DAG: a lone failed DAG root stays', () => {
    const wf = literal('my-dag', 'Failed', [{ id: 'my-dag', name: 'my-dag', type: 'DAG', phase: 'Failed' }]);
    assert.equal(Object.keys(formulateRetry(wf, MAIN, NOW).workflow.status?.nodes ?? {}).length, 1);
  });

  test('Skipped and Suspended Nodes: the selected suspend node and its child are dropped, skipped stays', () => {
    const name = 'wf-with-skipped-and-suspended-nodes';
    const wf = literal(name, 'Failed', [
      { id: name, name, phase: 'Succeeded', type: 'DAG', children: ['suspended', 'skipped'] },
      {
        id: 'suspended',
        name: 'suspended',
        phase: 'Succeeded',
        type: 'Suspend',
        boundaryID: name,
        children: ['child'],
        outputs: { parameters: [{ name: 'param-1', value: '3', valueFrom: { supplied: {} } }] },
      },
      { id: 'child', name: 'child', phase: 'Skipped', type: 'Skipped', boundaryID: 'suspended' },
      { id: 'skipped', name: 'skipped', phase: 'Skipped', type: 'Skipped', boundaryID: 'entrypoint' },
    ]);
    const nodes = formulateRetry(wf, { ...MAIN, restartSuccessful: true, nodeFieldSelector: 'id=suspended' }, NOW)
      .workflow.status?.nodes;
    assert.equal(Object.keys(nodes ?? {}).length, 2);
    assert.equal(nodes?.[name]?.phase, 'Running');
    assert.equal(nodes?.skipped?.phase, 'Skipped');
  });

  const nested = (name: string, second: NodeType): Workflow =>
    literal(name, 'Failed', [
      { id: name, name, phase: 'Succeeded', type: 'DAG', children: ['1'] },
      { id: '1', name: '1', phase: 'Succeeded', type: 'TaskGroup', boundaryID: name, children: ['2', '4'] },
      { id: '2', name: '2', phase: 'Succeeded', type: second, boundaryID: '1', children: ['3'] },
      { id: '3', name: '3', phase: 'Succeeded', type: 'Pod', boundaryID: '2' },
      { id: '4', name: '4', phase: 'Failed', type: 'Pod', boundaryID: '1' },
    ]);

  test('Nested DAG with Non-group Node Selected: 3 and 4 dropped, the groups above Running', () => {
    const wf = nested('my-nested-dag-1', 'TaskGroup');
    const nodes = formulateRetry(wf, { ...MAIN, restartSuccessful: true, nodeFieldSelector: 'id=3' }, NOW).workflow
      .status?.nodes;
    assert.equal(Object.keys(nodes ?? {}).length, 3);
    for (const id of ['my-nested-dag-1', '1', '2']) assert.equal(nodes?.[id]?.phase, 'Running', id);
  });

  test('Nested DAG without Node Selected: only the failed pod is dropped', () => {
    const wf = nested('my-nested-dag-2', 'Pod');
    const nodes = formulateRetry(wf, { ...MAIN, restartSuccessful: true }, NOW).workflow.status?.nodes;
    assert.equal(Object.keys(nodes ?? {}).length, 4);
    assert.equal(nodes?.['my-nested-dag-2']?.phase, 'Running');
    assert.equal(nodes?.['1']?.phase, 'Running');
    assert.equal(nodes?.['2']?.phase, 'Succeeded');
    assert.equal(nodes?.['3']?.phase, 'Succeeded');
  });

  test('OverrideParams and OverrideParamsSubmitFromWfTmpl: the spec and the stored spec get the value', () => {
    const wf = literal('override-param-wf', 'Failed', [
      { id: 'override-param-wf', name: 'override-param-wf', phase: 'Succeeded', type: 'TaskGroup' },
    ]);
    wf.spec.arguments = { parameters: [{ name: 'message', value: 'default' }] };
    wf.status!.storedWorkflowTemplateSpec = { arguments: { parameters: [{ name: 'message', value: 'default' }] } };
    const out = formulateRetry(wf, { ...MAIN, parameters: ['message=modified'] }, NOW).workflow;
    assert.equal(out.spec.arguments?.parameters?.[0]?.value, 'modified');
    assert.equal(out.status?.storedWorkflowTemplateSpec?.arguments?.parameters?.[0]?.value, 'modified');
    assert.throws(() => formulateRetry(wf, { ...MAIN, parameters: ['message'] }, NOW), {
      message: 'expected parameter of the form: NAME=VALUE. Received: message',
    });
  });

  test('Fail on running / pending workflow; succeeded only with restartSuccessful and a selector', () => {
    for (const phase of ['Running', 'Pending'] as const)
      assert.throws(() => formulateRetry(literal('w', phase, []), MAIN, NOW), {
        name: 'RerunError',
        message: `Cannot retry a workflow in phase ${phase}`,
      });
    const ok = literal('successful-workflow-1', 'Succeeded', [
      { id: 'successful-workflow-1', name: 'successful-workflow-1', phase: 'Succeeded', type: 'TaskGroup' },
    ]);
    assert.throws(() => formulateRetry(ok, MAIN, NOW), {
      message: 'To retry a succeeded workflow, set the options restartSuccessful and nodeFieldSelector',
    });
  });

  test('Retry successful workflow with restartSuccessful and nodeFieldSelector', () => {
    const name = 'successful-workflow-2';
    const wf = literal(name, 'Succeeded', [
      { id: name, name, phase: 'Succeeded', type: 'DAG', children: ['1'] },
      { id: '1', name: '1', phase: 'Succeeded', type: 'TaskGroup', boundaryID: name, children: ['2', '4'] },
      { id: '2', name: '2', phase: 'Succeeded', type: 'TaskGroup', boundaryID: '1', children: ['3'] },
      { id: '3', name: '3', phase: 'Succeeded', type: 'Pod', boundaryID: '2' },
      { id: '4', name: '4', phase: 'Succeeded', type: 'Pod', boundaryID: '1' },
    ]);
    const plan = formulateRetry(wf, { ...MAIN, restartSuccessful: true, nodeFieldSelector: 'id=4' }, NOW);
    const nodes = plan.workflow.status?.nodes ?? {};
    assert.equal(Object.keys(nodes).length, 4);
    assert.deepEqual(
      ['successful-workflow-2', '1', '2', '3'].map((id) => nodes[id]?.phase),
      ['Running', 'Running', 'Succeeded', 'Succeeded'],
    );
    assert.deepEqual(nodes['1']?.children, ['2'], 'the dropped child leaves its parent');
  });

  const continueOn = (name: string): Workflow =>
    literal(name, 'Failed', [
      { id: name, name, phase: 'Failed', type: 'DAG', children: ['1'], outboundNodes: ['3', '5'] },
      { id: '1', name: 'node1', phase: 'Succeeded', type: 'Pod', boundaryID: name, children: ['2', '4'] },
      { id: '2', name: 'node2', phase: 'Failed', type: 'Pod', boundaryID: name, children: ['3'] },
      { id: '3', name: 'node3', phase: 'Succeeded', type: 'Pod', boundaryID: name },
      { id: '4', name: 'node4', phase: 'Failed', type: 'Pod', boundaryID: name, children: ['5'] },
      { id: '5', name: 'node5', phase: 'Omitted', type: 'Skipped', boundaryID: name },
    ]);

  test('Retry continue on failed workflow: a failed node with a succeeded child stays', () => {
    const plan = formulateRetry(continueOn('continue-on-failed-workflow'), MAIN, NOW);
    const nodes = plan.workflow.status?.nodes ?? {};
    assert.equal(Object.keys(nodes).length, 4);
    assert.equal(nodes['1']?.phase, 'Succeeded');
    assert.equal(plan.podsToDelete.length, 1);
    assert.deepEqual(nodes['continue-on-failed-workflow']?.outboundNodes, ['3'], 'dropped outbound nodes leave');
  });

  test('Retry continue on failed workflow with restartSuccessful and nodeFieldSelector', () => {
    const plan = formulateRetry(
      continueOn('continue-on-failed-workflow-2'),
      { ...MAIN, restartSuccessful: true, nodeFieldSelector: 'id=3' },
      NOW,
    );
    const nodes = plan.workflow.status?.nodes ?? {};
    assert.equal(Object.keys(nodes).length, 2);
    assert.equal(nodes['1']?.phase, 'Succeeded');
    assert.equal(nodes['continue-on-failed-workflow-2']?.phase, 'Running');
    assert.equal(plan.podsToDelete.length, 3);
  });
});

describe('formulateRetry: Argo fixtures rebuilt', () => {
  test('TestDeepDeleteNodes: the failed step of the second group is gone, the groups Running', () => {
    const wf = tree('steps-9fkqc', 'Failed', [
      ['', 'Steps', 'Failed', ['[0]']],
      ['[0]', 'StepGroup', 'Succeeded', ['[0].pass'], ''],
      ['[0].pass', 'Pod', 'Succeeded', ['[1]'], ''],
      ['[1]', 'StepGroup', 'Failed', ['[1].fail'], ''],
      ['[1].fail', 'Pod', 'Failed', [], ''],
    ]);
    const out = formulateRetry(wf, MAIN, NOW).workflow;
    assert.equal(JSON.stringify(out).includes('steps-9fkqc-3224593506'), false);
    assert.equal(phaseOf(out, ''), 'Running');
    assert.equal(phaseOf(out, '[1]'), 'Running');
    assert.equal(phaseOf(out, '[0].pass'), 'Succeeded');
    assert.equal(out.status?.phase, '');
    assert.equal(out.status?.finishedAt, undefined);
    assert.equal(out.status?.message, undefined);
  });

  test('TestRetryExitHandler / TestOnExitWorkflow: the exit handler node is dropped and its pod deleted', () => {
    const wf = tree('retry-workflow-with-failed-exit-handler', 'Failed', [
      ['', 'Pod', 'Succeeded'],
      ['.onExit', 'Pod', 'Failed', [], undefined, { templateName: 'exit-handler' }],
    ]);
    const plan = formulateRetry(wf, MAIN, NOW);
    const nodes = plan.workflow.status?.nodes ?? {};
    assert.equal(Object.keys(nodes).length, 1);
    assert.equal(nodes['retry-workflow-with-failed-exit-handler']?.phase, 'Succeeded');
    assert.deepEqual(plan.podsToDelete, [
      { cluster: 'main', namespace: 'argo', name: 'retry-workflow-with-failed-exit-handler-exit-handler-512308683' },
    ]);
  });

  test('TestStepsRetryWorkflow: restarting hello2a resets its group and the root only', () => {
    const wf = tree('steps-4k5vn', 'Succeeded', [
      ['', 'Steps', 'Succeeded', ['[0]']],
      ['[0]', 'StepGroup', 'Succeeded', ['[0].hello1'], ''],
      ['[0].hello1', 'Pod', 'Succeeded', ['[1]'], ''],
      ['[1]', 'StepGroup', 'Succeeded', ['[1].hello2a', '[1].hello2b'], ''],
      ['[1].hello2a', 'Pod', 'Succeeded', [], ''],
      ['[1].hello2b', 'Pod', 'Succeeded', [], ''],
    ]);
    assert.equal(nodeId('steps-4k5vn', 'steps-4k5vn[1].hello2a'), 'steps-4k5vn-2627784879', 'Argo fixture IDs');
    const opts = { ...MAIN, restartSuccessful: true, nodeFieldSelector: 'id=steps-4k5vn-2627784879' };
    const plan = formulateRetry(wf, opts, NOW);
    assert.equal(plan.podsToDelete.length, 1);
    const out = plan.workflow;
    assert.equal(Object.keys(out.status?.nodes ?? {}).length, 5);
    assert.deepEqual(
      ['', '[1]', '[0]', '[0].hello1', '[1].hello2b'].map((s) => phaseOf(out, s)),
      ['Running', 'Running', 'Succeeded', 'Succeeded', 'Succeeded'],
    );
  });

  test('TestDAGDiamondRetryWorkflow: restarting B drops B and D (D hangs below B)', () => {
    const wf = tree('dag-diamond-82q7s', 'Succeeded', [
      ['', 'DAG', 'Succeeded', ['.A']],
      ['.A', 'Pod', 'Succeeded', ['.B', '.C'], ''],
      ['.B', 'Pod', 'Succeeded', ['.D'], ''],
      ['.C', 'Pod', 'Succeeded', ['.D'], ''],
      ['.D', 'Pod', 'Succeeded', [], ''],
    ]);
    const opts = { ...MAIN, restartSuccessful: true, nodeFieldSelector: 'id=dag-diamond-82q7s-1260209596' };
    const plan = formulateRetry(wf, opts, NOW);
    assert.equal(plan.podsToDelete.length, 2);
    assert.equal(Object.keys(plan.workflow.status?.nodes ?? {}).length, 3);
    assert.equal(phaseOf(plan.workflow, ''), 'Running');
    assert.equal(phaseOf(plan.workflow, '.A'), 'Succeeded');
  });

  test('TestOnExitWorkflowRetry: a loop item restarted; the workflow exit handler is dropped', () => {
    const wf = tree('work-avoidance-trkkq', 'Succeeded', [
      ['', 'Steps', 'Succeeded', ['[0]']],
      ['[0]', 'StepGroup', 'Succeeded', ['[0].load-markers'], ''],
      ['[0].load-markers', 'Pod', 'Succeeded', ['[1]'], ''],
      ['[1]', 'StepGroup', 'Succeeded', ['[1].echo(0:0)', '[1].echo(1:1)', '[1].echo(2:2)'], ''],
      ['[1].echo(0:0)', 'Pod', 'Succeeded', [], ''],
      ['[1].echo(1:1)', 'Pod', 'Succeeded', [], ''],
      ['[1].echo(2:2)', 'Pod', 'Succeeded', [], ''],
      ['.onExit', 'Pod', 'Succeeded', [], undefined, { nodeFlag: { hooked: true } }],
    ]);
    const opts = { ...MAIN, restartSuccessful: true, nodeFieldSelector: 'id=work-avoidance-trkkq-4183398008' };
    const plan = formulateRetry(wf, opts, NOW);
    assert.equal(Object.keys(plan.workflow.status?.nodes ?? {}).length, 6);
    assert.equal(plan.podsToDelete.length, 2);
    assert.equal(phaseOf(plan.workflow, '[1]'), 'Running');
    assert.equal(phaseOf(plan.workflow, '[1].echo(0:0)'), 'Succeeded');
  });

  test('TestNestedDAG: restarting D.B resets the boundary DAGs up to the root', () => {
    const diamond = (p: string, next: string[]): Row[] => [
      [`.${p}`, 'DAG', 'Succeeded', [`.${p}.A`], ''],
      [`.${p}.A`, 'Pod', 'Succeeded', [`.${p}.B`, `.${p}.C`], `.${p}`],
      [`.${p}.B`, 'Pod', 'Succeeded', [`.${p}.D`], `.${p}`],
      [`.${p}.C`, 'Pod', 'Succeeded', [`.${p}.D`], `.${p}`],
      [`.${p}.D`, 'Pod', 'Succeeded', next, `.${p}`],
    ];
    const wf = tree('dag-nested-zxlc2', 'Succeeded', [
      ['', 'DAG', 'Succeeded', ['.A']],
      ...diamond('A', ['.B', '.C']),
      ...diamond('B', ['.D']),
      ...diamond('C', ['.D']),
      ...diamond('D', []),
    ]);
    const opts = { ...MAIN, restartSuccessful: true, nodeFieldSelector: 'id=dag-nested-zxlc2-744943701' };
    const plan = formulateRetry(wf, opts, NOW);
    assert.equal(plan.podsToDelete.length, 2);
    assert.equal(phaseOf(plan.workflow, ''), 'Running');
    assert.equal(phaseOf(plan.workflow, '.D'), 'Running');
    assert.equal(phaseOf(plan.workflow, '.A.A'), 'Succeeded');
  });
});

describe('formulateRetry: TestRetryWorkflowWithNestedDAGsWithSuspendNodes', () => {
  const wf = tree('fail-two-nested-dag-suspend', 'Failed', [
    ['', 'DAG', 'Failed', ['.dag1-step1']],
    ['.dag1-step1', 'Pod', 'Succeeded', ['.dag1-step2'], ''],
    ['.dag1-step2', 'Suspend', 'Succeeded', ['.dag1-step3-middle1', '.dag1-step3-middle2'], ''],
    ['.dag1-step3-middle1', 'DAG', 'Succeeded', ['.dag1-step3-middle1.dag2-branch1-step1'], ''],
    [
      '.dag1-step3-middle1.dag2-branch1-step1',
      'Suspend',
      'Succeeded',
      ['.dag1-step3-middle1.dag2-branch1-step2'],
      '.dag1-step3-middle1',
    ],
    [
      '.dag1-step3-middle1.dag2-branch1-step2',
      'DAG',
      'Succeeded',
      ['.dag1-step3-middle1.dag2-branch1-step2.dag3-step1'],
      '.dag1-step3-middle1',
    ],
    [
      '.dag1-step3-middle1.dag2-branch1-step2.dag3-step1',
      'Suspend',
      'Succeeded',
      ['.dag1-step3-middle1.dag2-branch1-step2.dag3-step2'],
      '.dag1-step3-middle1.dag2-branch1-step2',
    ],
    [
      '.dag1-step3-middle1.dag2-branch1-step2.dag3-step2',
      'Pod',
      'Succeeded',
      ['.dag1-step3-middle1.dag2-branch1-step2.dag3-step3'],
      '.dag1-step3-middle1.dag2-branch1-step2',
    ],
    [
      '.dag1-step3-middle1.dag2-branch1-step2.dag3-step3',
      'Pod',
      'Succeeded',
      ['.dag1-step4'],
      '.dag1-step3-middle1.dag2-branch1-step2',
    ],
    ['.dag1-step3-middle2', 'DAG', 'Succeeded', ['.dag1-step3-middle2.dag2-branch2-step1'], ''],
    [
      '.dag1-step3-middle2.dag2-branch2-step1',
      'DAG',
      'Succeeded',
      ['.dag1-step3-middle2.dag2-branch2-step1.dag3-step1'],
      '.dag1-step3-middle2',
    ],
    [
      '.dag1-step3-middle2.dag2-branch2-step1.dag3-step1',
      'Suspend',
      'Succeeded',
      ['.dag1-step3-middle2.dag2-branch2-step1.dag3-step2'],
      '.dag1-step3-middle2.dag2-branch2-step1',
    ],
    [
      '.dag1-step3-middle2.dag2-branch2-step1.dag3-step2',
      'Pod',
      'Succeeded',
      ['.dag1-step3-middle2.dag2-branch2-step1.dag3-step3'],
      '.dag1-step3-middle2.dag2-branch2-step1',
    ],
    [
      '.dag1-step3-middle2.dag2-branch2-step1.dag3-step3',
      'Pod',
      'Succeeded',
      ['.dag1-step3-middle2.dag2-branch2-step2'],
      '.dag1-step3-middle2.dag2-branch2-step1',
    ],
    ['.dag1-step3-middle2.dag2-branch2-step2', 'Suspend', 'Succeeded', ['.dag1-step4'], '.dag1-step3-middle2'],
    ['.dag1-step4', 'Suspend', 'Succeeded', ['.dag1-step5-tofail'], ''],
    ['.dag1-step5-tofail', 'Pod', 'Failed', [], ''],
  ]);
  // Argo's expectations per selected node: nodes kept, pods deleted, and which are Running again.
  const cases: [string, number, number, string[]][] = [
    ['.dag1-step1', 1, 6, ['']],
    ['.dag1-step2', 2, 5, ['']],
    ['.dag1-step3-middle2', 9, 3, ['']],
    ['.dag1-step3-middle2.dag2-branch2-step1', 10, 3, ['', '.dag1-step3-middle2']],
    ['.dag1-step3-middle2.dag2-branch2-step1.dag3-step1', 11, 3, ['', '.dag1-step3-middle2.dag2-branch2-step1']],
    ['.dag1-step3-middle2.dag2-branch2-step1.dag3-step2', 12, 3, ['.dag1-step3-middle2.dag2-branch2-step1']],
    ['.dag1-step3-middle2.dag2-branch2-step1.dag3-step3', 13, 2, ['.dag1-step3-middle2']],
    ['.dag1-step3-middle2.dag2-branch2-step2', 14, 1, ['.dag1-step3-middle2']],
    ['.dag1-step4', 15, 1, ['']],
    ['.dag1-step5-tofail', 16, 1, ['']],
  ];
  for (const [selected, kept, pods, running] of cases)
    test(`restart ${selected}: ${kept} nodes kept, ${pods} pods deleted`, () => {
      const opts = {
        ...MAIN,
        restartSuccessful: true,
        nodeFieldSelector: `name=fail-two-nested-dag-suspend${selected}`,
      };
      const plan = formulateRetry(wf, opts, NOW);
      assert.equal(Object.keys(plan.workflow.status?.nodes ?? {}).length, kept);
      assert.equal(plan.podsToDelete.length, pods);
      for (const s of running) assert.equal(phaseOf(plan.workflow, s), 'Running', s);
      if (kept > 1) assert.equal(phaseOf(plan.workflow, '.dag1-step1'), 'Succeeded');
    });
});

describe('formulateRetry: Argosy places and status', () => {
  test('pods are deleted where each node recorded it ran, and the workflow starts again', () => {
    const wf = tree('multi', 'Failed', [
      ['', 'DAG', 'Failed', ['.a', '.b']],
      ['.a', 'Pod', 'Failed', [], '', { clusterName: 'other', namespace: 'team-b', clusterHistory: ['third'] }],
      ['.b', 'Pod', 'Error', [], ''],
    ]);
    wf.metadata.labels = { 'workflows.argoproj.io/completed': 'true', 'workflows.argoproj.io/phase': 'Failed' };
    wf.spec.shutdown = 'Terminate';
    wf.spec.activeDeadlineSeconds = 0;
    wf.status = {
      ...wf.status,
      message: 'Stopped with strategy',
      finishedAt: '2026-01-01T00:00:00Z',
      conditions: [
        { type: 'PodRunning', status: 'False' },
        { type: 'Completed', status: 'True' },
      ],
      effectRetries: { x: { attempts: 1, since: '2026-01-01T00:00:00Z', last: '2026-01-01T00:00:00Z' } } as never,
    };
    const plan = formulateRetry(wf, MAIN, NOW);
    const pods = plan.podsToDelete.map((p) => `${p.cluster}/${p.namespace}/${p.name}`).sort();
    const a = podName('multi', 'multi.a', 't');
    const b = podName('multi', 'multi.b', 't');
    assert.deepEqual(pods, [`main/argo/${b}`, `other/team-b/${a}`, `third/team-b/${a}`]);
    const out = plan.workflow;
    assert.deepEqual(out.metadata.labels, { 'workflows.argoproj.io/phase': 'Failed' });
    assert.equal(out.spec.shutdown, undefined);
    assert.equal(out.spec.activeDeadlineSeconds, undefined);
    assert.deepEqual(out.status?.conditions, [
      { type: 'PodRunning', status: 'False' },
      { type: 'Completed', status: 'False' },
    ]);
    assert.equal(out.status?.effectRetries, undefined);
    assert.equal(out.status?.startedAt, '2026-01-02T15:04:05Z');
    assert.deepEqual(Object.keys(out.status?.nodes ?? {}), ['multi']);
  });

  test("containerSet: a failed member drops its whole pod and the pod's other members (Argo's resetPod)", () => {
    const wf = tree('cs', 'Failed', [
      ['', 'DAG', 'Failed', ['.set']],
      ['.set', 'Pod', 'Failed', ['.set.a'], ''],
      ['.set.a', 'Container', 'Succeeded', ['.set.b', '.set.c'], ''],
      ['.set.b', 'Container', 'Failed', ['.set.main'], ''],
      ['.set.c', 'Container', 'Succeeded', ['.set.main'], ''],
      ['.set.main', 'Container', 'Failed', ['.after'], ''],
      ['.after', 'Skipped', 'Omitted', [], ''],
    ]);
    const plan = formulateRetry(wf, MAIN, NOW);
    assert.deepEqual(Object.keys(plan.workflow.status?.nodes ?? {}), ['cs']);
    assert.equal(phaseOf(plan.workflow, ''), 'Running');
    assert.deepEqual(plan.podsToDelete, [{ cluster: 'main', namespace: 'argo', name: podName('cs', 'cs.set', 't') }]);
  });

  test('a selector that does not parse is refused', () => {
    const wf = tree('w', 'Failed', [['', 'Pod', 'Failed']]);
    assert.throws(
      () => formulateRetry(wf, { ...MAIN, restartSuccessful: true, nodeFieldSelector: 'nonsense' }, NOW),
      RerunError,
    );
  });
});

describe('formulateRetry then decide', () => {
  test('a DAG whose task failed on its first run is retried to Succeeded; the passed task is not run again', () => {
    const wf = dagWorkflow([{ name: 'A' }, { name: 'B', depends: 'A' }, { name: 'C', depends: 'B' }]);
    let runsOfA = 0;
    let firstRun = true;
    const outcome = (pod: KubePod) => {
      const node = pod.metadata.annotations?.['workflows.argoproj.io/node-name'] ?? '';
      if (node.endsWith('.A')) runsOfA++;
      return { exitCode: firstRun && node.endsWith('.B') ? 1 : 0, stdout: '' };
    };
    const failed = drive(wf, { outcome }).workflow;
    assert.equal(failed.status?.phase, 'Failed');
    firstRun = false;
    const plan = formulateRetry(failed, MAIN, new Date(NOW.getTime() + 600_000));
    assert.equal(plan.podsToDelete.length, 1);
    const retried = drive(plan.workflow, { outcome, start: new Date(NOW.getTime() + 601_000) }).workflow;
    assert.equal(retried.status?.phase, 'Succeeded');
    assert.equal(runsOfA, 1);
    assert.deepEqual(
      [...byName(retried).values()].map((n) => n.phase),
      Object.values(retried.status?.nodes ?? {}).map(() => 'Succeeded'),
    );
  });
});

const NESTED_STEPS = `
apiVersion: argoproj.io/v1alpha1
kind: Workflow
metadata: {name: wf}
spec:
  entrypoint: outer
  onExit: bye
  templates:
  - name: outer
    steps:
    - - {name: first, template: ok}
    - - {name: inner, template: inner}
  - name: inner
    steps:
    - - {name: flaky, template: flaky}
  - name: flaky
    retryStrategy: {limit: 1}
    container: {image: argoproj/argosay:v2, args: [flaky]}
  - name: ok
    container: {image: argoproj/argosay:v2, args: [ok]}
  - name: bye
    container: {image: argoproj/argosay:v2, args: [bye]}
`;

describe('formulateRetry then decide: nested steps, retryStrategy, exit handler', () => {
  test('the StepGroup above a nested steps node is reset too, the Retry node restarts its attempts, onExit runs again', () => {
    const runs = new Map<string, number>();
    let healthy = false;
    const outcome = (pod: KubePod) => {
      const arg = pod.spec.containers.find((c) => c.name === 'main')?.args?.at(-1) ?? '';
      runs.set(arg, (runs.get(arg) ?? 0) + 1);
      return { exitCode: arg === 'flaky' && !healthy ? 1 : 0, stdout: '' };
    };
    const failed = drive(wfFromYaml(NESTED_STEPS), { outcome, maxRounds: 200 }).workflow;
    assert.equal(failed.status?.phase, 'Failed');
    assert.equal(runs.get('flaky'), 2, 'limit 1: two attempts');
    healthy = true;
    const plan = formulateRetry(failed, MAIN, new Date(NOW.getTime() + 600_000));
    const kept = byName(plan.workflow);
    assert.equal(kept.get('wf[1]')?.phase, 'Running', 'the outer StepGroup of the nested steps node');
    assert.equal(kept.get('wf[1].inner')?.phase, 'Running');
    assert.equal(kept.get('wf[1].inner[0].flaky')?.phase, 'Running', 'the failed Retry node');
    assert.deepEqual(kept.get('wf[1].inner[0].flaky')?.children, undefined, 'its failed attempts are dropped');
    assert.equal(kept.has('wf.onExit'), false);
    assert.equal(plan.podsToDelete.length, 3, 'two attempts and the exit handler');
    const retried = drive(plan.workflow, { outcome, start: new Date(NOW.getTime() + 601_000), maxRounds: 200 });
    assert.equal(retried.workflow.status?.phase, 'Succeeded');
    assert.equal(runs.get('ok'), 1, 'the succeeded step is not run again');
    assert.equal(runs.get('bye'), 2, 'the exit handler runs again');
    assert.equal(byName(retried.workflow).get('wf[1].inner[0].flaky(0)')?.phase, 'Succeeded');
  });
});

describe('formulateResubmit: TestFormulateResubmitWorkflow', () => {
  test('Labels: user labels and owner references carried, creator/phase/completed/archiving dropped', () => {
    const wf: Workflow = {
      metadata: {
        name: 'old',
        labels: {
          'workflows.argoproj.io/controller-instanceid': '1',
          'workflows.argoproj.io/cluster-workflow-template': '1',
          'workflows.argoproj.io/cron-workflow': '1',
          'workflows.argoproj.io/workflow-template': '1',
          'workflows.argoproj.io/creator': '1',
          'workflows.argoproj.io/phase': '1',
          'workflows.argoproj.io/completed': '1',
          'workflows.argoproj.io/workflow-archiving-status': '1',
        },
        ownerReferences: [{ apiVersion: 'test', kind: 'X', name: 'testObj', uid: 'u' }],
      },
      spec: {},
    };
    const out = formulateResubmit(wf, {}, NOW);
    assert.deepEqual(Object.keys(out.metadata.labels ?? {}).sort(), [
      'workflows.argoproj.io/cluster-workflow-template',
      'workflows.argoproj.io/controller-instanceid',
      'workflows.argoproj.io/cron-workflow',
      'workflows.argoproj.io/resubmitted-from-workflow',
      'workflows.argoproj.io/workflow-template',
    ]);
    assert.equal(out.metadata.labels?.['workflows.argoproj.io/resubmitted-from-workflow'], 'old');
    assert.deepEqual(out.metadata.ownerReferences, wf.metadata.ownerReferences);
    assert.equal(out.metadata.generateName, 'old-');
    assert.equal(out.metadata.name, undefined);
    assert.equal(out.status, undefined);
  });

  test('OverrideParams', () => {
    const wf: Workflow = {
      metadata: { name: 'o' },
      spec: { arguments: { parameters: [{ name: 'message', value: 'default' }] } },
    };
    assert.equal(
      formulateResubmit(wf, { parameters: ['message=modified'] }, NOW).spec.arguments?.parameters?.[0]?.value,
      'modified',
    );
  });

  test('memoized: only Failed/Error; succeeded pods become Skipped `original pod`, failed ones Pending; exit handler dropped', () => {
    const wf = tree('resubmit-dag', 'Failed', [
      ['', 'DAG', 'Failed', ['.A']],
      ['.A', 'Pod', 'Succeeded', ['.B'], '', { outputs: { parameters: [{ name: 'p', value: 'v' }] } }],
      ['.B', 'Pod', 'Failed', ['.C'], ''],
      ['.C', 'Skipped', 'Omitted', [], ''],
      ['.onExit', 'Pod', 'Succeeded'],
    ]);
    wf.metadata.generateName = 'resubmit-';
    assert.throws(() => formulateResubmit({ ...wf, status: { phase: 'Succeeded' } }, { memoized: true }, NOW), {
      message: 'workflow must be Failed/Error to resubmit in memoized mode',
    });
    const out = formulateResubmit(wf, { memoized: true, suffix: 'abcde' }, NOW);
    assert.equal(out.metadata.name, 'resubmit-abcde');
    const nodes = byName(out);
    assert.deepEqual([...nodes.keys()].sort(), ['resubmit-abcde', 'resubmit-abcde.A', 'resubmit-abcde.B']);
    const a = nodes.get('resubmit-abcde.A');
    assert.equal(a?.type, 'Skipped');
    assert.equal(a?.phase, 'Skipped');
    assert.equal(a?.message, `original pod: ${nodeId('resubmit-dag', 'resubmit-dag.A')}`);
    assert.deepEqual(a?.outputs, { parameters: [{ name: 'p', value: 'v' }] });
    assert.equal(a?.id, nodeId('resubmit-abcde', 'resubmit-abcde.A'));
    assert.deepEqual(a?.children, [nodeId('resubmit-abcde', 'resubmit-abcde.B')]);
    assert.equal(a?.boundaryID, 'resubmit-abcde');
    const b = nodes.get('resubmit-abcde.B');
    assert.equal(b?.phase, 'Pending');
    assert.equal(b?.startedAt, undefined);
    assert.equal(nodes.get('resubmit-abcde')?.phase, 'Pending');
    assert.deepEqual(out.status?.conditions, [{ type: 'Completed', status: 'False' }]);
  });
});
