/**
 * Custom metrics as Argo computes them (workflow/controller/operator.go computeMetrics and its callers;
 * the expected counts come from Argo's test/e2e/metrics_test.go): the engine puts one sample per
 * transition in the decision that writes it, never again on a later decide.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { decide, validateWorkflow } from '../../../src/engine/index.ts';
import type { MetricSample } from '../../../src/engine/contract.ts';
import { runWorkflow, type RunResult } from './kubelet-sim.ts';
import { wfFromYaml } from './fixtures.ts';

const UPSTREAM = '../shared/conformance/argo-upstream';

function samples(r: RunResult): MetricSample[] {
  return r.decisions.flatMap((d) => d.metrics ?? []);
}

function labelsOf(s: MetricSample): string {
  return s.labels.map((l) => `${l.key}=${l.value}`).join(',');
}

function count(list: MetricSample[], name: string, labels?: string): number {
  return list.filter((s) => s.name === name && (labels === undefined || labelsOf(s) === labels)).length;
}

const retryMetrics = `
metadata: {generateName: workflow-retry-metrics}
spec:
  entrypoint: main
  templates:
    - name: main
      steps:
        - - {name: runTest, template: run-test, continueOn: {error: true, failed: true}}
    - name: run-test
      retryStrategy: {limit: "2"}
      container: {name: runner, image: 'argoproj/argosay:v2', command: [sh, -c], args: [exit 1]}
      metrics:
        prometheus:
          - name: runs_exit_status_counter
            help: Count of runs by exit code
            labels: [{key: exit_code, value: '{{exitCode}}'}, {key: status, value: '{{status}}'}]
            counter: {value: "1"}
`;

describe('template metrics', () => {
  test("dag-custom-metrics: one counter and gauge per task with its input label, and the workflow's", () => {
    const r = runWorkflow(wfFromYaml(readFileSync(`${UPSTREAM}/examples__dag-custom-metrics.yaml`, 'utf8')));
    assert.equal(r.workflow.status?.phase, 'Succeeded');
    const all = samples(r);
    for (const tag of ['TEST-ONE-A', 'TEST-ONE-B', 'TEST-TWO-A', 'TEST-TWO-B']) {
      const labels = `playground_task_name_counter=${tag},status=Succeeded`;
      assert.equal(count(all, 'playground_workflow_result_task_counter', labels), 1, tag);
      const gauge = all.find(
        (s) => s.name === 'playground_workflow_duration_task_seconds' && s.labels[0]?.value === tag,
      );
      assert.equal(gauge?.type, 'gauge');
      assert.equal(gauge?.operation, 'Set');
      assert.ok((gauge?.value ?? -1) > 0, 'a task runs for some seconds');
    }
    const counter = all.filter((s) => s.name === 'playground_workflow_result_counter');
    assert.deepEqual(
      counter.map((s) => [labelsOf(s), s.value, s.type, s.owner]),
      [['playground_id_workflow_counter=test,status=Succeeded', 1, 'counter', 'uid-wf']],
    );
    const wfGauge = all.find((s) => s.name === 'playground_workflow_duration');
    assert.equal(
      wfGauge?.value,
      (Date.parse(r.workflow.status?.finishedAt ?? '') - Date.parse(r.workflow.status?.startedAt ?? '')) / 1000,
    );
  });

  test('templateDefaults metrics count every node, the DAG included (Argo e2e TestDAGMetrics: 5)', () => {
    const r = runWorkflow(
      wfFromYaml(`
spec:
  entrypoint: diamond
  templateDefaults:
    metrics:
      prometheus:
        - {name: result_counter, help: "Count of step execution by result status", labels: [{key: status, value: "{{status}}"}], counter: {value: "1"}}
  templates:
    - name: diamond
      dag:
        tasks:
          - {name: A, template: echo}
          - {name: B, depends: A, template: echo}
          - {name: C, depends: A, template: echo}
          - {name: D, depends: B && C, template: echo}
    - name: echo
      container: {image: 'argoproj/argosay:v2', command: [echo, hi]}
`),
    );
    assert.equal(r.workflow.status?.phase, 'Succeeded');
    assert.equal(count(samples(r), 'result_counter', 'status=Succeeded'), 5);
  });

  test('a retried template counts every attempt once: two attempts and the Retry node (Argo e2e TestRetryMetrics: 3)', () => {
    const r = runWorkflow(wfFromYaml(retryMetrics));
    assert.equal(r.workflow.status?.phase, 'Succeeded');
    const all = samples(r);
    assert.equal(count(all, 'runs_exit_status_counter', 'exit_code=1,status=Failed'), 3, JSON.stringify(all));
    assert.equal(all.length, 3);
  });

  test('`when` on the status: only a failed DAG counts (Argo e2e TestFailedMetric)', () => {
    const wf = (cmd: string) =>
      wfFromYaml(`
spec:
  entrypoint: dag
  templates:
  - name: dag
    metrics:
      prometheus:
      - {name: task_failure, help: Task failed, when: '{{status}} == Failed', counter: {value: "1"}}
    dag:
      tasks:
      - {name: test, template: echo}
  - name: echo
    container: {image: alpine, command: [sh, -c, "${cmd}"]}
`);
    const failed = runWorkflow(wf('exit 1'));
    assert.equal(failed.workflow.status?.phase, 'Failed');
    assert.equal(count(samples(failed), 'task_failure'), 1);
    const ok = runWorkflow(wf('exit 0'));
    assert.equal(ok.workflow.status?.phase, 'Succeeded');
    assert.equal(count(samples(ok), 'task_failure'), 0);
  });

  test('custom-metrics: realtime gauges count from the start, then hold the final duration; the histogram gets the output', () => {
    const r = runWorkflow(wfFromYaml(readFileSync(`${UPSTREAM}/examples__custom-metrics.yaml`, 'utf8')), {
      outcome: (pod) =>
        pod.spec.containers[0]?.image === 'busybox' ? { exitCode: 0, stdout: '7\n' } : { exitCode: 0, stdout: '' },
    });
    assert.equal(r.workflow.status?.phase, 'Succeeded', r.workflow.status?.message);
    const all = samples(r);
    const wfGauges = all.filter((s) => s.name === 'duration_gauge' && labelsOf(s) === 'name=workflow');
    assert.equal(wfGauges.length, 2, 'at the start and at the end');
    assert.equal(wfGauges[0]?.since, r.workflow.status?.startedAt);
    assert.equal(wfGauges[1]?.since, undefined);
    const steps = all.filter((s) => s.name === 'duration_gauge' && labelsOf(s) === 'name=steps');
    assert.ok(steps[0]?.since, 'running: counted from the node start');
    assert.equal(steps.at(-1)?.since, undefined);
    assert.ok((steps.at(-1)?.value ?? 0) > 0);
    assert.equal(count(all, 'result_counter', 'name=flakey,status=Succeeded'), 1);
  });

  test('the histogram observes the output result, with the buckets of the spec', () => {
    const r = runWorkflow(
      wfFromYaml(`
spec:
  entrypoint: random-int
  templates:
    - name: random-int
      metrics:
        prometheus:
          - name: random_int_step_histogram
            help: "Value of the int emitted by random-int at step level"
            when: "{{status}} == Succeeded"
            histogram: {buckets: [2.01, 4.01, 6.01], value: "{{outputs.result}}"}
      script: {image: alpine, command: [sh], source: "echo 5"}
`),
    );
    assert.equal(r.workflow.status?.phase, 'Succeeded', r.workflow.status?.message);
    const h = samples(r).filter((s) => s.name === 'random_int_step_histogram');
    assert.deepEqual(
      h.map((s) => [s.type, s.value, s.buckets]),
      [['histogram', 5, [2.01, 4.01, 6.01]]],
    );
  });

  test('deciding again on the written status emits nothing: a transition is counted once', () => {
    const r = runWorkflow(wfFromYaml(retryMetrics));
    const last = r.decisions.at(-1);
    assert.ok(last?.metrics && last.metrics.length > 0);
    const again = decide({ workflow: r.workflow, pods: r.pods, controller: { clusterName: 'main' } }, new Date());
    assert.equal(again.metrics, undefined);
  });
});

describe('emission errors', () => {
  test("a value that is not a number: Argo's MetricsError condition, the workflow goes on", () => {
    const r = runWorkflow(
      wfFromYaml(`
spec:
  entrypoint: main
  metrics:
    prometheus:
      - {name: bad_value, help: h, gauge: {value: "abc"}}
      - {name: "{{workflow.name}}-x", help: h, counter: {value: "1"}}
      - {name: rt, help: h, gauge: {realtime: true, value: "{{status}}"}}
  templates:
    - name: main
      container: {image: alpine, command: [sh, -c, "exit 0"]}
`),
    );
    assert.equal(r.workflow.status?.phase, 'Succeeded');
    const condition = r.workflow.status?.conditions?.find((c) => c.type === 'MetricsError');
    assert.equal(
      condition?.message,
      [
        `'status' is not available as a real time metric`,
        `could not construct metric 'bad_value': strconv.ParseFloat: parsing "abc": invalid syntax`,
        `could not construct metric 'wf-x': metric name is invalid: names may only contain alphanumeric characters or '_'`,
      ].join(', '),
    );
    assert.equal(condition?.status, 'True');
  });
});

describe('lint', () => {
  const lint = (metric: string) =>
    validateWorkflow(
      wfFromYaml(`
spec:
  entrypoint: main
  templates:
    - name: main
      metrics: {prometheus: [${metric}]}
      container: {image: alpine}
`),
    ).map((e) => [e.path, e.argo]);

  test("Argo's messages for a bad name, label, help and value", () => {
    assert.deepEqual(lint(`{name: bad-name, help: h, counter: {value: "1"}}`), [
      [
        'spec.templates[0].metrics.prometheus[0]',
        "templates.main metric name 'bad-name' is invalid. Metric names must contain alphanumeric characters or '_'",
      ],
    ]);
    assert.deepEqual(lint(`{name: ok, help: h, labels: [{key: a-b, value: x}], counter: {value: "1"}}`), [
      [
        'spec.templates[0].metrics.prometheus[0]',
        "metric label 'a-b' is invalid: keys may only contain alphanumeric characters or '_'",
      ],
    ]);
    assert.deepEqual(lint(`{name: ok, counter: {value: "1"}}`), [
      [
        'spec.templates[0].metrics.prometheus[0]',
        "templates.main metric 'ok' must contain a help string under 'help: ' field",
      ],
    ]);
    assert.deepEqual(lint(`{name: ok, help: h, gauge: {realtime: true, value: "{{resourcesDuration.cpu}}"}}`), [
      [
        'spec.templates[0].metrics.prometheus[0]',
        "templates.main metric 'ok' error: 'resourcesDuration.*' metrics cannot be used in real-time",
      ],
    ]);
    assert.deepEqual(lint(`{name: ok, help: h, counter: {value: "1"}}`), []);
  });
});
