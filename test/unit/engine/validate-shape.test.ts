// Files have no CRD schema in front of them: lists that are not lists are reported with their
// path, and validation never throws (found by fuzzing: `(wf.spec.templates ?? []).forEach is not a function`).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseWorkflows, validateWorkflow } from '../../../src/engine/index.ts';

const cases: [string, string, string][] = [
  ['templates is a string', 'spec: {entrypoint: a, templates: nope}', 'spec.templates: must be a list, not string'],
  [
    'steps is an object',
    'spec: {entrypoint: a, templates: [{name: a, steps: {x: 1}}]}',
    'spec.templates[0].steps: must be a list, not object',
  ],
  [
    'a step group is a number',
    'spec: {entrypoint: a, templates: [{name: a, steps: [3]}]}',
    'spec.templates[0].steps[0]: must be a list, not number',
  ],
  [
    'dag.tasks is a string',
    'spec: {entrypoint: a, templates: [{name: a, dag: {tasks: x}}]}',
    'spec.templates[0].dag.tasks: must be a list, not string',
  ],
  ['a template is a string', 'spec: {entrypoint: a, templates: [a]}', 'spec.templates[0]: must be an object'],
  [
    'arguments.parameters is an object',
    'spec: {entrypoint: a, arguments: {parameters: {a: 1}}, templates: [{name: a, container: {image: x}}]}',
    'spec.arguments.parameters: must be a list, not object',
  ],
];

for (const [what, yaml, expected] of cases) {
  test(`shape: ${what}`, () => {
    const { workflows, errors } = parseWorkflows(yaml);
    assert.deepEqual(errors, []);
    const problems = validateWorkflow(workflows[0]!);
    assert.deepEqual(
      problems.map((p) => `${p.path}: ${p.message}`),
      [expected],
    );
  });
}
