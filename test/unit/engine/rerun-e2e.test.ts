/**
 * Argo's retry e2e cases (test/e2e/cli_test.go: TestRetryWorkflowWithContinueOn,
 * TestRetryWorkflowWithFailedExitHandler, TestRetryOmit, TestWorkflowRetryNestedDag, TestWorkflowRetry)
 * through the engine: the workflow (the testdata's shape, written here) runs to its end with the
 * simulated kubelet, `formulateRetry` (as `argosy retry` calls it) resets it, and it runs again to
 * Argo's expected result. The local stack runs the same path in test/integration/cli/retry-resubmit.test.ts.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { formulateResubmit, formulateRetry, type RetryOptions } from '../../../src/engine/index.ts';
import type { KubePod } from '../../../src/engine/contract.ts';
import type { NodeStatus, Workflow } from '../../../src/engine/types.ts';
import { drive } from './drive.ts';
import { NOW, wfFromYaml } from './fixtures.ts';

const later = (s: number): Date => new Date(NOW.getTime() + s * 1000);

/** Runs, retries at +10 min, runs again; returns both ends. */
function runRetryRun(
  yaml: string,
  name: string,
  opts: Partial<RetryOptions> = {},
  between?: (wf: Workflow) => Workflow,
) {
  let first = drive(wfFromYaml(yaml, name), { maxRounds: 200 }).workflow;
  if (between) first = between(first);
  const plan = formulateRetry(first, { mainCluster: 'main', ...opts }, later(600));
  const second = drive(plan.workflow, { start: later(601), maxRounds: 200 }).workflow;
  return { first, plan, second };
}

function byDisplay(wf: Workflow, displayName: string): NodeStatus {
  const n = Object.values(wf.status?.nodes ?? {}).find((x) => x.displayName === displayName);
  assert.ok(n, `no node ${displayName}`);
  return n;
}

const count = (wf: Workflow): number => Object.keys(wf.status?.nodes ?? {}).length;

