/**
 * Argo's upstream examples and e2e fixtures (../shared/conformance/argo-upstream, v4.1.2 tree) that use
 * expressions and the template vocabulary of issue 17, driven through `decide` with a simulated kubelet
 * until they complete: each must reach the phase Argo reaches (manifest.json) with Argo's node tree
 * (names, types, phases, messages, resolved values).
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { nodeId, parseWorkflows, SCRIPT_ENV } from '../../src/engine/index.ts';
import type { NodeStatus, Template, Workflow } from '../../src/engine/types.ts';
import { runWorkflow, simulateContainer, type AgentResult, type Outcome } from '../unit/engine/kubelet-sim.ts';
import type { KubePod } from '../../src/engine/contract.ts';

/** Python scripts that print a literal print it (the simulated kubelet does not run Python). */
function outcome(pod: KubePod): Outcome {
  const source = pod.spec.containers[0]?.env?.find((e) => e.name === SCRIPT_ENV)?.value ?? '';
  const printed = /^print\("([^"]*)"\)\s*$/.exec(source.trim());
  return printed ? { exitCode: 0, stdout: `${printed[1]}\n` } : simulateContainer(pod);
}

/**
 * The services Argo's HTTP examples call, answered as they answer (the agent's side; the local-stack
 * test test/integration/pipeline/http.test.ts makes real requests): a commit hash that does not exist is 404.
 */
function agent(task: Template): AgentResult {
  const url = (task.http as { url?: string } | undefined)?.url ?? '';
  if (url.includes('thisisnotahash'))
    return { phase: 'Failed', message: 'received non-2xx response code: 404', outputs: { result: '404: Not Found' } };
  return { phase: 'Succeeded', outputs: { result: '{"swagger":"2.0"}' } };
}

const DIR = '../shared/conformance/argo-upstream';
const manifest = JSON.parse(readFileSync(`${DIR}/manifest.json`, 'utf8')) as {
  cases: { file: string; expected: string }[];
};

function load(file: string): Workflow {
  const { workflows, errors } = parseWorkflows(readFileSync(`${DIR}/${file}`, 'utf8'), file);
  assert.deepEqual(errors, []);
  const wf = workflows[0] as Workflow;
  const metadata = {
    ...wf.metadata,
    name: 'w',
    namespace: 'argo',
    uid: 'uid-w',
    creationTimestamp: '2026-01-02T03:04:05Z',
  };
  return { ...wf, metadata };
}

type Nodes = Map<string, NodeStatus>;
const input = (n: NodeStatus | undefined, name: string) => n?.inputs?.parameters?.find((p) => p.name === name)?.value;

function expectNode(nodes: Nodes, name: string, type: string, phase: string, message?: string): NodeStatus {
  const n = nodes.get(name);
  assert.ok(n, `node ${name} exists (have ${[...nodes.keys()].join(', ')})`);
  assert.equal(n.type, type, `${name} type`);
  assert.equal(n.phase, phase, `${name} phase`);
  if (message !== undefined) assert.equal(n.message, message, `${name} message`);
  return n;
}

/**
 * Argo v4.1.2's absent optional (PR #16223; functional_test.go and examples_skipped_defaults_test.go):
 * outputs of a skipped/omitted producer without a default fail a plain reference, give way to the
 * producer's `valueFrom.default`, the consumer input's `default`, or `??` in an expression.
 */
const ABSENT = 'output is an absent optional (skipped/omitted node with no default)';
const SKIPPED = "when 'false' evaluated false";
const absentArg = (p: string) =>
  `inputs.parameters.${p}: argument references an absent optional (skipped/omitted node output with no default)`;
