// YAML is read as Go's sigs.k8s.io/yaml (go-yaml v2) reads it, which is how Argo and kubectl read
// workflow files: YAML 1.1 scalars, last duplicate key wins, and flow lines indented less than their
// key (Argo's `args: ["` … `"]` examples) are accepted with the value go-yaml gives them.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { parseWorkflows } from '../../../src/engine/index.ts';
import { reindentFlowLines } from '../../../src/engine/yaml-go.ts';

const specOf = (yaml: string): Record<string, unknown> => {
  const r = parseWorkflows(yaml);
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

  test('a repeated key keeps its last value; << merges', () => {
    const spec = specOf('spec:\n  base: &b {x: 1}\n  k: 1\n  k: 2\n  m:\n    <<: *b\n    z: 2\n');
    assert.deepEqual(spec, { base: { x: 1 }, k: 2, m: { x: 1, z: 2 } });
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
