// kubectl 1.32 itself against an embedded API server: apply (create, then update), get (table and
// JSON), get -w, logs, wait, delete, auth can-i/whoami, typed (protobuf) creates and server-side apply.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startLocalClusters, type LocalClusters } from '../../../src/local/clusters.ts';
import { kubectl } from './helpers.ts';

describe('kubectl against a local cluster', () => {
  let lc: LocalClusters;
  let dir: string;
  const k = (args: string[], opts?: Parameters<typeof kubectl>[3]) => kubectl(lc.kubeconfigPath, 'main', args, opts);

  before(async () => {
    lc = await startLocalClusters({ names: ['main'] });
    dir = mkdtempSync(join(tmpdir(), 'argosy-kubectl-'));
  });
  after(async () => {
    await lc.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  test('apply creates, then updates a pod; get shows it; logs and wait work', async () => {
    const file = join(dir, 'pod.yaml');
    const pod = (label: string) => `apiVersion: v1
kind: Pod
metadata:
  name: hello
  labels: {app: ${label}}
spec:
  restartPolicy: Never
  containers:
  - name: main
    image: argoproj/argosay:v2
`;
    writeFileSync(file, pod('one'));
    const created = await k(['apply', '-f', file]);
    assert.equal(created.code, 0, created.stderr);
    assert.match(created.stdout, /pod\/hello created/);
    const waited = await k(['wait', '--for=jsonpath={.status.phase}=Succeeded', 'pod/hello', '--timeout=20s']);
    assert.equal(waited.code, 0, waited.stderr);
    writeFileSync(file, pod('two'));
    const updated = await k(['apply', '-f', file]);
    assert.equal(updated.code, 0, updated.stderr);
    assert.match(updated.stdout, /pod\/hello configured/);
    const table = await k(['get', 'pods', '--show-labels']);
    assert.match(table.stdout, /NAME\s+READY\s+STATUS/);
    assert.match(table.stdout, /hello\s+0\/1\s+Completed.*app=two/);
    const json = JSON.parse((await k(['get', 'pod', 'hello', '-o', 'json'])).stdout);
    assert.equal(json.status.containerStatuses[0].state.terminated.exitCode, 0);
    assert.equal(json.metadata.labels.app, 'two');
    assert.ok(json.metadata.annotations['kubectl.kubernetes.io/last-applied-configuration']);
    const logs = await k(['logs', 'hello']);
    assert.equal(logs.stdout, 'hello argo\n');
  });

  test('custom resources: apply a Workflow twice, get wf with printer columns, server-side apply', async () => {
    const file = join(dir, 'wf.yaml');
    const wf = (msg: string) => `apiVersion: argoproj.io/v1alpha1
kind: Workflow
metadata:
  name: wf1
spec:
  entrypoint: main
  templates:
  - name: main
    container: {image: busybox, command: [echo, ${msg}]}
`;
    writeFileSync(file, wf('hi'));
    assert.equal((await k(['apply', '-f', file])).code, 0);
    writeFileSync(file, wf('bye'));
    const again = await k(['apply', '-f', file]);
    assert.match(again.stdout, /workflow.argoproj.io\/wf1 configured/);
    const got = JSON.parse((await k(['get', 'wf', 'wf1', '-o', 'json'])).stdout);
    assert.deepEqual(got.spec.templates[0].container.command, ['echo', 'bye']);
    assert.equal(got.metadata.generation, 2);
    const table = await k(['get', 'workflows']);
    assert.match(table.stdout, /NAME\s+STATUS\s+AGE\s+MESSAGE/);
    const ssa = await k(['apply', '--server-side', '-f', file]);
    assert.equal(ssa.code, 0, ssa.stderr);
    assert.match(ssa.stdout, /serverside-applied/);
    const del = await k(['delete', 'wf', 'wf1']);
    assert.match(del.stdout, /deleted/);
    const gone = await k(['get', 'wf', 'wf1']);
    assert.notEqual(gone.code, 0);
    assert.match(gone.stderr, /workflows.argoproj.io "wf1" not found/);
  });

  test('apply of a kind the server does not serve fails like on a real cluster (no validation noise)', async () => {
    const r = await k(['apply', '-f', '-'], {
      stdin: 'apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources: []\n',
    });
    assert.notEqual(r.code, 0);
    assert.match(r.stderr, /no matches for kind "Kustomization" in version "kustomize.config.k8s.io\/v1beta1"/);
    assert.match(r.stderr, /ensure CRDs are installed first/);
  });

  test('unknown fields: kubectl (fieldValidation=Strict) gets the real strict decoding error', async () => {
    const r = await k(['apply', '-f', '-'], {
      stdin:
        'apiVersion: v1\nkind: Pod\nmetadata: {name: typo}\nspec:\n  containers: [{name: main, image: busybox, comand: [echo]}]\n',
    });
    assert.notEqual(r.code, 0);
    assert.match(
      r.stderr,
      /Pod in version "v1" cannot be handled as a Pod: strict decoding error: unknown field "spec.containers\[0\].comand"/,
    );
  });

  test('get -w streams an event for a change', async () => {
    const watching = k(['get', 'configmaps', '-w', '--output-watch-events'], { untilStdout: /ADDED\s+watched/ });
    await new Promise((r) => setTimeout(r, 500));
    const created = await k(['create', 'configmap', 'watched', '--from-literal=a=b']);
    assert.equal(created.code, 0, created.stderr);
    const w = await watching;
    assert.match(w.stdout, /ADDED\s+watched/);
  });

  test('typed creates (protobuf bodies), invalid secret keys, auth can-i and whoami', async () => {
    const ns = await k(['create', 'namespace', 'argo']);
    assert.equal(ns.code, 0, ns.stderr);
    const secret = await k(['create', 'secret', 'generic', 's1', '-n', 'argo', '--from-literal=user=me']);
    assert.equal(secret.code, 0, secret.stderr);
    const s = JSON.parse((await k(['get', 'secret', 's1', '-n', 'argo', '-o', 'json'])).stdout);
    assert.equal(Buffer.from(s.data.user, 'base64').toString(), 'me');
    assert.equal(s.type, 'Opaque');
    const bad = await k(['apply', '-f', '-'], {
      stdin: 'apiVersion: v1\nkind: Secret\nmetadata: {name: bad}\nstringData: {"bad key": x}\n',
    });
    assert.notEqual(bad.code, 0);
    assert.match(bad.stderr, /The Secret "bad" is invalid: data\[bad key\]: Invalid value/);
    assert.equal((await k(['auth', 'can-i', 'create', 'pods'])).stdout.trim(), 'yes');
    assert.match((await k(['auth', 'whoami'])).stdout, /kubernetes-admin/);
  });

  test('delete a running pod: the kubelet stops it and the pod goes away', async () => {
    const run = await k(['apply', '-f', '-'], {
      stdin:
        'apiVersion: v1\nkind: Pod\nmetadata: {name: sleeper}\nspec:\n  restartPolicy: Never\n  containers:\n  - {name: main, image: busybox, command: [sleep, "300"]}\n',
    });
    assert.equal(run.code, 0, run.stderr);
    assert.equal((await k(['wait', '--for=condition=Ready', 'pod/sleeper', '--timeout=20s'])).code, 0);
    const del = await k(['delete', 'pod', 'sleeper', '--timeout=20s']);
    assert.equal(del.code, 0, del.stderr);
    const gone = await k(['get', 'pod', 'sleeper']);
    assert.match(gone.stderr, /pods "sleeper" not found/);
  });
});