const SKIPPED_OUTPUT_CASES: Record<string, (nodes: Nodes, wf: Workflow) => void> = {
  'examples__skipped-output-defaults__producer-output-default.yaml': (n) => {
    expectNode(n, 'w', 'DAG', 'Succeeded');
    expectNode(n, 'w.producer', 'Skipped', 'Skipped', SKIPPED);
    assert.equal(input(expectNode(n, 'w.consumer', 'Pod', 'Succeeded'), 'in'), 'hello-from-producer');
  },
  'examples__skipped-output-defaults__consumer-input-default.yaml': (n) => {
    expectNode(n, 'w', 'DAG', 'Succeeded');
    expectNode(n, 'w.producer', 'Skipped', 'Skipped', SKIPPED);
    assert.equal(input(expectNode(n, 'w.consumer', 'Pod', 'Succeeded'), 'in'), 'fallback-from-input');
  },
  'examples__skipped-output-defaults__expression-fallback.yaml': (n) => {
    const root = expectNode(n, 'w', 'DAG', 'Succeeded');
    expectNode(n, 'w.producer', 'Skipped', 'Skipped', SKIPPED);
    assert.deepEqual(
      root.outputs?.parameters?.map((p) => [p.name, p.value]),
      [['result', 'expr-fallback']],
    );
  },
  'test__e2e__functional__dag-skipped-producer-default.yaml': (n) => {
    expectNode(n, 'w.producer', 'Skipped', 'Skipped');
    assert.equal(input(expectNode(n, 'w.consumer', 'Pod', 'Succeeded'), 'in'), 'hello-from-producer');
  },
  'test__e2e__functional__dag-skipped-consumer-default.yaml': (n) => {
    expectNode(n, 'w.producer', 'Skipped', 'Skipped');
    assert.equal(input(expectNode(n, 'w.consumer', 'Pod', 'Succeeded'), 'in'), 'fallback-from-input');
  },
  'test__e2e__functional__dag-skipped-volume-default.yaml': (n, wf) => {
    expectNode(n, 'w.producer', 'Skipped', 'Skipped');
    expectNode(n, 'w.consumer', 'Pod', 'Succeeded');
    assert.equal(wf.status?.phase, 'Succeeded');
  },
  'test__e2e__functional__dag-skipped-withparam-default.yaml': (n) => {
    expectNode(n, 'w.producer', 'Skipped', 'Skipped');
    expectNode(n, 'w.consumer', 'TaskGroup', 'Succeeded');
    for (const [i, item] of ['a', 'b'].entries())
      assert.equal(input(expectNode(n, `w.consumer(${i}:${item})`, 'Pod', 'Succeeded'), 'in'), item);
  },
  'test__e2e__functional__dag-skipped-output-ref.yaml': (n) => {
    expectNode(n, 'w', 'DAG', 'Error');
    expectNode(n, 'w.stage-a', 'Pod', 'Succeeded');
    expectNode(n, 'w.stage-b', 'Skipped', 'Skipped');
    expectNode(n, 'w.stage-c', 'Skipped', 'Error', absentArg('message-from-b'));
  },
  'test__e2e__functional__dag-omitted-output-ref.yaml': (n) => {
    expectNode(n, 'w', 'DAG', 'Error');
    expectNode(n, 'w.stage-a', 'Pod', 'Succeeded');
    expectNode(n, 'w.stage-b', 'Skipped', 'Omitted');
    expectNode(n, 'w.stage-c', 'Skipped', 'Error', absentArg('message-from-b'));
  },
  'test__e2e__functional__steps-skipped-producer-default.yaml': (n) => {
    expectNode(n, 'w[0].producer', 'Skipped', 'Skipped');
    assert.equal(input(expectNode(n, 'w[1].consumer', 'Pod', 'Succeeded'), 'in'), 'hello-from-producer');
  },
  'test__e2e__functional__steps-skipped-consumer-default.yaml': (n) => {
    expectNode(n, 'w[0].producer', 'Skipped', 'Skipped');
    assert.equal(input(expectNode(n, 'w[1].consumer', 'Pod', 'Succeeded'), 'in'), 'fallback-from-input');
  },
  'test__e2e__functional__steps-skipped-output-ref.yaml': (n) => {
    const message = `unable to substitute {{steps.job2.outputs.parameters.status}}: ${ABSENT}`;
    expectNode(n, 'w', 'Steps', 'Failed', message);
    const job1 = expectNode(n, 'w[0].job1', 'Pod', 'Succeeded');
    assert.equal(job1.outputs?.parameters?.[0]?.value, 'SUCCESS');
    expectNode(n, 'w[1].job2', 'Skipped', 'Skipped', `when '"SUCCESS" == "FAILED"' evaluated false`);
    expectNode(n, 'w[2]', 'StepGroup', 'Error', message);
    assert.ok(!n.has('w[2].job2-error-handler'), 'the group errors before the handler node exists');
  },
  'test__e2e__functional__steps-skipped-withparam-ref.yaml': (n) => {
    const message = `unable to substitute {{steps.producer.outputs.parameters.items}}: ${ABSENT}`;
    expectNode(n, 'w', 'Steps', 'Failed', message);
    expectNode(n, 'w[0].producer', 'Skipped', 'Skipped', SKIPPED);
    expectNode(n, 'w[1]', 'StepGroup', 'Error', message);
    assert.equal([...n.keys()].filter((k) => k.startsWith('w[1].')).length, 0);
  },
};

