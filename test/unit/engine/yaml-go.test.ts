// YAML is read as Go's sigs.k8s.io/yaml (go-yaml v2) reads it, which is how Argo and kubectl read
// workflow files: YAML 1.1 scalars, a repeated key refused as the strict reading refuses it (the
// last one wins when not strict), and flow lines indented less than their key (Argo's `args: ["` …
// `"]` examples) are accepted with the value go-yaml gives them.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { parseWorkflows } from '../../../src/engine/index.ts';
import { reindentFlowLines } from '../../../src/engine/yaml-go.ts';

const specOf = (yaml: string, strict = true): Record<string, unknown> => {
  const r = parseWorkflows(yaml, undefined, { strict });
  assert.deepEqual(r.errors, []);
  return r.workflows[0]!.spec as Record<string, unknown>;
};

describe('YAML as go-yaml v2 reads it', () => {
  test('YAML 1.1 scalars: yes/no/on/off booleans, 0644 octal, timestamps stay strings, 1e3 a number', () => {
    const spec = specOf(
      'spec:\n  a: yes\n  b: off\n  c: 0644\n  d: 2001-12-14t21:59:43.10-05:00\n  e: 1e3\n  f: "yes"\n',
    );
    assert.deepEqual(spec, { a: true, b: false, c: 420, d: '2001-12-14t21:59:43.10-05:00', e: 1000, f: 'yes' });
  });

  test('not strict (--strict=false): a repeated key keeps its last value; << merges', () => {
    const spec = specOf('spec:\n  base: &b {x: 1}\n  k: 1\n  k: 2\n  m:\n    <<: *b\n    x: 3\n    z: 2\n', false);
    assert.deepEqual(spec, { base: { x: 1 }, k: 2, m: { x: 3, z: 2 } });
  });

  test('strict (the default): every repeated key is an error in go-yaml v2 strict words, at its value line', () => {
    const errorsOf = (yaml: string) => parseWorkflows(yaml).errors.map((e) => `${e.line}:${e.column} ${e.message}`);
    assert.deepEqual(
      errorsOf(
        'spec:\n  k: 1\n  templates:\n  - name: a\n    container:\n      image: x\n    name:\n      b\n  k: 2\n',
      ),
      [
        '8:7 yaml: unmarshal errors: line 8: key "name" already set in map (in spec.templates[0])',
        '9:6 yaml: unmarshal errors: line 9: key "k" already set in map (in spec)',
      ],
    );
    // Keys compare after YAML 1.1 resolution: `y` is the boolean true, as `true` is; 1 and "1" differ.
    assert.deepEqual(errorsOf('spec:\n  y: 1\n  true: 2\n  1: a\n  "1": b\n'), [
      '3:9 yaml: unmarshal errors: line 3: key true already set in map (in spec)',
    ]);
    // go-yaml v2 strict sets merged keys through the same check, so a merge overlapping a key fails.
    assert.deepEqual(errorsOf('spec:\n  base: &b {x: 1}\n  m:\n    <<: *b\n    x: 3\n'), [
      '5:8 yaml: unmarshal errors: line 5: key "x" already set in map (in spec.m)',
    ]);
    // The line is where the value starts (a block value: its next line). Later documents count lines
    // in the file; a document with a repeated key yields no workflow.
    const two = parseWorkflows('spec: {a: 1}\n---\nspec:\n  a: 1\n  a: 1\n');
    assert.deepEqual(
      two.errors.map((e) => [e.document, e.line]),
      [[1, 5]],
    );
    assert.equal(two.workflows.length, 1);
  });

  test('a multi-line quoted string in a flow sequence closed at the key column (Argo examples)', () => {
    const yaml = [
      'spec:',
      '  templates:',
      '  - name: a',
      '    container:',
      '      command: [sh, -c]',
      '      args: ["',
      "        echo 'one' &&",
      '        echo \\"two\\"',
      '      "]',
      '    outputs: {}',
    ].join('\n');
    const t = (specOf(yaml).templates as Array<Record<string, any>>)[0]!; // eslint-disable-line @typescript-eslint/no-explicit-any
    assert.deepEqual(t.container.args, [` echo 'one' && echo "two" `]);
    assert.deepEqual(t.outputs, {});
  });

  test('a flow mapping spread over lines at the key column', () => {
    const spec = specOf('spec:\n  m: {a: 1,\n  b: 2\n  }\n  k: 3\n');
    assert.deepEqual(spec, { m: { a: 1, b: 2 }, k: 3 });
  });

  test('block scalars, comments and quotes inside plain text are left alone', () => {
    const text = ['a: |', '  ["not a flow', 'b: it\'s [plain] # and "a comment [', 'c: "x"'].join('\n');
    assert.equal(reindentFlowLines(text), text);
  });

  test('YAML that is invalid for go-yaml too still fails, with a line', () => {
    const r = parseWorkflows('spec:\n  a: [1, 2\nb: 3\n');
    assert.ok(r.errors.length > 0);
    assert.ok(r.errors[0]!.line >= 1);
  });
});
