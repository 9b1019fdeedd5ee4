import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { lintKinds, makeLintCommand, runLint, type LintIo } from '../../../src/cli/commands/lint.ts';
import { lintFormatter } from '../../../src/cli/commands/lint-format.ts';

/** An in-memory tree: a path maps to file text, or to a directory (an object of entries). */
type Tree = { [name: string]: string | Tree };

function lookup(tree: Tree, p: string): string | Tree | undefined {
  let node: string | Tree | undefined = tree;
  for (const part of p.split('/').filter(Boolean)) node = typeof node === 'object' ? node[part] : undefined;
  return node;
}

function io(tree: Tree): LintIo & { out: string[]; err: string[] } {
  const out: string[] = [];
  const err: string[] = [];
  return {
    out,
    err,
    stdout: (s) => out.push(s),
    stderr: (s) => err.push(s),
    readFile: (p) => {
      const f = lookup(tree, p);
      if (typeof f !== 'string') throw new Error(`ENOENT: no such file, open '${p}'`);
      return f;
    },
    readDir: (p) => {
      const d = lookup(tree, p);
      if (d === undefined) throw new Error(`ENOENT: no such file or directory, stat '${p}'`);
      return typeof d === 'object' ? Object.keys(d) : undefined;
    },
  };
}

const valid = 'spec:\n  entrypoint: a\n  templates:\n  - {name: a, container: {image: alpine}}\n';
const invalid =
  'metadata: {generateName: bad-}\nspec:\n  entrypoint: a\n  templates:\n  - name: a\n    dag:\n      tasks:\n      - {name: A, template: b, depends: X}\n  - {name: b, container: {image: alpine}}\n';
const badProblem = 'in "bad-" (Workflow): spec.templates[0].dag.tasks[0].depends: unknown task "X"';
const template =
  'kind: WorkflowTemplate\nmetadata: {name: t}\nspec:\n  templates:\n  - {name: a, steps: [[{name: x, template: nowhere}]]}\n';
const cron =
  'kind: CronWorkflow\nmetadata: {name: c}\nspec:\n  schedules: ["61 * * * *"]\n  workflowSpec:\n    entrypoint: a\n    templates:\n    - {name: a, container: {image: alpine}}\n';

// Expected strings from Argo's own formatter tests: cmd/argo/lint/formatter_pretty_test.go
// (TestPrettyFormat*, TestPrettySummarize*) and formatter_simple_test.go (TestSimple*).
describe("argo lint's reports", () => {
  const result = { file: 'test1', errs: ['some error', 'some error2'], linted: true };
  test('pretty, with and without colour', () => {
    assert.equal(
      lintFormatter('pretty', true).format(result),
      '\x1b[4mtest1\x1b[0m:\n   \x1b[31m✖\x1b[0m some error\n   \x1b[31m✖\x1b[0m some error2\n\n',
    );
    assert.equal(lintFormatter('pretty', false).format(result), 'test1:\n   ✖ some error\n   ✖ some error2\n\n');
    assert.equal(lintFormatter('pretty', false).format({ file: 'test3', errs: [], linted: false }), '');
    const ok = [{ file: 'a', errs: [], linted: true }];
    assert.equal(lintFormatter('pretty', true).summarize(ok), '\x1b[32m✔\x1b[0m no linting errors found!\n');
    assert.equal(lintFormatter('pretty', false).summarize(ok), '✔ no linting errors found!\n');
    const nothing = [{ file: 'a', errs: [], linted: false }];
    assert.equal(
      lintFormatter('pretty', true).summarize(nothing),
      '\x1b[31m✖ found nothing to lint in the specified paths, failing...\x1b[0m\n',
    );
    assert.equal(lintFormatter('pretty', false).summarize([result]), '✖ 2 linting errors found!\n');
  });
  test('simple', () => {
    assert.equal(lintFormatter('simple', true).format(result), 'test1: some error\ntest1: some error2\n');
    assert.equal(
      lintFormatter('simple', true).summarize([{ file: 'a', errs: [], linted: true }]),
      'no linting errors found!\n',
    );
    assert.equal(
      lintFormatter('simple', true).summarize([]),
      'found nothing to lint in the specified paths, failing...\n',
    );
    assert.equal(lintFormatter('simple', true).summarize([result]), '');
  });
});

