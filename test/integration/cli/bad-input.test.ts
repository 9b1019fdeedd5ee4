import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { runCli, scratch, writeFile } from './cli-helpers.ts';

const dir = scratch();
after(() => rmSync(dir, { recursive: true, force: true }));

const cyclic = `apiVersion: argoproj.io/v1alpha1
kind: Workflow
metadata: { generateName: cyclic- }
spec:
  entrypoint: main
  templates:
    - name: main
      dag:
        tasks:
          - { name: a, template: say, depends: b }
          - { name: b, template: say, depends: a }
    - name: say
      container: { image: argoproj/argosay:v2 }
`;

/** Asserts exit 2, one `argosy: ...` line matching `message`, and a hint line. */
function assertUsage(r: { code: number | null; stderr: string; stdout: string }, message: RegExp): void {
  assert.equal(r.code, 2, `exit code (stderr: ${r.stderr})`);
  assert.match(r.stderr, message);
  assert.equal(r.stdout, '');
}

describe('bad input exits 2 with a clear message', () => {
  test('missing file', async () => {
    const r = await runCli(['run', `${dir}/nope.yaml`], dir);
    assertUsage(r, /^argosy: .*nope\.yaml: no such file\n {2}check the path/);
  });

  test('invalid YAML names the line', async () => {
    const f = writeFile(dir, 'broken.yaml', 'kind: Workflow\nspec:\n  entrypoint: [unclosed\n');
    const r = await runCli(['run', f], dir);
    assertUsage(r, /broken\.yaml:\d+:\d+: invalid YAML: /);
  });

  test('a name the API server would refuse is refused before the stack starts, in its words', async () => {
    // Argo's dag-failFast-hang.yaml: `argosy run` used to start a stack and then crash on the 422.
    const f = writeFile(dir, 'upper.yaml', cyclic.replace('cyclic-', 'dag-hang-failFast-').replace('depends: a', ''));
    const r = await runCli(['run', f], dir);
    assertUsage(
      r,
      /upper\.yaml: invalid workflow: metadata\.generateName: Invalid value: "dag-hang-failFast-": a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '\.', and must start and end with an alphanumeric character \(e\.g\. 'example\.com', regex used for validation is /,
    );
  });

  test('cyclic DAG names the path and the cycle', async () => {
    const f = writeFile(dir, 'cyclic.yaml', cyclic);
    const r = await runCli(['submit', f], dir);
    assertUsage(
      r,
      /cyclic\.yaml: invalid workflow: spec\.templates\[0\]\.dag\.tasks: dependency cycle detected: (a -> b -> a|b -> a -> b)/,
    );
  });

  test('a cluster the workflow uses but --clusters leaves out', async () => {
    const r = await runCli(['run', 'examples/multi-cluster.yaml', '--clusters', 'main'], dir);
    assertUsage(
      r,
      /template "other" runs in cluster "other", which is not in --clusters main\n {2}add it: --clusters main,other/,
    );
  });

  test('a cluster --clusters leaves out that is a typo of one it has: the closest is named', async () => {
    const f = writeFile(
      dir,
      'othr.yaml',
      'apiVersion: argoproj.io/v1alpha1\nkind: Workflow\nmetadata: { generateName: othr- }\nspec:\n  entrypoint: a\n' +
        '  templates:\n    - { name: a, clusterName: othr, container: { image: argoproj/argosay:v2 } }\n',
    );
    const r = await runCli(['run', f, '--clusters', 'main,other'], dir);
    assertUsage(
      r,
      /template "a" runs in cluster "othr", which is not in --clusters main,other; did you mean other\?\n/,
    );
  });

  test('submit and run refuse a field Argo does not know, naming the path and the closest field', async () => {
    const f = writeFile(
      dir,
      'unknown.yaml',
      cyclic.replace('  entrypoint: main\n', '  entrypoint: main\n  paralellism: 1\n'),
    );
    for (const cmd of ['submit', 'run'])
      assertUsage(
        await runCli([cmd, f], dir),
        /unknown\.yaml: invalid workflow: spec\.paralellism: unknown field; did you mean parallelism\?/,
      );
  });

  test('unknown -o format and bad -p', async () => {
    assertUsage(
      await runCli(['run', 'examples/hello.yaml', '-o', 'table'], dir),
      /-o table: expected one of tree, json, yaml/,
    );
    assertUsage(
      await runCli(['submit', 'examples/hello.yaml', '-p', 'novalue'], dir),
      /-p novalue: expected NAME=VALUE/,
    );
  });

  test('a missing policy file', async () => {
    const r = await runCli(['run', 'examples/hello.yaml', '--policy', `${dir}/none.yaml`], dir);
    assertUsage(r, /--policy .*none\.yaml: cannot read placement policy file/);
  });

  test('no stack running and no kubeconfig', async () => {
    const r = await runCli(['list'], dir);
    assertUsage(r, /no cluster to talk to.*\n {2}start `argosy dev` in another terminal, or pass --kubeconfig FILE/);
  });

  test('unknown command', async () => {
    const r = await runCli(['frobnicate'], dir);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /unknown command 'frobnicate'/);
  });
});
