/**
 * Argo's retry e2e cases (test/e2e/cli_test.go: TestRetryWorkflowWithContinueOn,
 * TestRetryWorkflowWithFailedExitHandler, TestRetryOmit, TestWorkflowRetryNestedDag) as a user runs
 * and TestWorkflowRetry (terminated while suspended) — as a user runs
 * them against `argosy dev` (the local kubelet running the pods, the real handlers): submit, wait for
 * Argo's first result, `argosy retry` (argo's get block printed), wait again, Argo's second result.
 * The workflows are Argo's testdata shapes (as in test/unit/engine/rerun-e2e.test.ts, which checks the
 * same cases node by node through the engine).
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { NodeStatus, Workflow } from '../../../src/engine/types.ts';
import { runCli, writeFile } from './cli-helpers.ts';
import { devForFile } from './dev-workflows.ts';

const dev = devForFile();
const { dir, workflow, until } = dev;

const nodes = (wf: Workflow): NodeStatus[] => Object.values(wf.status?.nodes ?? {});
const byDisplay = (wf: Workflow, d: string): NodeStatus | undefined => nodes(wf).find((n) => n.displayName === d);

/** Submits, waits for the end; then retries (with `flags`) and waits again. */
async function runRetryRun(yaml: string, name: string, flags: string[] = []): Promise<[Workflow, Workflow]> {
  const file = writeFile(dir, `${name}.yaml`, yaml);
  const s = await runCli(['submit', file, '--wait', '-o', 'name'], dir);
  assert.ok(s.code === 0 || s.code === 1, s.stderr);
  const first = await workflow(name);
  // Status times have whole seconds: a rerun must start in a later second than the first run ended in,
  // or "it ran again" cannot be told from the times (Argo's e2e tests wait between runs too).
  const wait = Date.parse(first.status?.finishedAt ?? '') + 1000 - Date.now();
  if (wait > 0) await new Promise((r) => setTimeout(r, wait));
  const r = await runCli(['retry', name, ...flags], dir);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /^Name: +\S+$/m);
  assert.match(r.stdout, /^Namespace: +argo$/m);
  const w = await runCli(['wait', name], dir);
  assert.ok(w.code === 0 || w.code === 1, w.stderr);
  return [first, await workflow(name)];
}

