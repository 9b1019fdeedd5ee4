/**
 * Lint of `{{workflow.*}}` and `{{item.*}}` references as Argo's resolveAllVariables judges them
 * (workflow/validate/validate.go), and the same names inside `{{=…}}` expressions.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { validateWorkflow } from '../../../src/engine/index.ts';
import { wfFromYaml } from './fixtures.ts';

const problems = (yaml: string) => validateWorkflow(wfFromYaml(yaml)).map((e) => [e.path, e.argo]);

const leaf = (arg: string, extra = '') => `
metadata: {annotations: {team: a}, labels: {tier: b}}
spec:
  entrypoint: main
  arguments: {parameters: [{name: p, value: x}]}
${extra}
  templates:
    - name: main
      container: {image: alpine, command: [echo, "${arg}"]}
`;

describe('workflow.* variables', () => {
  test('known ones pass: name, uid, parameters of spec.arguments, annotations, labels, runtime prefixes', () => {
    for (const v of [
      '{{workflow.name}}',
      '{{workflow.uid}}',
      '{{workflow.parameters.p}}',
      '{{workflow.parameters.json}}',
      '{{workflow.annotations.team}}',
      '{{workflow.labels.tier}}',
      '{{workflow.creationTimestamp.Y}}',
      '{{workflow.duration}}',
      '{{workflow.status}}',
      "{{=workflow.parameters['p'] + workflow.name}}",
    ])
      assert.deepEqual(problems(leaf(v)), [], v);
  });

  test("unknown ones are lint errors with Argo's message and the template's path", () => {
    assert.deepEqual(problems(leaf('{{workflow.parameters.q}}')), [
      ['spec.templates[0]', 'templates.main: failed to resolve {{workflow.parameters.q}}'],
    ]);
    assert.deepEqual(problems(leaf('{{workflow.nmae}}')), [
      ['spec.templates[0]', 'templates.main: failed to resolve {{workflow.nmae}}'],
    ]);
    assert.deepEqual(problems(leaf('{{workflow.priority}}')), [
      ['spec.templates[0]', 'templates.main: failed to resolve {{workflow.priority}}'],
    ]);
    assert.deepEqual(problems(leaf('{{workflow.priority}}', '  priority: 3')), []);
    assert.deepEqual(problems(leaf('{{workflow.failures}}')), [
      ['spec.templates[0]', 'templates.main: failed to resolve {{workflow.failures}}'],
    ]);
  });

  test('inside an expression: the name that cannot resolve, and the expression', () => {
    assert.deepEqual(problems(leaf("{{=workflow.parameters['q']}}")), [
      ['spec.templates[0]', "templates.main: failed to resolve workflow.parameters.q in {{=workflow.parameters['q']}}"],
    ]);
  });

  test('global outputs: a globalName makes workflow.outputs.parameters.<name> known', () => {
    const yaml = `
spec:
  entrypoint: main
  templates:
    - name: main
      steps:
        - - {name: a, template: produce}
        - - {name: b, template: use, arguments: {parameters: [{name: v, value: "{{workflow.outputs.parameters.out}}"}]}}
    - name: produce
      container: {image: alpine}
      outputs: {parameters: [{name: o, globalName: out, valueFrom: {path: /tmp/o}}]}
    - name: use
      inputs: {parameters: [{name: v}]}
      container: {image: alpine}
`;
    assert.deepEqual(problems(yaml), []);
    assert.deepEqual(problems(yaml.replace('parameters.out}}', 'parameters.other}}')), [
      ['spec.templates[0].steps[1][0]', 'templates.main.steps failed to resolve {{workflow.outputs.parameters.other}}'],
    ]);
  });
});

describe('item.* variables', () => {
  test('a loop provides the keys of its items; other keys and leaf templates do not resolve', () => {
    const yaml = (ref: string) => `
spec:
  entrypoint: main
  templates:
    - name: main
      steps:
        - - {name: a, template: echo, arguments: {parameters: [{name: m, value: "${ref}"}]}, withItems: [{x: 1}, {x: 2}]}
    - name: echo
      inputs: {parameters: [{name: m}]}
      container: {image: alpine, command: [echo, "{{inputs.parameters.m}}"]}
`;
    assert.deepEqual(problems(yaml('{{item.x}}')), []);
    assert.deepEqual(problems(yaml('{{=item.x + 1}}')), []);
    assert.deepEqual(problems(yaml('{{item.y}}')), [
      ['spec.templates[0].steps[0][0]', 'templates.main.steps failed to resolve {{item.y}}'],
    ]);
    assert.deepEqual(problems(leaf('{{item.x}}')), [
      ['spec.templates[0]', 'templates.main: failed to resolve {{item.x}}'],
    ]);
    assert.deepEqual(problems(leaf('{{=item}}')), [
      ['spec.templates[0]', 'templates.main: failed to resolve item in {{=item}}'],
    ]);
  });

  test('withParam: any item name (not known offline)', () => {
    assert.deepEqual(
      problems(`
spec:
  entrypoint: main
  templates:
    - name: main
      dag:
        tasks:
          - {name: a, template: echo, withParam: '["a"]', arguments: {parameters: [{name: m, value: "{{item.anything}}"}]}}
    - name: echo
      inputs: {parameters: [{name: m}]}
      container: {image: alpine}
`),
      [],
    );
  });
});
