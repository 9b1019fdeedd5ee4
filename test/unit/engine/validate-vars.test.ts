/**
 * References to steps and tasks checked as Argo's validation does (resolveAllVariables): a name or an
 * output that does not exist is refused with its path and Argo's `failed to resolve {{…}}`.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { validateWorkflow } from '../../../src/engine/index.ts';
import { wfFromYaml } from './fixtures.ts';

const gen = `
  - name: gen
    container: {image: alpine, command: [echo, hi]}
    outputs: {parameters: [{name: p, valueFrom: {path: /tmp/p}}], artifacts: [{name: art, path: /tmp/art}]}
  - name: use
    inputs: {parameters: [{name: v}]}
    container: {image: alpine, command: [echo, "{{inputs.parameters.v}}"]}
  - name: inner
    steps: [[{name: x, template: gen}]]
`;
const steps = (value: string, extra = '') => `
spec:
  entrypoint: main
  templates:
  - name: main
    steps:
    - - {name: a, template: gen${extra}}
      - {name: i, template: inner}
    - - {name: b, template: use, arguments: {parameters: [{name: v, value: "${value}"}]}}
${gen}`;
const dag = (value: string, depends = 'a') => `
spec:
  entrypoint: main
  templates:
  - name: main
    dag:
      tasks:
      - {name: a, template: gen}
      - {name: c, template: gen}
      - {name: b, template: use, depends: "${depends}", arguments: {parameters: [{name: v, value: "${value}"}]}}
${gen}`;

const problems = (yaml: string) => validateWorkflow(wfFromYaml(yaml)).map((e) => [e.path, e.argo]);

describe('steps references', () => {
  test('outputs, results, status and ids of earlier steps pass', () => {
    for (const v of [
      '{{steps.a.outputs.parameters.p}}',
      '{{steps.a.outputs.artifacts.art}}',
      '{{steps.a.outputs.result}}',
      '{{steps.a.exitCode}}',
      '{{steps.a.status}}',
      '{{steps.i.id}}',
      '{{=steps.nope.whatever}}',
    ])
      assert.deepEqual(problems(steps(v)), [], v);
  });
  test('an unknown step, parameter, or the result of a steps template is refused with its path', () => {
    for (const v of [
      '{{steps.nope.outputs.result}}',
      '{{steps.a.outputs.parameters.q}}',
      '{{steps.a.outputs.artifacts.other}}',
      '{{steps.i.outputs.result}}',
    ])
      assert.deepEqual(
        problems(steps(v)),
        [['spec.templates[0].steps[1][0]', `templates.main.steps failed to resolve {{${v.slice(2, -2)}}}`]],
        v,
      );
  });
  test('a fan-out offers the aggregated list', () => {
    assert.deepEqual(problems(steps('{{steps.a.outputs.parameters}}')).length, 1);
    assert.deepEqual(problems(steps('{{steps.a.outputs.parameters}}', ', withItems: [1, 2]')), []);
  });
});

describe('DAG references', () => {
  test("any task's outputs, an ancestor's status", () => {
    assert.deepEqual(problems(dag('{{tasks.a.outputs.parameters.p}}')), []);
    assert.deepEqual(problems(dag('x{{tasks.a.status}}')), []);
    assert.deepEqual(problems(dag('x{{tasks.c.outputs.result}}')), []);
  });
  test("a task's status that is not an ancestor, and unknown names, are refused", () => {
    assert.deepEqual(problems(dag('x{{tasks.c.status}}')), [
      ['spec.templates[0].dag.tasks[2]', 'templates.main.tasks.b failed to resolve {{tasks.c.status}}'],
    ]);
    assert.deepEqual(problems(dag('x{{tasks.zz.outputs.result}}')), [
      ['spec.templates[0].dag.tasks[2]', 'templates.main.tasks.b failed to resolve {{tasks.zz.outputs.result}}'],
    ]);
  });
  test('an argument that is a task reference must depend on that task (missing dependency)', () => {
    assert.deepEqual(problems(dag('{{tasks.c.outputs.result}}')), [
      [
        'spec.templates[0].dag.tasks[2].arguments.parameters',
        "templates.main.tasks.b missing dependency 'c' for parameter 'v'",
      ],
    ]);
    assert.deepEqual(problems(dag('{{tasks.c.outputs.result}}', 'a && c')), []);
  });
});