/** Per case: the node tree Argo produces. */
const CASES: Record<string, (nodes: Nodes, wf: Workflow) => void> = {
  'examples__conditionals.yaml': (n) => {
    expectNode(n, 'w', 'Steps', 'Succeeded');
    expectNode(n, 'w[0]', 'StepGroup', 'Succeeded');
    for (const s of ['print-hello-govaluate', 'print-hello-expr', 'print-hello-expr-json'])
      expectNode(n, `w[0].${s}`, 'Pod', 'Succeeded');
    assert.equal(n.size, 5);
  },
  'examples__expression-destructure-json.yaml': (n) => {
    const w = expectNode(n, 'w', 'Pod', 'Succeeded');
    assert.deepEqual(
      ['a', 'b', 'c'].map((p) => input(w, p)),
      ['1', '2', '3'],
    );
  },
  'examples__expression-destructure-json-complex.yaml': (n) => {
    const w = expectNode(n, 'w', 'Pod', 'Succeeded');
    assert.equal(input(w, 'a'), '[43]');
    assert.equal(input(w, 'b'), '[43]');
    assert.equal(input(w, 'c'), '[{"age":43,"name":"Baris"}]');
    assert.equal(input(w, 'd'), '["Baris","Mo","Jai"]');
  },
  'examples__expression-reusing-verbose-snippets.yaml': (n) => {
    const w = expectNode(n, 'w', 'Pod', 'Succeeded');
    assert.equal(input(w, 'week-temps'), '{"avg":35.8,"max":57,"min":15}');
  },
  'examples__expression-tag-template-workflow.yaml': (n) => {
    expectNode(n, 'w', 'DAG', 'Succeeded');
    expectNode(n, 'w.task-0', 'TaskGroup', 'Succeeded');
    const pod = expectNode(n, 'w.task-0(0:3)', 'Pod', 'Succeeded');
    assert.equal(input(pod, 'foo'), '3');
    assert.equal(n.size, 3, 'filter([1, 3], {# > 1}) keeps one item');
  },
  'test__e2e__functional__dag-when-expr-skip.yaml': (n) => {
    expectNode(n, 'w', 'DAG', 'Succeeded');
    expectNode(n, 'w.A', 'Pod', 'Succeeded');
    expectNode(n, 'w.B', 'Skipped', 'Skipped', "when 'false' evaluated false");
  },
  'test__e2e__functional__steps-when-expr-filter.yaml': (n) => {
    expectNode(n, 'w', 'Steps', 'Succeeded');
    const names = [
      '(0:name:first,type:)',
      '(1:name:second,type:always)',
      '(2:name:third,type:test)',
      '(3:name:fourth)',
    ];
    for (const s of names) {
      const pod = expectNode(n, `w[0].fst${s}`, 'Pod', 'Succeeded');
      assert.match(input(pod, 'name') ?? '', /^(first|second|third|fourth)\[\n {2}"always",\n {2}"test"\n\]$/);
    }
  },
  'test__e2e__functional__dag-empty-param.yaml': (n) => {
    expectNode(n, 'w', 'DAG', 'Succeeded');
    const gen = expectNode(n, 'w.generate', 'Pod', 'Succeeded');
    assert.equal(gen.outputs?.result, '[]', 'a script without source runs its args on the image entrypoint');
    expectNode(n, 'w.sleep', 'Skipped', 'Skipped', 'Skipped, empty params');
  },
  'test__e2e__functional__loops-empty-param.yaml': (n) => {
    expectNode(n, 'w', 'Steps', 'Succeeded');
    expectNode(n, 'w[1].sleep', 'Skipped', 'Skipped', 'Skipped, empty params');
  },
  'test__e2e__functional__template-default-image.yaml': (n, wf) => {
    expectNode(n, 'w', 'Steps', 'Succeeded');
    expectNode(n, 'w[0].test-script', 'Pod', 'Succeeded');
    expectNode(n, 'w[0].test-container', 'Pod', 'Succeeded');
    assert.equal(wf.status?.progress, '2/2');
  },
  'examples__conditional-parameters.yaml': (n) => {
    const root = expectNode(n, 'w', 'Steps', 'Succeeded');
    const flip = n.get('w[0].flip-coin')?.outputs?.result;
    assert.ok(flip === 'heads' || flip === 'tails', String(flip));
    const other = flip === 'heads' ? 'tails' : 'heads';
    expectNode(n, `w[1].${flip}`, 'Pod', 'Succeeded');
    expectNode(n, `w[1].${other}`, 'Skipped', 'Skipped', `when '${flip} == ${other}' evaluated false`);
    assert.deepEqual(
      root.outputs?.parameters?.map((p) => [p.name, p.value]),
      [['stepresult', flip]],
    );
  },
  'examples__dag-conditional-parameters.yaml': (n) => {
    const root = expectNode(n, 'w', 'DAG', 'Succeeded');
    const flip = n.get('w.flip-coin')?.outputs?.result;
    assert.deepEqual(
      root.outputs?.parameters?.map((p) => [p.name, p.value]),
      [['stepresult', flip]],
    );
  },
  'examples__http-hello-world.yaml': (n) => {
    expectNode(n, 'w', 'Steps', 'Succeeded');
    expectNode(n, 'w[0].good', 'HTTP', 'Succeeded');
    expectNode(n, 'w[0].bad', 'HTTP', 'Failed', 'received non-2xx response code: 404');
    assert.equal(n.size, 4);
  },
  ...SKIPPED_OUTPUT_CASES,
  'test__e2e__functional__parameter-aggregation-dag-with-retry.yaml': (n) => {
    const root = expectNode(n, 'w', 'Retry', 'Succeeded');
    expectNode(n, 'w(0).echo-list', 'TaskGroup', 'Succeeded');
    assert.deepEqual(
      root.outputs?.parameters?.map((p) => [p.name, p.value]),
      [['dummy-dag-output', '["1","2","3"]']],
      'a fan-out parameter aggregates into a JSON list of its values',
    );
  },
};

describe('Argo upstream examples (expressions and template vocabulary) through decide', () => {
  for (const [file, check] of Object.entries(CASES)) {
    const expected = manifest.cases.find((c) => c.file === file)?.expected;
    test(`${file} ends ${expected}`, () => {
      assert.ok(expected, `${file} is in the manifest`);
      const wf = runWorkflow(load(file), { outcome, agent }).workflow;
      assert.equal(wf.status?.phase, expected, wf.status?.message);
      const nodes = new Map(Object.values(wf.status?.nodes ?? {}).map((x) => [x.name, x]));
      for (const x of nodes.values()) assert.equal(x.id, nodeId('w', x.name));
      check(nodes, wf);
    });
  }
});
