/**
 * Argo's retryStrategy e2e cases from its other suites, as a user runs them against `argosy dev` (local
 * kubelet, real handlers, `argosy submit --wait`): test/e2e/functional_test.go
 * TestWorkflowLevelErrorRetryPolicy, TestParameterAggregationStepsWithRetry, TestContainerSetRetryFail,
 * TestContainerSetRetrySuccess; hooks_test.go TestWorkflowLevelHooksWithRetry, TestTemplateLevelHooksWithRetry;
 * daemon_pod_test.go TestDaemonPodRetry. The workflows are Argo's, with Argo's assertions.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { NodeStatus, Workflow } from '../../../src/engine/types.ts';
import { runCli, writeFile } from './cli-helpers.ts';
import { devForFile } from './dev-workflows.ts';

const dev = devForFile();
const { dir, workflow } = dev;

let files = 0;
/** `argosy submit --wait` of `yaml`; the finished workflow. */
async function run(yaml: string): Promise<Workflow> {
  const sub = await runCli(['submit', writeFile(dir, `wf-${files++}.yaml`, yaml), '--wait', '-o', 'name'], dir);
  const name = sub.stdout.split('\n')[0] ?? '';
  assert.ok(name, sub.stderr + dev.output());
  return workflow(name);
}

const named = (wf: Workflow, name: string): NodeStatus => {
  const n = Object.values(wf.status?.nodes ?? {}).find((x) => x.name === name || x.displayName === name);
  assert.ok(n, `${name} in ${Object.values(wf.status?.nodes ?? {}).map((x) => x.name)}`);
  return n;
};

const CONTAINER_SET = (retry: string) => `
apiVersion: argoproj.io/v1alpha1
kind: Workflow
metadata:
  generateName: containerset-retry-
spec:
  entrypoint: main
  templates:
    - name: main
      containerSet:
        containers:
          - name: a
            image: argoproj/argosay:v2
            command: [sh, -c]
            args: ['FILE=test.yml; EXITCODE=1; if test -f "$FILE"; then EXITCODE=0; else touch $FILE; fi; exit $EXITCODE']
${retry}`;

/** hooks_test.go TestTemplateLevelHooksWithRetry's workflow. */
const TEMPLATE_HOOKS = `
apiVersion: argoproj.io/v1alpha1
kind: Workflow
metadata:
  name: retries-with-hooks-and-artifact
  labels:
    workflows.argoproj.io/test: "true"
  annotations:
    workflows.argoproj.io/description: |
      when retries and hooks are both included, the workflow cannot resolve the artifact 
    workflows.argoproj.io/version: '>= 3.5.0'
spec:
  entrypoint: main
  templates:
    - name: main
      steps:
        - - name: build
            template: output-artifact
            hooks:
              started:
                expression: steps["build"].status == "Running"
                template: started
              success:
                expression: steps["build"].status == "Succeeded"
                template: success
              failed:
                expression: steps["build"].status == "Failed" || steps["build"].status == "Error"
                template: failed
        - - name: print
            template: print-artifact
            arguments:
              artifacts:
                - name: message
                  from: "{{steps.build.outputs.artifacts.result}}"
    
    - name: output-artifact
      script:
        image: argoproj/argosay:v2
        command: [/bin/sh]
        source: |
          sleep 1
          echo 'Welcome' > result.txt
          [ "{{retries}}" = "2" ]
      retryStrategy: 
        limit: 2
      outputs:
        artifacts:
          - name: result
            path: /result.txt

    - name: started
      container:
        image: argoproj/argosay:v2
        args: ["echo", "STARTED!"]

    - name: success
      container:
        image: argoproj/argosay:v2
        args: ["echo", "SUCCEEDED!"]

    - name: failed
      container:
        image: argoproj/argosay:v2
        args: ["echo", "FAILED or ERROR!"]

    - name: print-artifact
      inputs:
        artifacts:
          - name: message
            path: /tmp/message
      container:
        image: argoproj/argosay:v2
        args: ["cat", "/tmp/message"]
`;

