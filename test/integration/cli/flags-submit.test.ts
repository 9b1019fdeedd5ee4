/**
 * argo's flags of submit, run as a user types them against a running `argosy dev` (one stack for the
 * file; every check is a subprocess of bin/argosy.js).
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFile, runCli, scratch, startDev, type DevStack } from './cli-helpers.ts';

const dir = scratch();
let dev: DevStack;
before(async () => (dev = await startDev(dir)));
after(async () => dev.stop());
import { parse } from 'yaml';

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

  test('--dry-run -o yaml (stdin, two documents, -f, --entrypoint, --serviceaccount, -l) and --server-dry-run create nothing', async () => {
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
    const server = await runCli(['submit', 'examples/hello.yaml', '--server-dry-run', '-o', 'name'], dir);
    assert.equal(server.code, 0, server.stderr);
    assert.match(server.stdout, /^hello-\w+\n$/);
    assert.equal((await runCli(['list', '-o', 'name'], dir)).stdout, 'No workflows found\n', 'nothing created');
  });

  // Refused before it is sent (the CLI shares the API server's name formats, src/engine/kube-names.ts),
  // in kube-apiserver's words, and nothing is created.
  test('a name the API server would refuse (422) exits 2 with its words', async () => {
    const upper = await runCli(['submit', 'examples/hello.yaml', '--generate-name', 'Hello-'], dir);
    assert.equal(upper.code, 2, upper.stderr);
    assert.match(
      upper.stderr,
      /^argosy: .*metadata\.generateName: Invalid value: "Hello-": a lowercase RFC 1123 subdomain must consist of/,
    );
    assert.equal((await runCli(['list', '-o', 'name'], dir)).stdout, 'No workflows found\n', 'nothing created');
  });

  test('--scheduled-time sets the annotation {{workflow.scheduledTime}} reads; --priority sets spec.priority', async () => {
    const file = writeFile(
      dir,
      'when.yaml',
      `apiVersion: argoproj.io/v1alpha1
kind: Workflow
metadata: { generateName: when- }
spec:
  entrypoint: a
  templates:
    - { name: a, container: { image: busybox, command: [echo], args: ['for {{workflow.scheduledTime}}'] } }
`,
    );
    const lax = await runCli(['submit', '--strict=false', file, '--dry-run', '-o', 'name'], dir);
    assert.equal(lax.code, 0, lax.stderr);
    assert.match(lax.stderr, /--strict=false: fields Argo does not know are still reported/);
    const strict = await runCli(['submit', '--strict', file, '--dry-run', '-o', 'name'], dir);
    assert.equal(strict.code, 0, 'the word after --strict is the file, as with a Go bool flag');
    const at = '2026-01-02T03:04:05Z';
    const bad = await runCli(['submit', file, '--scheduled-time', '2026-01-02 03:04'], dir);
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /scheduled-time contains invalid time\.RFC3339 format/);
    const r = await runCli(['submit', file, '--scheduled-time', at, '--priority', '7', '--wait', '-o', 'name'], dir);
    assert.equal(r.code, 0, r.stderr);
    const name = r.stdout.trim().split('\n')[0] ?? '';
    const wf = JSON.parse((await runCli(['get', name, '-o', 'json'], dir)).stdout) as {
      metadata: { annotations: Record<string, string> };
      spec: { priority: number };
      status: { phase: string };
    };
    assert.equal(wf.metadata.annotations['workflows.argoproj.io/scheduled-time'], at);
    assert.equal(wf.spec.priority, 7);
    assert.equal(wf.status.phase, 'Succeeded');
    assert.match((await runCli(['logs', name], dir)).stdout, new RegExp(`for ${at}`));
    await runCli(['delete', name], dir);
  });
});