describe("Argo's retry e2e cases on argosy dev", () => {
  test('TestRetryWorkflowWithContinueOn: Failed with 7 nodes before and after; success keeps its 2 children', async () => {
    const [first, second] = await runRetryRun(
      `
apiVersion: argoproj.io/v1alpha1
kind: Workflow
metadata: {name: retry-continueon}
spec:
  entrypoint: dag
  templates:
    - name: dag
      retryStrategy: {limit: 2, retryPolicy: OnError}
      dag:
        failFast: false
        tasks:
          - {name: success, template: node-to-exit, arguments: {parameters: [{name: exitCode, value: "0"}]}}
          - {name: failure, template: node-to-exit, dependencies: [success], arguments: {parameters: [{name: exitCode, value: "1"}]}}
          - {name: task-after-failure, template: node-to-exit, dependencies: [failure], arguments: {parameters: [{name: exitCode, value: "0"}]}}
          - {name: continue, template: node-to-exit, continueOn: {failed: true}, dependencies: [success], arguments: {parameters: [{name: exitCode, value: "2"}]}}
          - {name: task-after-continue, template: node-to-exit, dependencies: [continue], arguments: {parameters: [{name: exitCode, value: "0"}]}}
    - name: node-to-exit
      inputs: {parameters: [{name: exitCode}]}
      container: {image: argoproj/argosay:v2, args: [exit, "{{inputs.parameters.exitCode}}"]}
`,
      'retry-continueon',
    );
    assert.equal(first.status?.phase, 'Failed');
    assert.equal(nodes(first).length, 7);
    assert.equal(second.status?.phase, 'Failed');
    assert.equal(nodes(second).length, 7);
    assert.equal(nodes(second).find((n) => n.name.includes('.success'))?.children?.length, 2);
  });

  test('TestRetryWorkflowWithFailedExitHandler: the exit handler runs again and fails again; 2 nodes', async () => {
    const name = 'retry-workflow-with-failed-exit-handler';
    const [first, second] = await runRetryRun(
      `
apiVersion: argoproj.io/v1alpha1
kind: Workflow
metadata: {name: retry-workflow-with-failed-exit-handler}
spec:
  entrypoint: hello
  onExit: exit-handler
  templates:
  - name: hello
    container: {image: argoproj/argosay:v2, args: [echo, hello]}
  - name: exit-handler
    container: {image: argoproj/argosay:v2, args: [exit, "1"]}
`,
      name,
    );
    assert.equal(first.status?.phase, 'Failed');
    assert.equal(nodes(first).length, 2);
    assert.equal(second.status?.phase, 'Failed');
    assert.equal(nodes(second).length, 2);
    assert.equal(second.status?.nodes?.[name]?.phase, 'Succeeded');
    const exit = nodes(second).find((n) => n.name.includes('.onExit'));
    assert.equal(exit?.phase, 'Failed');
    assert.match(exit?.message ?? '', /exit code 1/);
    assert.notEqual(exit?.startedAt, nodes(first).find((n) => n.name.includes('.onExit'))?.startedAt, 'it ran again');
  });

  test('TestRetryOmit: a failed DAG with an omitted task can be retried', async () => {
    const [first, second] = await runRetryRun(
      `
apiVersion: argoproj.io/v1alpha1
kind: Workflow
metadata: {name: retry-omit}
spec:
  entrypoint: main
  templates:
    - name: main
      dag:
        tasks:
          - {name: F, template: fail}
          - {name: O, depends: F, template: pass}
    - name: pass
      container: {image: argoproj/argosay:v2}
    - name: fail
      container: {image: argoproj/argosay:v2, args: [exit, "1"]}
`,
      'retry-omit',
    );
    assert.equal(byDisplay(first, 'O')?.phase, 'Omitted');
    assert.equal(second.status?.phase, 'Failed');
    assert.equal(byDisplay(second, 'O')?.phase, 'Omitted');
  });

  test('TestWorkflowRetry: terminated while suspended, retried with --restart-successful templateName==steps-inner', async () => {
    const yaml = `
apiVersion: argoproj.io/v1alpha1
kind: Workflow
metadata: {generateName: retry-test-}
spec:
  entrypoint: main
  templates:
    - name: main
      steps:
        - - {name: steps-outer-step1, template: whalesay}
        - - {name: steps-outer-step2, template: steps-inner}
    - name: steps-inner
      steps:
        - - {name: steps-inner-step1, template: whalesay}
        - - {name: steps-inner-step2, template: approve}
    - name: approve
      suspend: {}
    - name: whalesay
      container: {image: argoproj/argosay:v2}
`;
    const s = await runCli(['submit', writeFile(dir, 'retry-test.yaml', yaml), '-o', 'name'], dir);
    assert.equal(s.code, 0, s.stderr);
    const name = s.stdout.trim();
    const suspended = (wf: Workflow) => nodes(wf).some((n) => n.type === 'Suspend' && n.phase === 'Running');
    await until(name, suspended);
    const t = await runCli(['terminate', '@latest'], dir);
    assert.equal(t.code, 0, t.stderr);
    assert.match(t.stdout, /workflow retry-test-.* terminated/);
    const terminated = await until(name, (wf) => wf.status?.phase === 'Failed');
    const retryTime = Date.parse(terminated.status?.finishedAt ?? '');
    // Argo's test waits 3 s too: finishedAt has whole seconds, so a rerun must finish in a later one.
    await new Promise((r) => setTimeout(r, 1100));
    const r = await runCli(
      ['retry', '@latest', '--restart-successful', '--node-field-selector', 'templateName==steps-inner'],
      dir,
    );
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /^Name: +retry-test-/m);
    const again = await until(name, suspended);
    // Kept: it finished no later than the terminated run (in the same second when the machine is quick).
    assert.ok(Date.parse(byDisplay(again, 'steps-outer-step1')?.finishedAt ?? '') <= retryTime, 'outer step kept');
    assert.ok(retryTime < Date.parse(byDisplay(again, 'steps-inner-step1')?.finishedAt ?? ''), 'inner step ran again');
    assert.equal((await runCli(['terminate', name], dir)).code, 0);
  });

  test('TestWorkflowRetryNestedDag: the selected innermost step and what follows it run again', async () => {
    const selector = 'name=retry-nested-dag.dag1-step2.dag2-step1.dag3-step1';
    const [first, second] = await runRetryRun(
      `
apiVersion: argoproj.io/v1alpha1
kind: Workflow
metadata: {name: retry-nested-dag}
spec:
  entrypoint: outer-dag
  templates:
    - name: outer-dag
      dag:
        tasks:
          - {name: dag1-step1, template: node-to-succeed}
          - {name: dag1-step2, dependencies: [dag1-step1], template: middle-dag}
          - {name: dag1-step3-tofail, dependencies: [dag1-step2], template: node-to-fail}
    - name: middle-dag
      dag:
        tasks:
          - {name: dag2-step1, template: inner-dag}
    - name: inner-dag
      dag:
        tasks:
          - {name: dag3-step1, template: node-to-succeed}
          - {name: dag3-step2, dependencies: [dag3-step1], template: node-to-succeed}
          - {name: dag3-step3, dependencies: [dag3-step2], template: node-to-succeed}
    - name: node-to-succeed
      container: {image: argoproj/argosay:v2, command: [sh, -c], args: ["exit 0"]}
    - name: node-to-fail
      container: {image: argoproj/argosay:v2, command: [sh, -c], args: ["exit 1"]}
`,
      'retry-nested-dag',
      ['--restart-successful', '--node-field-selector', selector],
    );
    assert.equal(first.status?.phase, 'Failed');
    assert.equal(second.status?.phase, 'Failed');
    for (const d of ['dag3-step1', 'dag3-step2', 'dag3-step3']) {
      assert.equal(byDisplay(second, d)?.phase, 'Succeeded', d);
      assert.notEqual(byDisplay(second, d)?.finishedAt, byDisplay(first, d)?.finishedAt, `${d} ran again`);
    }
    assert.equal(byDisplay(second, 'dag1-step1')?.finishedAt, byDisplay(first, 'dag1-step1')?.finishedAt);
  });
});
