/**
 * More of Argo's retry e2e cases as a user runs them against `argosy dev` (local kubelet, real handlers,
 * real CLI): TestRetryStoppedButIncompleteWorkflow (test/e2e/argo_server_test.go: retry right after a stop
 * failed the workflow, its long step still holding an output artifact), and from test/e2e/retry_test.go
 * TestRetryLimit (`limit: 0` with a backoff: one attempt, Argo's status and node flags), TestRetryBackoff
 * (10 s backoff, maxDuration 1m: Failed within Argo's 90 s, at most 10 nodes) and TestRetryNodeAntiAffinity
 * (the dev cluster has one node, as Argo's e2e k3d cluster: the retry pod cannot be placed and says why).
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { NodeStatus, Workflow } from '../../../src/engine/types.ts';
import { runCli, writeFile } from './cli-helpers.ts';
import { devForFile } from './dev-workflows.ts';

const dev = devForFile();
const { dir, workflow, until } = dev;

const byDisplay = (wf: Workflow, d: string): NodeStatus | undefined =>
  Object.values(wf.status?.nodes ?? {}).find((n) => n.displayName === d);

/**
 * Argo's test/e2e/testdata/retry-on-stopped.yaml, but: its `stop` step (the argocli image running `argo stop -l
 * …`) is the user's `argosy stop -l …` here, the artifact goes to the dev stack's default repository instead of
 * Argo's minio, and the pods run as `default` (Argo's e2e namespace has a ServiceAccount `argo`; the dev stack's has not).
 */
const RETRY_ON_STOPPED = `
apiVersion: argoproj.io/v1alpha1
kind: Workflow
metadata:
  generateName: wf-retry-stopped-
spec:
  workflowMetadata:
    labels:
      workflows.argoproj.io/test: "true"
      workflows.argoproj.io/workflow: "wf-retry-stopped"
  entrypoint: wf-retry-stopped-main
  executor:
    serviceAccountName: default
  templates:
    - name: wf-retry-stopped-main
      steps:
        - - name: create
            template: create
          - name: sleep
            template: sleep
    - name: sleep
      container:
        image: argoproj/argosay:v2
        args: [ sleep, "10" ]
    - name: create
      container:
        image: argoproj/argosay:v2
        command:
          - sh
          - -c
        args:
          - |
            echo "hello world" > /tmp/message
            sleep 999
      outputs:
        artifacts:
          - name: my-artifact
            path: /tmp/message
            archive:
              none: {}
`;

