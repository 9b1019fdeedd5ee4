/**
 * `argosy retry` and `argosy resubmit` as a user types them against `argosy dev` with two clusters:
 * the real CLI, the real handlers, the local kubelets. The cases follow Argo's e2e tests
 * (test/e2e/cli_test.go): TestWorkflowRetryFailedWorkflow (`retry -l`) (a step that fails on its first run — it
 * leaves a file on the workflow's volume claim — and passes when retried; here it runs in cluster
 * `other`, so its pod is deleted and re-created there), TestWorkflowRetry (--restart-successful
 * --node-field-selector on steps), TestWorkflowResubmitByLabelSelector, TestWorkflowResubmitDAGWithDependencies
 * (--memoized) and the refusals.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { clientFromKubeconfig } from '../../../src/clusters/kubeconfig.ts';
import { getWorkflow, listPods } from '../../../src/adapters/kube/resources.ts';
import type { DevState } from '../../../src/cli/lib/dev-state.ts';
import type { NodeStatus, Workflow } from '../../../src/engine/types.ts';
import { runCli, scratch, startDev, writeFile, type DevStack } from './cli-helpers.ts';

const dir = scratch();
let dev: DevStack;
let state: DevState;
before(async () => {
  dev = await startDev(dir, 'main,other');
  state = JSON.parse(readFileSync(join(dir, '.argosy', 'dev.json'), 'utf8')) as DevState;
});
after(async () => dev.stop());

async function client(context: string) {
  return (await clientFromKubeconfig({ kubeconfig: state.kubeconfigPath, context })).client;
}

async function workflow(name: string): Promise<Workflow> {
  return getWorkflow<Workflow>(await client(state.mainContext), 'argo', name);
}

function node(wf: Workflow, displayName: string): NodeStatus {
  const n = Object.values(wf.status?.nodes ?? {}).find((x) => x.displayName === displayName);
  assert.ok(n, `node ${displayName} in ${JSON.stringify(Object.values(wf.status?.nodes ?? {}).map((x) => x.name))}`);
  return n;
}

const FAIL_FIRST = `
apiVersion: argoproj.io/v1alpha1
kind: Workflow
metadata:
  name: fail-first
  labels: {team: retry}
spec:
  entrypoint: main
  volumeClaimTemplates:
    - metadata: {name: marks}
      spec:
        accessModes: [ReadWriteOnce]
        resources: {requests: {storage: 16Mi}}
  templates:
    - name: main
      dag:
        tasks:
          - {name: first, template: ok}
          - {name: flaky, template: flaky, depends: first}
          - {name: last, template: ok, depends: flaky}
    - name: ok
      container: {image: 'argoproj/argosay:v2', args: [echo, ok]}
    - name: flaky
      clusterName: other
      namespace: argo
      serviceAccountName: workflow
      container:
        image: 'argoproj/argosay:v2'
        command: [sh, -c]
        args: ['if [ -s /marks/tried ]; then echo retried; else echo once > /marks/tried; exit 1; fi']
        volumeMounts: [{name: marks, mountPath: /marks}]
`;

describe('argosy retry', () => {
  test('a DAG whose step in cluster other failed on its first run is retried to Succeeded; the passed step does not run again', async () => {
    const file = writeFile(dir, 'fail-first.yaml', FAIL_FIRST);
    const sub = await runCli(['submit', file, '--wait'], dir);
    assert.match(sub.stdout, /^fail-first Failed at /m, sub.stderr + dev.output());
    const failed = await workflow('fail-first');
    const firstDone = node(failed, 'first').finishedAt;
    const r = await runCli(['retry', '-l', 'team=retry', '--wait'], dir);
    assert.equal(r.code, 0, r.stderr + r.stdout);
    assert.match(r.stdout, /^Name: +fail-first$/m);
    assert.match(r.stdout, /^Namespace: +argo$/m);
    assert.match(r.stdout, /^fail-first Succeeded at /m);
    const done = await workflow('fail-first');
    assert.equal(done.status?.phase, 'Succeeded');
    assert.equal(node(done, 'first').finishedAt, firstDone, 'first is kept, not run again');
    assert.equal(node(done, 'flaky').clusterName, 'other');
    assert.equal(node(done, 'last').phase, 'Succeeded');
    const pods = await listPods<{ metadata: { name?: string } }>(await client('other'), 'argo', {
      labelSelector: 'workflows.argoproj.io/workflow=fail-first',
    });
    assert.equal(pods.items.length, 1, 'the failed pod was deleted in other and its node re-created there');
    const again = await runCli(['retry', 'fail-first'], dir);
    assert.equal(again.code, 1);
    assert.equal(
      again.stderr.split('\n')[0],
      'argosy: To retry a succeeded workflow, set the options restartSuccessful and nodeFieldSelector',
    );
  });

  test('--restart-successful --node-field-selector reruns the selected steps of a succeeded workflow; -p overrides', async () => {
    const file = writeFile(
      dir,
      'steps.yaml',
      `
apiVersion: argoproj.io/v1alpha1
kind: Workflow
metadata: {name: two-steps}
spec:
  entrypoint: main
  arguments: {parameters: [{name: word, value: one}]}
  templates:
    - name: main
      steps:
        - - {name: outer, template: say}
        - - {name: inner, template: say}
    - name: say
      container: {image: 'argoproj/argosay:v2', args: [echo, '{{workflow.parameters.word}}']}
`,
    );
    const sub = await runCli(['submit', file, '--wait'], dir);
    assert.match(sub.stdout, /^two-steps Succeeded at /m, sub.stderr);
    const before = await workflow('two-steps');
    const r = await runCli(
      [
        'retry',
        '@latest',
        '--restart-successful',
        '--node-field-selector',
        'displayName=inner',
        '-p',
        'word=two',
        '-w',
      ],
      dir,
    );
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /^two-steps Succeeded at /m);
    const after = await workflow('two-steps');
    assert.equal(node(after, 'outer').finishedAt, node(before, 'outer').finishedAt);
    assert.equal(after.spec.arguments?.parameters?.[0]?.value, 'two');
    const logs = await runCli(['logs', 'two-steps'], dir);
    assert.match(logs.stdout, /two/, 'the rerun step used the new value');
    assert.notEqual(node(after, 'inner').id, undefined);
  });
});

describe('argosy resubmit', () => {
  test('resubmit and resubmit --memoized (Argo TestWorkflowResubmitDAGWithDependencies)', async () => {
    const file = writeFile(
      dir,
      'resubmit-dag.yaml',
      `
apiVersion: argoproj.io/v1alpha1
kind: Workflow
metadata:
  generateName: resubmit-dag-
  labels: {workflow: resubmit-dag}
spec:
  entrypoint: rand-fail-dag
  templates:
    - name: rand-fail-dag
      dag:
        tasks:
          - {name: A, template: success}
          - {name: B, template: fail, depends: A}
          - {name: C, template: success, depends: B}
          - {name: D, template: success, depends: C}
    - name: fail
      container: {image: 'argoproj/argosay:v2', args: [exit, '1']}
    - name: success
      container: {image: 'argoproj/argosay:v2', args: [exit, '0']}
`,
    );
    const sub = await runCli(['submit', file, '-o', 'name', '--wait'], dir);
    const original = sub.stdout.split('\n')[0] ?? '';
    assert.match(sub.stdout, / Failed at /, sub.stderr);
    const plain = await runCli(['resubmit', '-l', 'workflow=resubmit-dag', '-o', 'name'], dir);
    assert.equal(plain.code, 0, plain.stderr);
    const copy = await workflow(plain.stdout.trim());
    assert.equal(copy.metadata.labels?.['workflows.argoproj.io/resubmitted-from-workflow'], original);
    assert.equal(copy.metadata.labels?.workflow, 'resubmit-dag');
    const memo = await runCli(['resubmit', '--memoized', original, '--wait'], dir);
    assert.equal(memo.code, 1, memo.stderr);
    for (const field of ['Name:', 'Namespace:', 'ServiceAccount:', 'Status:', 'Created:'])
      assert.match(memo.stdout, new RegExp(`^${field}`, 'm'));
    const name = /^Name: +(\S+)$/m.exec(memo.stdout)?.[1] ?? '';
    assert.match(name, /^resubmit-dag-[a-z0-9]{5}$/);
    const wf = await workflow(name);
    assert.equal(wf.status?.phase, 'Failed');
    assert.equal(Object.keys(wf.status?.nodes ?? {}).length, 5);
    assert.equal(node(wf, 'A').type, 'Skipped');
    assert.match(node(wf, 'A').message ?? '', /original pod/);
    assert.equal(node(wf, 'B').phase, 'Failed');
    assert.match(node(wf, 'B').message ?? '', /exit code 1/);
    for (const d of ['C', 'D']) {
      assert.equal(node(wf, d).type, 'Skipped');
      assert.match(node(wf, d).message ?? '', /omitted: depends condition not met/);
    }
    const refused = await runCli(['resubmit', '--memoized', 'two-steps'], dir);
    assert.match(refused.stderr, /^argosy: workflow must be Failed\/Error to resubmit in memoized mode/);
  });
});