describe('argosy lint', () => {
  test('a valid file: the summary only, exit 0', () => {
    const x = io({ 'ok.yaml': valid });
    assert.equal(runLint(['ok.yaml'], x), 0);
    assert.equal(x.out.join(''), '✔ no linting errors found!\n');
  });

  test("an invalid file: argo's pretty report naming the object, exit 1", () => {
    const x = io({ 'bad.yaml': invalid });
    assert.equal(runLint(['bad.yaml'], x), 1);
    assert.equal(x.out.join(''), `bad.yaml:\n   ✖ ${badProblem}\n\n✖ 1 linting errors found!\n`);
  });

  test("a repeated YAML key: go-yaml's strict error with line and path; --strict=false keeps the last value", () => {
    const repeated = 'spec:\n  entrypoint: a\n  templates:\n  - name: a\n    container: {image: alpine}\n    name: a\n';
    const x = io({ 'dup.yaml': repeated });
    assert.equal(runLint(['dup.yaml'], x, { output: 'simple' }), 1);
    assert.equal(
      x.out.join(''),
      'dup.yaml: 6:11: yaml: unmarshal errors: line 6: key "name" already set in map (in spec.templates[0])\n',
    );
    assert.equal(runLint(['dup.yaml'], io({ 'dup.yaml': repeated }), { output: 'simple', lenientYaml: true }), 0);
  });

  test('a clusterName the visible clusters do not have: named, with the closest configured one', () => {
    const placed = [
      'apiVersion: argoproj.io/v1alpha1',
      'kind: Workflow',
      'metadata: {generateName: placed-}',
      'spec:',
      '  entrypoint: main',
      '  arguments: {parameters: [{name: c, value: other}]}',
      '  templates:',
      '  - {name: main, steps: [[{name: a, template: a}, {name: b, template: b}]]}',
      '  - {name: a, clusterName: othr, container: {image: busybox}}',
      '  - {name: b, clusterName: "{{workflow.parameters.c}}", container: {image: busybox}}',
      '  - {name: c, clusterName: other, container: {image: busybox}}',
    ].join('\n');
    const x = io({ 'placed.yaml': placed });
    assert.equal(runLint(['placed.yaml'], x, { output: 'simple', clusters: ['main', 'other'] }), 1);
    assert.equal(
      x.out.join(''),
      'placed.yaml: in "placed-" (Workflow): spec.templates[1].clusterName: cluster "othr" is not configured ' +
        '(configured: main, other); did you mean other?\n',
    );
    // Without the configured clusters (no running `argosy dev`), lint cannot tell.
    assert.equal(runLint(['placed.yaml'], io({ 'placed.yaml': placed }), { output: 'simple' }), 0);
  });

  test('-o simple prints <file>: <problem> lines', () => {
    const x = io({ 'bad.yaml': invalid, 'ok.yaml': valid });
    assert.equal(runLint(['bad.yaml', 'ok.yaml'], x, { output: 'simple' }), 1);
    assert.equal(x.out.join(''), `bad.yaml: ${badProblem}\n`);
  });

  test('directories are walked in lexical order, manifests only, subdirectories too', () => {
    const x = io({
      dir: { 'b.yaml': invalid, 'a.yml': valid, 'notes.txt': 'not yaml: [', sub: { 'c.json': '{"spec": 1}' } },
    });
    assert.equal(runLint(['dir'], x, { output: 'simple' }), 1);
    assert.deepEqual(x.out.join('').split('\n').filter(Boolean), [
      `dir/b.yaml: ${badProblem}`,
      'dir/sub/c.json: 1:1: spec is required',
    ]);
  });

  test('--kinds lints only those kinds; other kinds and ConfigMaps are left alone', () => {
    const all = `${invalid}---\n${template}---\n${cron}---\nkind: ConfigMap\nmetadata: {name: m}\n`;
    const x = io({ 'm.yaml': all });
    assert.equal(runLint(['m.yaml'], x, { output: 'simple' }), 1);
    const lines = x.out.join('');
    assert.match(lines, /in "bad-" \(Workflow\)/);
    assert.match(lines, /in "t" \(WorkflowTemplate\): .*nowhere/);
    assert.match(lines, /in "c" \(CronWorkflow\): cron schedule 61 \* \* \* \* is malformed/);
    const only = io({ 'm.yaml': all });
    assert.equal(runLint(['m.yaml'], only, { output: 'simple', kinds: ['cronworkflows'] }), 1);
    assert.doesNotMatch(only.out.join(''), /\((Workflow|WorkflowTemplate)\)/);
    assert.match(only.out.join(''), /CronWorkflow/);
    const none = io({ 'c.yaml': 'kind: ConfigMap\nmetadata: {name: m}\n' });
    assert.equal(runLint(['c.yaml'], none), 1);
    assert.equal(none.out.join(''), '✖ found nothing to lint in the specified paths, failing...\n');
  });

  test("--kinds takes argo's plural and short names, all, and refuses others", () => {
    assert.deepEqual(lintKinds(['wf,cwftmpl']), ['Workflow', 'ClusterWorkflowTemplate']);
    assert.equal(lintKinds(['all']).length, 4);
    assert.throws(() => lintKinds(['pods']), /unknown kind: pods/);
  });

  test('syntax errors print line and column', () => {
    const x = io({ 's.yaml': 'spec:\n  a: [1,\n' });
    assert.equal(runLint(['s.yaml'], x, { output: 'simple' }), 1);
    assert.match(x.out[0] ?? '', /^s\.yaml: \d+:\d+: /);
  });

  test('an unreadable path exits 2 even when others are invalid', () => {
    const x = io({ 'bad.yaml': invalid });
    assert.equal(runLint(['bad.yaml', 'missing.yaml'], x), 2);
    assert.match(x.err[0] ?? '', /^missing\.yaml: cannot read: ENOENT/);
  });

  test('the command reads -o and --kinds and sets the exit code', async () => {
    const x = io({ 'bad.yaml': invalid });
    const before = process.exitCode;
    try {
      await makeLintCommand(x, false).parseAsync(['bad.yaml', '-o', 'simple', '--kinds', 'workflows'], {
        from: 'user',
      });
      assert.equal(process.exitCode, 1);
      assert.equal(x.out.join(''), `bad.yaml: ${badProblem}\n`);
    } finally {
      process.exitCode = before;
    }
  });
});