describe("Argo's retry e2e cases through the engine", () => {
  test('TestRetryWorkflowWithContinueOn: Failed with 7 nodes before and after; success keeps its 2 children', () => {
    const yaml = `
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
`;
    const { first, second } = runRetryRun(yaml, 'retry-continueon');
    assert.equal(first.status?.phase, 'Failed');
    assert.equal(count(first), 7);
    assert.equal(second.status?.phase, 'Failed');
    assert.equal(count(second), 7);
    const success = Object.values(second.status?.nodes ?? {}).find((n) => n.name.includes('.success'));
    assert.equal(success?.children?.length, 2);
  });

  test('TestRetryWorkflowWithFailedExitHandler: the exit handler runs again and fails again; 2 nodes', () => {
    const yaml = `
spec:
  entrypoint: hello
  onExit: exit-handler
  templates:
  - name: hello
    container: {image: argoproj/argosay:v2, args: [echo, hello]}
  - name: exit-handler
    container: {image: argoproj/argosay:v2, args: [exit, "1"]}
`;
    const name = 'retry-workflow-with-failed-exit-handler';
    const { first, plan, second } = runRetryRun(yaml, name);
    assert.equal(count(first), 2);
    assert.equal(plan.podsToDelete.length, 1, 'the exit handler pod');
    assert.equal(second.status?.phase, 'Failed');
    assert.equal(count(second), 2);
    assert.equal(second.status?.nodes?.[name]?.phase, 'Succeeded');
    const exit = Object.values(second.status?.nodes ?? {}).find((n) => n.name.includes('.onExit'));
    assert.equal(exit?.phase, 'Failed');
    assert.match(exit?.message ?? '', /exit code 1/);
    assert.notEqual(exit?.startedAt, byDisplay(first, `${name}.onExit`).startedAt, 'it ran again');
  });

  test('TestRetryOmit: a failed DAG with an omitted task can be retried', () => {
    const yaml = `
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
`;
    const { first, plan, second } = runRetryRun(yaml, 'retry-omit');
    assert.equal(byDisplay(first, 'O').phase, 'Omitted');
    assert.equal(count(plan.workflow), 1, 'F and the omitted O below it are dropped');
    assert.equal(second.status?.phase, 'Failed');
    assert.equal(byDisplay(second, 'O').phase, 'Omitted');
  });

  test('TestWorkflowRetryNestedDag: the selected innermost step and what follows it run again', () => {
    const yaml = `
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
`;
    const selector = 'name=retry-nested-dag.dag1-step2.dag2-step1.dag3-step1';
    const { first, second } = runRetryRun(yaml, 'retry-nested-dag', {
      restartSuccessful: true,
      nodeFieldSelector: selector,
    });
    assert.equal(first.status?.phase, 'Failed');
    assert.equal(second.status?.phase, 'Failed');
    for (const d of ['dag3-step1', 'dag3-step2', 'dag3-step3']) {
      assert.equal(byDisplay(second, d).phase, 'Succeeded', d);
      assert.notEqual(byDisplay(second, d).finishedAt, byDisplay(first, d).finishedAt, `${d} ran again`);
    }
    assert.equal(byDisplay(second, 'dag1-step1').finishedAt, byDisplay(first, 'dag1-step1').finishedAt);
  });

  test('TestWorkflowRetry: terminated while suspended, retried with --restart-successful templateName==steps-inner', () => {
    const yaml = `
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
    const suspended = (wf: Workflow): boolean =>
      Object.values(wf.status?.nodes ?? {}).some((n) => n.type === 'Suspend' && n.phase === 'Running');
    const running = drive(wfFromYaml(yaml, 'retry-test'), { until: suspended, maxRounds: 200 });
    assert.ok(suspended(running.workflow));
    const terminated = drive(
      { ...running.workflow, spec: { ...running.workflow.spec, shutdown: 'Terminate' } },
      { start: later(300), maxRounds: 50 },
    ).workflow;
    assert.equal(terminated.status?.phase, 'Failed');
    const retryTime = terminated.status?.finishedAt ?? '';
    const plan = formulateRetry(
      terminated,
      { mainCluster: 'main', restartSuccessful: true, nodeFieldSelector: 'templateName==steps-inner' },
      later(600),
    );
    assert.equal(plan.workflow.spec.shutdown, undefined);
    const again = drive(plan.workflow, { start: later(601), until: suspended, maxRounds: 200 }).workflow;
    assert.ok(suspended(again), 'suspended again');
    assert.ok((byDisplay(again, 'steps-outer-step1').finishedAt ?? '') < retryTime);
    assert.ok(retryTime < (byDisplay(again, 'steps-inner-step1').finishedAt ?? ''));
  });
});

describe('resubmit --memoized through the engine', () => {
  test("a memoized step is not run again and the next step still gets its output (Argo keeps a memoized node's outputs)", () => {
    const yaml = `
spec:
  entrypoint: main
  templates:
    - name: main
      steps:
        - - {name: gen, template: gen}
        - - {name: use, template: use, arguments: {parameters: [{name: v, value: "{{steps.gen.outputs.result}}"}]}}
    - name: gen
      script: {image: alpine, command: [sh], source: "echo gen-value"}
    - name: use
      inputs: {parameters: [{name: v}]}
      container: {image: argoproj/argosay:v2, args: [echo, "{{inputs.parameters.v}}"]}
`;
    let failUse = true;
    const runs: string[] = [];
    const outcome = (pod: KubePod) => {
      const main = pod.spec.containers.find((c) => c.name === 'main');
      const isUse = main?.args?.[0] === 'echo';
      runs.push(isUse ? `use:${main?.args?.[1]}` : 'gen');
      return isUse ? { exitCode: failUse ? 1 : 0, stdout: '' } : { exitCode: 0, stdout: 'gen-value\n' };
    };
    const failed = drive(wfFromYaml(yaml, 'memo'), { outcome, maxRounds: 200 }).workflow;
    assert.equal(failed.status?.phase, 'Failed');
    failUse = false;
    const next = formulateResubmit(failed, { memoized: true, suffix: 'abcde' }, later(600));
    const done = drive(next, { outcome, start: later(601), maxRounds: 200 }).workflow;
    assert.equal(done.status?.phase, 'Succeeded');
    assert.deepEqual(runs, ['gen', 'use:gen-value', 'use:gen-value']);
    assert.equal(byDisplay(done, 'gen').type, 'Skipped');
  });
});
