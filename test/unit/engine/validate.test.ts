import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { parseWorkflows, validateWorkflow } from '../../../src/engine/index.ts';
import type { Workflow } from '../../../src/engine/types.ts';

function errorsOf(yaml: string): string[] {
  const wf = parseWorkflows(yaml).workflows[0] as Workflow;
  return validateWorkflow(wf).map((e) => `${e.path}: ${e.message} | ${e.argo}`);
}

const header = 'metadata: {name: v}\nspec:\n  entrypoint: main\n  templates:\n';

describe('validateWorkflow', () => {
  const cases: { name: string; yaml: string; want: RegExp }[] = [
    {
      name: 'missing entrypoint',
      yaml: 'spec:\n  templates: [{name: a, container: {image: x}}]',
      want: /^spec.entrypoint: spec.entrypoint is required \| spec.entrypoint is required$/,
    },
    {
      name: 'missing entry template',
      yaml: 'spec:\n  entrypoint: b\n  templates: [{name: a, container: {image: x}}]',
      want: /^spec.entrypoint: template name 'b' undefined \| template name 'b' undefined$/,
    },
    {
      name: 'unknown depends task',
      yaml: `${header}  - name: x\n    container: {image: x}\n  - name: y\n    container: {image: x}\n  - name: main\n    dag:\n      tasks:\n      - {name: A, template: x}\n      - {name: B, template: x, depends: "A && X"}\n`,
      want: /^spec.templates\[2\].dag.tasks\[1\].depends: unknown task "X" \| templates.main.tasks.B dependency 'X' not defined$/,
    },
    {
      name: 'cycle',
      yaml: `${header}  - name: main\n    dag:\n      tasks:\n      - {name: A, template: main2, depends: B}\n      - {name: B, template: main2, depends: A}\n  - name: main2\n    container: {image: x}\n`,
      want: /dependency cycle detected: B -> A -> B \| templates.main.tasks dependency cycle detected: B->A->B$/,
    },
    {
      name: 'unknown depends result',
      yaml: `${header}  - name: main\n    dag:\n      tasks:\n      - {name: A, template: x}\n      - {name: B, template: x, depends: A.Finished}\n  - name: x\n    container: {image: x}\n`,
      want: /^spec.templates\[0\].dag.tasks\[1\].depends: unknown result 'Finished'/,
    },
    {
      name: 'duplicate template names',
      yaml: `${header}  - name: main\n    container: {image: x}\n  - name: main\n    container: {image: x}\n`,
      want: /^spec.templates\[1\].name: 'main' is not unique \| spec.templates\[1\].name 'main' is not unique$/,
    },
    {
      name: 'duplicate task names',
      yaml: `${header}  - name: main\n    dag:\n      tasks:\n      - {name: A, template: x}\n      - {name: A, template: x}\n  - name: x\n    container: {image: x}\n`,
      want: /tasks\[1\].name: 'A' is not unique/,
    },
    {
      name: 'duplicate step names',
      yaml: `${header}  - name: main\n    steps:\n    - - {name: s, template: x}\n    - - {name: s, template: x}\n  - name: x\n    container: {image: x}\n`,
      want: /^spec.templates\[0\].steps\[1\]\[0\].name: 's' is not unique \| templates.main.steps\[1\].name 's' is not unique$/,
    },
    {
      name: 'invalid template name',
      yaml: `${header}  - name: main_x\n    container: {image: x}\n`,
      want: /spec.templates\[0\].name: 'main_x' is invalid/,
    },
    {
      name: 'missing required input',
      yaml: `${header}  - name: main\n    steps:\n    - - {name: s, template: x}\n  - name: x\n    inputs: {parameters: [{name: msg}]}\n    container: {image: x, args: ["{{inputs.parameters.msg}}"]}\n`,
      want: /^spec.templates\[0\].steps\[0\]\[0\].arguments.parameters: inputs.parameters.msg was not supplied to template 'x' \| templates.main.steps\[0\].s templates.x inputs.parameters.msg was not supplied$/,
    },
    {
      name: 'missing entrypoint input',
      yaml: `${header}  - name: main\n    inputs: {parameters: [{name: msg}]}\n    container: {image: x}\n`,
      want: /templates.main inputs.parameters.msg was not supplied$/,
    },
    {
      name: 'malformed when',
      yaml: `${header}  - name: main\n    steps:\n    - - {name: s, template: x, when: "{{steps.a.outputs.result}} == (heads"}\n  - name: x\n    container: {image: x}\n`,
      want: /^spec.templates\[0\].steps\[0\]\[0\].when: malformed when/,
    },
    {
      name: 'unbalanced when braces',
      yaml: `${header}  - name: main\n    steps:\n    - - {name: s, template: x, when: "{{steps.a.outputs.result == heads"}\n  - name: x\n    container: {image: x}\n`,
      want: /when: malformed when .*unbalanced/,
    },
    {
      name: 'clusterName with a dot',
      yaml: `${header}  - name: main\n    clusterName: other.argo\n    container: {image: x}\n`,
      want: /^spec.templates\[0\].clusterName: 'other.argo' is invalid: must be a DNS label/,
    },
    {
      name: 'namespace with upper case',
      yaml: `${header}  - name: main\n    namespace: Batch\n    container: {image: x}\n`,
      want: /^spec.templates\[0\].namespace: 'Batch' is invalid/,
    },
    {
      name: 'undeclared input reference',
      yaml: `${header}  - name: main\n    container: {image: x, args: ["{{inputs.parameters.nope}}"]}\n`,
      want: /templates.main: failed to resolve \{\{inputs.parameters.nope\}\}$/,
    },
    {
      name: 'unknown step template',
      yaml: `${header}  - name: main\n    steps:\n    - - {name: s, template: nope}\n`,
      want: /templates.main.steps\[0\].s template name 'nope' undefined$/,
    },
    { name: 'no template type', yaml: `${header}  - name: main\n`, want: /templates.main template type unspecified/ },
    {
      name: 'empty image',
      yaml: `${header}  - name: main\n    container: {command: [x]}\n`,
      want: /templates.main.container.image may not be empty/,
    },
    {
      name: 'unknown target',
      yaml: `${header}  - name: main\n    dag:\n      target: Z\n      tasks:\n      - {name: A, template: x}\n  - name: x\n    container: {image: x}\n`,
      want: /templates.main.targets: target 'Z' is not defined$/,
    },
    {
      name: 'unconditional recursion',
      yaml: `${header}  - name: main\n    steps:\n    - - {name: again, template: main}\n`,
      want: /^spec.templates\[0\]: template 'main' calls itself unconditionally \(main -> main\).* \| templates.main Maximum recursion depth exceeded/,
    },
  ];
  for (const c of cases) {
    test(c.name, () => {
      const errs = errorsOf(c.yaml);
      assert.ok(
        errs.some((e) => c.want.test(e)),
        `no error matched ${c.want}: ${JSON.stringify(errs)}`,
      );
    });
  }
  test('recursion guarded by when is allowed (coinflip-recursive)', () => {
    const yaml = `${header}  - name: main\n    steps:\n    - - {name: flip, template: flip}\n    - - {name: again, template: main, when: "{{steps.flip.outputs.result}} == tails"}\n  - name: flip\n    container: {image: x}\n`;
    assert.deepEqual(errorsOf(yaml), []);
  });
  test('the seed example is valid', () => {
    const yaml = `metadata: {name: s}
spec:
  entrypoint: main
  templates:
    - name: main
      dag:
        tasks:
         - {name: this, template: this}
         - {name: other, template: other}
    - {name: this, container: {image: argoproj/argosay:v2}}
    - {name: other, clusterName: other, namespace: argo, serviceAccount: workflow, container: {image: argoproj/argosay:v2}}
`;
    assert.deepEqual(errorsOf(yaml), []);
  });
});