describe("Argo's retryStrategy e2e cases of its other suites on argosy dev", () => {
  test('TestWorkflowLevelErrorRetryPolicy: spec.retryStrategy makes the root node a Retry node', async () => {
    const wf = await run(`
kind: Workflow
apiVersion: argoproj.io/v1alpha1
metadata:
  generateName: retry-on-error-
spec:
  retryStrategy:
    retryPolicy: OnError
    limit: 1
  entrypoint: main
  templates:
    - name: main
      container:
        image: argoproj/argosay:v2
        args:
          - exit
          - "1"
`);
    assert.equal(wf.status?.nodes?.[wf.metadata.name!]?.type, 'Retry');
    assert.equal(wf.status?.phase, 'Failed', 'OnError does not retry a failure');
  });

  test('TestContainerSetRetryFail: containerSet.retryStrategy reruns the failed container: Succeeded', async () => {
    const wf = await run(CONTAINER_SET(`        retryStrategy:\n          retries: 2\n          duration: "5s"\n`));
    assert.equal(wf.status?.phase, 'Succeeded', JSON.stringify(wf.status?.nodes));
  });

  test('TestContainerSetRetrySuccess: without a retryStrategy the same container set ends Failed', async () => {
    const wf = await run(CONTAINER_SET(''));
    assert.equal(wf.status?.phase, 'Failed');
  });

  test('TestWorkflowLevelHooksWithRetry: progress 2/4, hooks Succeeded and hooked, attempts retried', async () => {
    const name = 'test-workflow-level-hooks-with-retry';
    const wf = await run(`
apiVersion: argoproj.io/v1alpha1
kind: Workflow
metadata:
  name: test-workflow-level-hooks-with-retry
spec:
  templates:
    - name: argosay
      container:
        image: argoproj/argosay:v2
        command:
          - /bin/sh
          - '-c'
        args:
          - /bin/sleep 1; exit 1
      retryStrategy:
        limit: 1
    - name: hook
      container:
        image: argoproj/argosay:v2
        command:
          - /bin/sh
          - '-c'
        args:
          - /argosay
  entrypoint: argosay
  hooks:
    failed:
      template: hook
      expression: workflow.status == "Failed"
    running:
      template: hook
      expression: workflow.status == "Running"
`);
    assert.equal(wf.status?.phase, 'Failed');
    const phases = Object.values(wf.status?.nodes ?? {}).map((n) => `${n.name} ${n.phase} ${n.message ?? ''}`);
    assert.equal(wf.status?.progress, '2/4', phases.join('\n'));
    for (const hook of ['running', 'failed']) {
      const n = named(wf, `${name}.hooks.${hook}`);
      assert.equal(n.phase, 'Succeeded', hook);
      assert.equal(n.nodeFlag?.hooked, true, hook);
      assert.ok(!n.nodeFlag?.retried, hook);
    }
    const retry = named(wf, name);
    assert.equal(retry.phase, 'Failed');
    assert.equal(retry.type, 'Retry');
    assert.equal(retry.nodeFlag, undefined);
    for (const i of [0, 1]) {
      const n = named(wf, `${name}(${i})`);
      assert.equal(n.phase, 'Failed');
      assert.ok(!n.nodeFlag?.hooked);
      assert.equal(n.nodeFlag?.retried, true);
    }
  });

  test('TestTemplateLevelHooksWithRetry: the third attempt succeeds, hooks are the Retry node children', async () => {
    const wf = await run(TEMPLATE_HOOKS);
    assert.equal(wf.status?.phase, 'Succeeded', JSON.stringify(wf.status?.message));
    const retry = Object.values(wf.status?.nodes ?? {}).find((n) => n.type === 'Retry');
    assert.equal(retry?.phase, 'Succeeded');
    const children = retry?.children ?? [];
    const base = 'retries-with-hooks-and-artifact';
    assert.ok(children.includes(named(wf, `${base}[0].build(0)`).id));
    assert.ok(!named(wf, `${base}[0].build(0)`).nodeFlag?.hooked);
    for (const hook of ['started', 'success']) {
      const n = named(wf, `${base}[0].build.hooks.${hook}`);
      assert.ok(children.includes(n.id), hook);
      assert.equal(n.nodeFlag?.hooked, true, hook);
      assert.equal(n.phase, 'Succeeded', hook);
    }
    assert.equal(named(wf, `${base}[1].print`).phase, 'Succeeded');
  });

  test('TestDaemonPodRetry: the daemon failing once is retried; its retry holds until the DAG ends', async () => {
    const wf = await run(`
apiVersion: argoproj.io/v1alpha1
kind: Workflow
metadata:
  name: daemon-retry
spec:
  entrypoint: main
  templates:
  - name: main
    dag:
      tasks:
        - name: daemoned
          template: daemoned
        - name: whale
          dependencies: [daemoned]
          template: whale-tmpl
  - name: daemoned
    retryStrategy:
      limit: 2
    daemon: true
    container:
      image: argoproj/argosay:v2
      command: ["bash"]
      args:
        - "-c"
        - |
          echo "Attempt {{retries}}";
          if [ "{{retries}}" -eq 0 ]; then
            sleep 10 && exit 1;
          else
            sleep 120 && exit 1;
          fi
  - name: whale-tmpl
    container:
      image: argoproj/argosay:v2
      command: ["bash"]
      args: ["-c", "echo hi & sleep 15 && echo bye"]
`);
    assert.equal(named(wf, 'daemoned(0)').phase, 'Failed');
    assert.equal(named(wf, 'daemoned(1)').phase, 'Succeeded');
    assert.equal(wf.status?.phase, 'Succeeded');
  });
  test("TestParameterAggregationStepsWithRetry: the workflow-level retry's attempt outputs the fan-out's values", async () => {
    const wf = await run(`
apiVersion: argoproj.io/v1alpha1
kind: Workflow
metadata:
  name: parameter-aggregation-steps-with-retry
spec:
  retryStrategy:
    limit: 1
  entrypoint: fanout-steps-with-output
  templates:
    - name: echo-value
      inputs:
        parameters:
          - name: message
      container:
        image: argoproj/argosay:v2
      outputs:
        parameters:
          - name: dummy-output
            value: '{{inputs.parameters.message}}'
    - name: fanout-steps-with-output
      steps:
        - - name: echo-list
            template: echo-value
            arguments:
              parameters:
                - name: message
                  value: '{{item}}'
            withItems: [1, 2, 3]
      outputs:
        parameters:
          - name: dummy-steps-output
            valueFrom:
              parameter: '{{steps.echo-list.outputs.parameters.dummy-output}}'`);
    assert.equal(wf.status?.phase, 'Succeeded');
    const attempt = named(wf, 'parameter-aggregation-steps-with-retry(0)');
    assert.equal(attempt.phase, 'Succeeded');
    assert.equal(attempt.outputs?.parameters?.length, 1);
    assert.equal(attempt.outputs?.parameters?.[0]?.value, '["1","2","3"]');
  });
});
