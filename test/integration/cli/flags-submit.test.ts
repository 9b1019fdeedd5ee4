/**
 * argo's flags of submit, each run as a user types it against a running `argosy dev` (one stack for
 * the file; every check is a subprocess of bin/argosy.js).
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { runCli, scratch, startDev, writeFile, type DevStack } from './cli-helpers.ts';
import { parse } from 'yaml';

const dir = scratch();
let dev: DevStack;
before(async () => (dev = await startDev(dir)));
after(async () => dev.stop());

const two = `apiVersion: argoproj.io/v1alpha1
kind: Workflow
metadata: { generateName: two- }
spec:
  entrypoint: a
  arguments: { parameters: [{ name: message, value: from-file }] }
  templates:
    - { name: a, container: { image: argoproj/argosay:v2, args: [echo, a] } }
    - name: b
      inputs: { parameters: [{ name: message }] }
      container: { image: argoproj/argosay:v2, args: [echo, '{{inputs.parameters.message}}'] }
---
apiVersion: argoproj.io/v1alpha1
kind: Workflow
metadata: { name: second-doc }
spec:
  entrypoint: b
  templates:
    - { name: a, container: { image: argoproj/argosay:v2, args: [echo, a] } }
    - { name: b, container: { image: argoproj/argosay:v2, args: [echo, b] } }
`;

describe('argo flags of submit', () => {
  test('list on an empty namespace says so; -o json prints []', async () => {
    const empty = await runCli(['list'], dir);
    assert.equal(empty.code, 0, empty.stderr);
    assert.equal(empty.stdout, 'No workflows found\n');
    assert.equal((await runCli(['list', '-o', 'json'], dir)).stdout, '[]\n');
  });

  test('submit --dry-run -o yaml: stdin, two documents, -f, --entrypoint, --serviceaccount, -l; --priority refused by name', async () => {
    const params = writeFile(dir, 'params.yaml', 'message: from-param-file\n');
    const args = ['submit', '-', '--dry-run', '-o', 'yaml', '-f', params, '--entrypoint', 'b'];
    args.push('--serviceaccount', 'robot', '-l', 'team=data,tier=1');
    const r = await runCli(args, dir, 120_000, two);
    assert.equal(r.code, 0, r.stderr);
    const docs = r.stdout.split(/^---$/m).map((d) => parse(d));
    assert.equal(docs.length, 2);
    for (const wf of docs) {
      assert.equal(wf.spec.entrypoint, 'b');
      assert.equal(wf.spec.serviceAccountName, 'robot');
      assert.deepEqual(wf.metadata.labels, { team: 'data', tier: '1' });
      assert.deepEqual(wf.spec.arguments.parameters, [{ name: 'message', value: 'from-param-file' }]);
    }
    assert.equal(docs[1].metadata.name, 'second-doc');
    assert.equal((await runCli(['list', '-o', 'name'], dir)).stdout, 'No workflows found\n', 'nothing created');
    // spec.priority is in the engine's table of fields not implemented: refused, never ignored
    const prio = await runCli(['submit', 'examples/hello.yaml', '--priority', '7', '--dry-run', '-o', 'name'], dir);
    assert.equal(prio.code, 2);
    assert.match(prio.stderr, /spec\.priority: not supported by Argosy yet/);
  });

  test('argo refuses --dry-run without -o and --watch with --wait; a name the API server refuses exits 2', async () => {
    const noOut = await runCli(['submit', 'examples/hello.yaml', '--dry-run'], dir);
    assert.equal(noOut.code, 2);
    assert.match(noOut.stderr, /^argosy: --dry-run should have an output option\n/);
    const both = await runCli(['submit', 'examples/hello.yaml', '--watch', '--wait'], dir);
    assert.match(both.stderr, /--wait cannot be combined with --watch/);
    const upper = await runCli(['submit', 'examples/hello.yaml', '--generate-name', 'Hello-'], dir);
    assert.equal(upper.code, 2, upper.stderr);
    assert.match(upper.stderr, /^argosy: .*422.*Hello-/);
  });

  test('submit --server-dry-run is admitted by the API server and not stored', async () => {
    const r = await runCli(['submit', 'examples/hello.yaml', '--server-dry-run', '-o', 'name'], dir);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /^hello-\w+\n$/);
    assert.equal((await runCli(['list', '-o', 'name'], dir)).stdout, 'No workflows found\n');
  });
});