describe("Argo's retry e2e cases on argosy dev (stopped, retry limit)", () => {
  test('TestRetryStoppedButIncompleteWorkflow: a workflow just stopped is retried and runs its steps again', async () => {
    const s = await runCli(['submit', writeFile(dir, 'retry-on-stopped.yaml', RETRY_ON_STOPPED), '-o', 'name'], dir);
    assert.equal(s.code, 0, s.stderr);
    const name = s.stdout.trim();
    const running = await until(name, (wf) => byDisplay(wf, 'create')?.phase === 'Running' || !!wf.status?.finishedAt);
    assert.equal(byDisplay(running, 'create')?.phase, 'Running', JSON.stringify(running.status));
    const stop = await runCli(['stop', '-l', 'workflows.argoproj.io/workflow=wf-retry-stopped'], dir);
    assert.equal(stop.code, 0, stop.stderr);
    assert.match(stop.stdout, new RegExp(`workflow ${name} stopped`));
    const stopped = await until(name, (wf) => wf.status?.phase === 'Failed');
    assert.equal(stopped.metadata.labels?.['workflows.argoproj.io/workflow'], 'wf-retry-stopped');
    const createdAt = byDisplay(stopped, 'create')?.startedAt;
    await new Promise((r) => setTimeout(r, 1000)); // as Argo's test: retry one second after Failed
    const r = await runCli(['retry', name], dir);
    assert.equal(r.code, 0, r.stderr + r.stdout);
    assert.match(r.stdout, new RegExp(`^Name: +${name}$`, 'm'));
    const again = await until(
      name,
      (wf) => wf.status?.phase === 'Running' && byDisplay(wf, 'create')?.phase === 'Running',
    );
    assert.equal(again.spec.shutdown, undefined, 'the stop is lifted');
    assert.notEqual(byDisplay(again, 'create')?.startedAt, createdAt, 'create runs again');
    const t = await runCli(['terminate', name], dir);
    assert.equal(t.code, 0, t.stderr);
    await until(name, (wf) => wf.status?.phase === 'Failed');
  });

  test("TestRetryLimit: limit 0 makes one attempt; 'No more retries left', progress 0/1, Argo's node flags", async () => {
    const file = writeFile(
      dir,
      'retry-limit.yaml',
      `
apiVersion: argoproj.io/v1alpha1
kind: Workflow
metadata:
  name: test-retry-limit
spec:
  entrypoint: main
  templates:
    - name: main
      retryStrategy:
        limit: 0
        backoff:
          duration: 2s
          factor: 2
          maxDuration: 5m
      container:
        name: main
        image: 'argoproj/argosay:v2'
        args: [ exit, "1" ]
`,
    );
    const s = await runCli(['submit', file, '--wait'], dir);
    assert.match(s.stdout, /^test-retry-limit Failed at /m, s.stderr);
    const wf = await workflow('test-retry-limit');
    assert.equal(wf.status?.phase, 'Failed');
    assert.equal(wf.status?.message, 'No more retries left');
    assert.equal(wf.status?.progress, '0/1');
    const nodes = Object.values(wf.status?.nodes ?? {});
    const retry = nodes.find((n) => n.name === 'test-retry-limit');
    assert.equal(retry?.phase, 'Failed');
    assert.equal(retry?.type, 'Retry');
    assert.equal(retry?.nodeFlag, undefined);
    const attempt = nodes.find((n) => n.name === 'test-retry-limit(0)');
    assert.equal(attempt?.phase, 'Failed');
    assert.equal(attempt?.nodeFlag?.retried, true);
    assert.equal(nodes.length, 2, 'one attempt only');
  });
  test('TestRetryBackoff: limit 10 (string and number), backoff 10s, maxDuration 1m: Failed, at most 10 nodes', async () => {
    const spec = (limit: string) => `
apiVersion: argoproj.io/v1alpha1
kind: Workflow
metadata:
  generateName: test-backoff-strategy-
spec:
  entrypoint: main
  templates:
    - name: main
      retryStrategy:
        limit: ${limit}
        backoff:
          duration: 10s
          maxDuration: 1m
      container:
          name: main
          image: 'argoproj/argosay:v2'
          args: [ exit, "1" ]
`;
    // Both at once, as Argo's suite waits up to 90 s for each in turn.
    const names = await Promise.all(
      ["'10'", '10'].map(async (limit, i) => {
        const s = await runCli(['submit', writeFile(dir, `backoff-${i}.yaml`, spec(limit)), '-o', 'name'], dir);
        assert.equal(s.code, 0, s.stderr);
        return s.stdout.trim();
      }),
    );
    for (const name of names) {
      const wf = await until(name, (w) => !!w.status?.finishedAt);
      assert.equal(wf.status?.phase, 'Failed');
      assert.ok(Object.keys(wf.status?.nodes ?? {}).length <= 10);
      // 10 s, 20 s, 40 s of backoff cannot fit in a minute: the max duration ends it before the limit.
      assert.match(wf.status?.nodes?.[name]?.message ?? '', /max duration limit/i);
    }
  });

  test("TestRetryNodeAntiAffinity: the retry avoids the failed attempt's node; with one node it waits, saying why", async () => {
    const file = writeFile(
      dir,
      'anti-affinity.yaml',
      `
apiVersion: argoproj.io/v1alpha1
kind: Workflow
metadata:
  name: test-nodeantiaffinity-strategy
spec:
  entrypoint: main
  templates:
    - name: main
      retryStrategy:
        limit: '1'
        retryPolicy: "Always"
        affinity:
          nodeAntiAffinity: {}
      container:
          name: main
          image: 'argoproj/argosay:v2'
          args: [ exit, "1" ]
`,
    );
    assert.equal((await runCli(['submit', file], dir)).code, 0);
    const name = 'test-nodeantiaffinity-strategy';
    const retry = `${name}(1)`;
    const wf = await until(
      name,
      (w) => /node affinity/.test(byDisplay(w, retry)?.message ?? '') || !!w.status?.finishedAt,
    );
    const first = byDisplay(wf, `${name}(0)`);
    const second = byDisplay(wf, retry);
    assert.equal(first?.phase, 'Failed');
    assert.ok(first?.hostNodeName, 'the failed attempt ran on a node');
    // Argo's two allowed results: Running with the retry unplaceable, or Failed on another node.
    if (wf.status?.phase === 'Running') {
      assert.match(second?.message ?? '', /didn't match Pod's node affinity\/selector/);
      assert.notEqual(second?.hostNodeName, first?.hostNodeName);
      assert.equal((await runCli(['terminate', name], dir)).code, 0);
      await until(name, (w) => !!w.status?.finishedAt);
    } else {
      assert.equal(wf.status?.phase, 'Failed');
      assert.notEqual(second?.hostNodeName, first?.hostNodeName);
    }
  });
});
