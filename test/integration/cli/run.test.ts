import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { once } from 'node:events';
import { runCli, scratch, SHARED, spawnCli, writeFile } from './cli-helpers.ts';

const dir = scratch();
after(() => rmSync(dir, { recursive: true, force: true }));

describe('argosy run (ephemeral local stack)', () => {
  test("npm start's command: the seed example succeeds with `other` in cluster other", async () => {
    const r = await runCli(['run', 'examples/multi-cluster.yaml'], dir);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /Status:\s+Succeeded/);
    assert.match(r.stdout, /STEP\s+TEMPLATE\s+PODNAME\s+CLUSTER\s+DURATION\s+MESSAGE/);
    assert.match(r.stdout, /^ ✔ multi-cluster-[a-z0-9]{5}\s+main$/m);
    assert.match(r.stdout, /^ [├└]─✔ other\s+other\s+multi-cluster-[a-z0-9]{5}-other-\d+\s+other\/argo\s+\d+s$/m);
    assert.match(r.stdout, /^ [├└]─✔ this\s+this\s+multi-cluster-[a-z0-9]{5}-this-\d+\s+\d+s$/m);
    assert.doesNotMatch(r.stdout, /\x1b\[/, 'no colours or screen clearing when not a terminal');
  });

  test('examples/cluster-choice.yaml: the first candidate takes train, Spread shares the shards', async () => {
    const r = await runCli(['run', 'examples/cluster-choice.yaml', '-o', 'json'], dir);
    assert.equal(r.code, 0, r.stderr);
    const wf = JSON.parse(r.stdout) as { status: { phase: string; nodes: Record<string, Record<string, string>> } };
    assert.equal(wf.status.phase, 'Succeeded');
    const nodes = Object.values(wf.status.nodes).filter((n) => n['type'] === 'Pod');
    assert.equal(nodes.find((n) => n['templateName'] === 'train')?.['clusterName'], 'other', JSON.stringify(nodes));
    const shards = nodes.filter((n) => n['templateName'] === 'shard').map((n) => n['clusterName'] ?? 'main');
    assert.deepEqual(shards.sort(), ['main', 'main', 'other', 'other']);
  });

  test('the seed conformance case, as written (serviceAccount alias, no apiVersion/kind)', async () => {
    const r = await runCli(['run', join(SHARED, 'conformance/multi-cluster/seed.yaml')], dir);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /Status:\s+Succeeded/);
    assert.match(r.stdout, /other\/argo/);
  });

  test('the fan-out conformance case: 4 pods, in main/argo, other/argo and other/batch', async () => {
    const r = await runCli(
      [
        'run',
        join(SHARED, 'conformance/multi-cluster/fan-out-fan-in.yaml'),
        '--policy',
        'examples/policy-fan-out.yaml',
        '-o',
        'json',
      ],
      dir,
    );
    assert.equal(r.code, 0, r.stderr);
    const wf = JSON.parse(r.stdout) as {
      status: {
        phase: string;
        nodes: Record<string, { type: string; displayName: string; clusterName?: string; namespace?: string }>;
      };
    };
    assert.equal(wf.status.phase, 'Succeeded');
    const pods = Object.values(wf.status.nodes).filter((n) => n.type === 'Pod');
    const where = Object.fromEntries(
      pods.map((n) => [n.displayName, `${n.clusterName ?? 'main'}/${n.namespace ?? 'argo'}`]),
    );
    assert.deepEqual(where, { prepare: 'main/argo', left: 'other/argo', right: 'other/batch', join: 'main/argo' });
  });

  test('--policy reaches the stack: a same-namespace-only policy refuses other/batch (exit 1)', async () => {
    const policy = writeFile(
      dir,
      'strict-policy.yaml',
      `apiVersion: argosy.io/v1alpha1
kind: PlacementPolicy
spec:
  rules:
    - { name: same-namespace, effect: Allow, namespaces: [$workflowNamespace] }
`,
    );
    const r = await runCli(['run', 'examples/fan-out.yaml', '--policy', policy], dir);
    assert.equal(r.code, 1, r.stderr);
    assert.match(r.stdout, /Status:\s+(Failed|Error)/);
    assert.match(r.stdout, /other-batch/);
  });

  test('a failing step exits 1 and shows ✖', async () => {
    const f = writeFile(
      dir,
      'fail.yaml',
      `apiVersion: argoproj.io/v1alpha1
kind: Workflow
metadata: { generateName: fail- }
spec:
  entrypoint: main
  templates:
    - name: main
      container: { image: argoproj/argosay:v2, args: [exit, '3'] }
`,
    );
    const r = await runCli(['run', f, '--no-utf8'], dir);
    assert.equal(r.code, 1, r.stderr);
    assert.match(r.stdout, /Status:\s+Failed/);
    assert.match(r.stdout, /^ Failed fail-[a-z0-9]{5}\s+main\s+fail-[a-z0-9]{5}\s+\d+s\s+.*exit code 3/m);
  });

  test('Ctrl-C stops the stack and exits 130', async () => {
    const f = writeFile(
      dir,
      'long.yaml',
      `apiVersion: argoproj.io/v1alpha1
kind: Workflow
metadata: { generateName: long- }
spec:
  entrypoint: main
  templates:
    - name: main
      container: { image: argoproj/argosay:v2, args: [sleep, '60'] }
`,
    );
    const child = spawnCli(['run', f], dir);
    let out = '';
    child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr!.on('data', (d: Buffer) => (out += d.toString()));
    const end = Date.now() + 60_000;
    while (!/● long-[a-z0-9]{5}\s+Running/.test(out) && Date.now() < end) await new Promise((r) => setTimeout(r, 100));
    child.kill('SIGINT');
    const [code] = (await once(child, 'close')) as [number | null];
    assert.equal(code, 130, out);
    // What the unfinished step was doing is said too (a run stopped for waiting too long names why).
    assert.match(
      out,
      /interrupted; stopping the local stack \(workflow long-[a-z0-9]{5} was Running: long-[a-z0-9]{5} Running\)/,
    );
  });
});
