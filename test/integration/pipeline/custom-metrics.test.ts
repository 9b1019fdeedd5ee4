// Argo's custom metrics examples through the whole local stack (embedded API servers, process kubelet,
// fauxqs, watcher, the real reconcile handler): they reach Argo's phase, and their metrics are scraped
// over HTTP from the watcher's /metrics in Argo's Prometheus format (`argo_workflows_<name>`, no
// `_total` suffix: Argo's exporter uses UnderscoreEscapingWithoutSuffixes, util/telemetry/exporter_prometheus.go).
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { startLocalStack, type LocalStack } from '../../../src/local/stack.ts';
import type { Workflow } from '../../../src/engine/types.ts';
import { isDone } from './helpers.ts';

const UPSTREAM = join(import.meta.dirname, '../../../../shared/conformance/argo-upstream');
const upstream = (file: string): Workflow => parse(readFileSync(join(UPSTREAM, file), 'utf8')) as Workflow;

/** The samples of a Prometheus text page: `name{labels}` → value. */
function samplesOf(text: string): Map<string, number> {
  const out = new Map<string, number>();
  for (const line of text.split('\n')) {
    if (!line || line.startsWith('#')) continue;
    const i = line.lastIndexOf(' ');
    out.set(line.slice(0, i), Number(line.slice(i + 1)));
  }
  return out;
}

describe('custom metrics on the local stack', () => {
  let stack: LocalStack;
  let url: string;
  const scrape = async () => {
    const res = await fetch(`${url}/metrics`);
    assert.equal(res.status, 200);
    return res.text();
  };
  before(async () => {
    stack = await startLocalStack({
      runtime: 'process',
      resyncIntervalMs: 5000,
      visibilityTimeoutSeconds: 2,
      watcherHttp: { host: '127.0.0.1', port: 0 },
    });
    url = stack.watcher?.url ?? '';
    assert.ok(url, 'the watcher serves /metrics');
  });
  after(async () => {
    await stack?.stop();
  });

  test('dag-custom-metrics: Succeeded; a counter and a gauge per task and for the workflow', async () => {
    const created = await stack.submit(upstream('examples__dag-custom-metrics.yaml'), 'argo');
    const wf = await stack.waitFor('argo', created.metadata.name!, isDone, 90_000);
    assert.equal(wf.status?.phase, 'Succeeded', wf.status?.message);
    const text = await scrape();
    assert.match(
      text,
      /^# HELP argo_workflows_playground_workflow_result_task_counter Count of task execution by result status {2}- task level$/m,
    );
    assert.match(text, /^# TYPE argo_workflows_playground_workflow_result_task_counter counter$/m);
    assert.match(text, /^# TYPE argo_workflows_playground_workflow_duration_task_seconds gauge$/m);
    const s = samplesOf(text);
    for (const tag of ['TEST-ONE-A', 'TEST-ONE-B', 'TEST-TWO-A', 'TEST-TWO-B']) {
      assert.equal(
        s.get(
          `argo_workflows_playground_workflow_result_task_counter{playground_task_name_counter="${tag}",status="Succeeded"}`,
        ),
        1,
        tag,
      );
      const gauge = s.get(
        `argo_workflows_playground_workflow_duration_task_seconds{playground_task_name="${tag}",status="Succeeded"}`,
      );
      assert.ok(gauge !== undefined && gauge >= 0, `${tag} duration ${gauge}`);
    }
    assert.equal(
      s.get(
        'argo_workflows_playground_workflow_result_counter{playground_id_workflow_counter="test",status="Succeeded"}',
      ),
      1,
    );
    const duration = (Date.parse(wf.status!.finishedAt!) - Date.parse(wf.status!.startedAt!)) / 1000;
    assert.equal(
      s.get('argo_workflows_playground_workflow_duration{playground_id_workflow="test",status="Succeeded"}'),
      duration,
    );
    // Reconciling the finished workflow again does not count it twice.
    await stack.resyncNow();
    assert.equal(
      samplesOf(await scrape()).get(
        'argo_workflows_playground_workflow_result_counter{playground_id_workflow_counter="test",status="Succeeded"}',
      ),
      1,
    );
  });

  test('custom-metrics: realtime gauges, the histogram of the output and the flakey counter by status', async () => {
    const created = await stack.submit(upstream('examples__custom-metrics.yaml'), 'argo');
    const wf = await stack.waitFor('argo', created.metadata.name!, isDone, 90_000);
    // Argo labels it flaky: `flakey` fails two times out of three, so either phase is Argo's.
    assert.ok(wf.status?.phase === 'Succeeded' || wf.status?.phase === 'Failed', wf.status?.message);
    const flakey = Object.values(wf.status?.nodes ?? {}).find((n) => n.displayName === 'flakey');
    const text = await scrape();
    const s = samplesOf(text);
    assert.equal(s.get(`argo_workflows_result_counter{name="flakey",status="${flakey?.phase}"}`), 1, text);
    const random = Object.values(wf.status?.nodes ?? {}).find((n) => n.displayName === 'random-int');
    const value = Number(random?.outputs?.parameters?.[0]?.value);
    assert.ok(value >= 1 && value <= 10, `random-int printed ${value}`);
    assert.equal(s.get('argo_workflows_random_int_step_histogram_count'), 1);
    assert.equal(s.get('argo_workflows_random_int_step_histogram_sum'), value);
    assert.equal(s.get('argo_workflows_random_int_step_histogram_bucket{le="+Inf"}'), 1);
    assert.equal(s.get('argo_workflows_random_int_step_histogram_bucket{le="10.01"}'), 1);
    assert.equal(s.get('argo_workflows_random_int_step_histogram_bucket{le="2.01"}'), value <= 2.01 ? 1 : 0);
    // The realtime gauges hold the final durations once their nodes and the workflow finished.
    const wfDuration = (Date.parse(wf.status!.finishedAt!) - Date.parse(wf.status!.startedAt!)) / 1000;
    assert.equal(s.get('argo_workflows_duration_gauge{name="workflow"}'), wfDuration);
    for (const name of ['steps', 'random-int'])
      assert.ok((s.get(`argo_workflows_duration_gauge{name="${name}"}`) ?? -1) >= 0, name);
    const again = samplesOf(await scrape());
    assert.equal(again.get('argo_workflows_duration_gauge{name="workflow"}'), wfDuration, 'final, not counting on');
  });
});
