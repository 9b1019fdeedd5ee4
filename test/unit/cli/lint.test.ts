import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { makeLintCommand, runLint, type LintIo } from '../../../src/cli/lint.ts';

function io(files: Record<string, string>): LintIo & { out: string[]; err: string[] } {
  const out: string[] = [];
  const err: string[] = [];
  return {
    out,
    err,
    stdout: (s) => out.push(s),
    stderr: (s) => err.push(s),
    readFile: (p) => {
      const f = files[p];
      if (f === undefined) throw new Error('ENOENT: no such file');
      return f;
    },
  };
}

const valid = 'spec:\n  entrypoint: a\n  templates:\n  - {name: a, container: {image: alpine}}\n';
const invalid =
  'spec:\n  entrypoint: a\n  templates:\n  - name: a\n    dag:\n      tasks:\n      - {name: A, template: b, depends: X}\n  - {name: b, container: {image: alpine}}\n';

describe('argosy lint', () => {
  test('valid file exits 0', () => {
    const x = io({ 'ok.yaml': valid });
    assert.equal(runLint(['ok.yaml'], x), 0);
    assert.deepEqual(x.out, ['ok.yaml: ok\n']);
  });
  test('invalid file exits 1 and prints <file>: <path>: <message>', () => {
    const x = io({ 'bad.yaml': invalid });
    assert.equal(runLint(['bad.yaml'], x), 1);
    assert.deepEqual(x.out, ['bad.yaml: spec.templates[0].dag.tasks[0].depends: unknown task "X"\n']);
  });
  test('syntax errors print line and column', () => {
    const x = io({ 's.yaml': 'spec:\n  a: [1,\n' });
    assert.equal(runLint(['s.yaml'], x), 1);
    assert.match(x.out[0] ?? '', /^s\.yaml: \d+:\d+: /);
  });
  test('unreadable file exits 2 even when others are invalid', () => {
    const x = io({ 'bad.yaml': invalid });
    assert.equal(runLint(['bad.yaml', 'missing.yaml'], x), 2);
    assert.match(x.err[0] ?? '', /^missing\.yaml: cannot read: ENOENT/);
  });
  test('multi-document files prefix the document index', () => {
    const x = io({ 'm.yaml': `${valid}---\n${invalid}` });
    assert.equal(runLint(['m.yaml'], x), 1);
    assert.equal(x.out[0], 'm.yaml: [1].spec.templates[0].dag.tasks[0].depends: unknown task "X"\n');
  });
  test('WorkflowTemplates are linted, without requiring an entrypoint', () => {
    const tpl =
      'kind: WorkflowTemplate\nmetadata: {name: t}\nspec:\n  templates:\n  - {name: a, container: {image: alpine}}\n';
    const x = io({ 't.yaml': tpl, 'c.yaml': 'kind: ConfigMap\nmetadata: {name: c}\n' });
    assert.equal(runLint(['t.yaml'], x), 0);
    assert.equal(runLint(['c.yaml'], x), 1);
    assert.match(
      x.out.at(-1) ?? '',
      /kind 'ConfigMap' is not a Workflow or WorkflowTemplate or ClusterWorkflowTemplate/,
    );
  });
  test('the command object runs lint and sets the exit code', async () => {
    const x = io({ 'ok.yaml': valid });
    const before = process.exitCode;
    try {
      await makeLintCommand(x).parseAsync(['ok.yaml'], { from: 'user' });
      assert.equal(process.exitCode, 0);
    } finally {
      process.exitCode = before;
    }
  });
});