describe('parseWorkflows', () => {
  test('many documents, empty ones ignored', () => {
    const r = parseWorkflows('spec: {entrypoint: a}\n---\n---\nspec: {entrypoint: b}\n');
    assert.equal(r.workflows.length, 2);
    assert.deepEqual(r.errors, []);
  });
  test('JSON works', () =>
    assert.equal(
      parseWorkflows('{"kind":"Workflow","metadata":{"name":"j"},"spec":{}}').workflows[0]?.metadata.name,
      'j',
    ));
  test('syntax errors carry line and column', () => {
    const r = parseWorkflows('spec:\n  a: [1, 2\n', 'f.yaml');
    assert.equal(r.workflows.length, 0);
    assert.equal(r.errors[0]?.file, 'f.yaml');
    assert.ok((r.errors[0]?.line ?? 0) >= 2);
  });
  test('other kinds are errors', () => {
    const r = parseWorkflows('kind: ConfigMap\nmetadata: {name: x}\n---\nspec: {}\n');
    assert.equal(r.workflows.length, 1);
    assert.equal(r.errors[0]?.message, "kind 'ConfigMap' is not a Workflow");
    assert.equal(r.errors[0]?.line, 1);
  });
  test('a document without spec is an error', () =>
    assert.equal(parseWorkflows('metadata: {name: x}\n').errors[0]?.message, 'spec is required'));
});
