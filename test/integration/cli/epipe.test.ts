/**
 * `argosy get BIG | head -1` ends quietly: the view of a workflow with thousands of nodes is far larger
 * than a pipe holds, so `head` exits while argosy is still writing and argosy's write fails with EPIPE.
 * That must exit 0 without a stack trace (argo's CLI, a Go program, dies silently of SIGPIPE there).
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { startLocalClusters, type LocalClusters } from '../../../src/local/clusters.ts';
import { raw } from '../apiserver/helpers.ts';
import { BIN, NODE, ROOT, cliEnv, scratch } from './cli-helpers.ts';

const dir = scratch();
let clusters: LocalClusters;
const NODES = 3000;

function bigWorkflow(): Record<string, unknown> {
  const name = 'big';
  const nodes: Record<string, unknown> = {
    big: {
      id: 'big',
      name,
      displayName: name,
      type: 'Steps',
      phase: 'Running',
      templateName: 'main',
      children: [] as string[],
    },
  };
  for (let i = 0; i < NODES; i++) {
    const id = `big-${1000000000 + i}`;
    (nodes.big as { children: string[] }).children.push(id);
    nodes[id] = {
      id,
      name: `big[0].step(${i})`,
      displayName: `step(${i})`,
      type: 'Pod',
      phase: 'Running',
      templateName: 'work',
      boundaryID: 'big',
      startedAt: '2026-11-24T12:00:00Z',
    };
  }
  return { phase: 'Running', startedAt: '2026-11-24T12:00:00Z', progress: `0/${NODES}`, nodes };
}

before(async () => {
  clusters = await startLocalClusters({ names: ['main'], kubelet: false, namespaces: ['argo'] });
  const main = clusters.get('main');
  const path = '/apis/argoproj.io/v1alpha1/namespaces/argo/workflows';
  const wf = {
    apiVersion: 'argoproj.io/v1alpha1',
    kind: 'Workflow',
    metadata: { name: 'big' },
    spec: { entrypoint: 'main', templates: [{ name: 'main', container: { image: 'alpine' } }] },
  };
  const created = await raw(main, 'POST', path, wf);
  assert.equal(created.status, 201, created.text);
  const withStatus = { ...created.json, status: bigWorkflow() };
  // Argo's Workflow CRD has no status subresource: status is written with the object.
  const put = await raw(main, 'PUT', `${path}/big`, withStatus);
  assert.equal(put.status, 200, put.text);
});
after(async () => {
  await clusters.stop();
  rmSync(dir, { recursive: true, force: true });
});

/** Runs `argosy get big EXTRA... | head -1`: the first line, argosy's exit status and its stderr. */
async function headOne(extra: string[]): Promise<{ first: string; status: string; stderr: string }> {
  const err = join(dir, 'stderr.txt');
  const args = ['--kubeconfig', clusters.kubeconfigPath, '--context', 'main', '-n', 'argo', 'get', 'big', ...extra];
  const script = `"$0" "$@" 2>"${err}" | head -1; echo "exit=\${PIPESTATUS[0]}"`;
  const r = await promisify(execFile)('bash', ['-c', script, NODE, BIN, ...args], {
    cwd: ROOT,
    env: cliEnv(dir),
    maxBuffer: 1024 * 1024,
  });
  const [first, status] = r.stdout.trimEnd().split('\n');
  return { first: first ?? '', status: status ?? '', stderr: readFileSync(err, 'utf8') };
}

test('argosy get BIG | head -1 exits 0 with nothing on stderr', async () => {
  const r = await headOne([]);
  assert.match(r.first, /^Name: +big$/);
  assert.equal(r.status, 'exit=0', r.stderr);
  assert.equal(r.stderr, '');
});

test('argosy get BIG -o json | head -1 exits 0 while its chunks are still being written', async () => {
  const r = await headOne(['-o', 'json']);
  assert.equal(r.first, '{');
  assert.equal(r.status, 'exit=0', r.stderr);
  assert.equal(r.stderr, '');
});
