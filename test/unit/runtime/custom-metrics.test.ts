/**
 * Where custom metric samples go: the Prometheus registry the watcher serves (Argo's semantics from
 * workflow/metrics/metrics_custom.go: counters add, gauges set/add/sub, realtime gauges read at scrape,
 * histograms bucket; help and type may not change) and the EMF lines the functions print in AWS.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { MetricSample } from '../../../src/engine/contract.ts';
import { PrometheusRegistry } from '../../../src/runtime/custom-metrics.ts';
import { emfLine, emfSink } from '../../../src/runtime/custom-metrics-emf.ts';

const at = new Date('2026-01-02T15:04:05Z');
const s = (over: Partial<MetricSample>): MetricSample => ({
  name: 'm',
  help: 'h',
  type: 'counter',
  labels: [],
  value: 1,
  owner: 'uid',
  ...over,
});

describe('Prometheus registry', () => {
  test('counters add per label set; labels sorted and escaped; Argo prefix, no _total', () => {
    const r = new PrometheusRegistry();
    const labels = [
      { key: 'status', value: 'Failed' },
      { key: 'exit_code', value: '1' },
    ];
    r.record([s({ labels }), s({ labels }), s({ labels: [{ key: 'status', value: 'a"b\\c' }] })]);
    assert.equal(
      r.render(at),
      [
        '# HELP argo_workflows_m h',
        '# TYPE argo_workflows_m counter',
        'argo_workflows_m{exit_code="1",status="Failed"} 2',
        'argo_workflows_m{status="a\\"b\\\\c"} 1',
        '',
      ].join('\n'),
    );
  });

  test('gauges set, add and subtract; a realtime gauge counts from its start until a final value', () => {
    const r = new PrometheusRegistry();
    r.record([
      s({ type: 'gauge', operation: 'Set', value: 5 }),
      s({ type: 'gauge', operation: 'Add', value: 2 }),
      s({ type: 'gauge', operation: 'Sub', value: 4 }),
    ]);
    assert.match(r.render(at), /^argo_workflows_m 3$/m);
    r.record([s({ name: 'rt', type: 'gauge', operation: 'Set', value: 0, since: '2026-01-02T15:04:00Z' })]);
    assert.match(r.render(at), /^argo_workflows_rt 5$/m);
    assert.match(r.render(new Date(at.getTime() + 10_000)), /^argo_workflows_rt 15$/m);
    r.record([s({ name: 'rt', type: 'gauge', operation: 'Set', value: 7 })]);
    assert.match(r.render(new Date(at.getTime() + 60_000)), /^argo_workflows_rt 7$/m);
  });

  test('histograms: cumulative buckets, +Inf, sum and count', () => {
    const r = new PrometheusRegistry();
    const buckets = [2.01, 4.01];
    r.record([1, 3, 9].map((value) => s({ type: 'histogram', value, buckets })));
    const text = r.render(at);
    for (const line of [
      'argo_workflows_m_bucket{le="2.01"} 1',
      'argo_workflows_m_bucket{le="4.01"} 2',
      'argo_workflows_m_bucket{le="+Inf"} 3',
      'argo_workflows_m_sum 13',
      'argo_workflows_m_count 3',
    ])
      assert.ok(text.includes(`${line}\n`), line);
  });

  test("a changed help or type is refused with Argo's words, the first definition stays", () => {
    const r = new PrometheusRegistry();
    assert.deepEqual(r.record([s({})]), []);
    assert.deepEqual(r.record([s({ help: 'other' }), s({ type: 'gauge' })]), [
      'help for metric m is already set to h, it cannot be changed',
      'found existing counter for custom metric m of type gauge',
    ]);
    assert.match(r.render(at), /^argo_workflows_m 1$/m);
  });
});

describe('EMF lines', () => {
  test('one line per sample: the value under the metric name, labels as dimensions', () => {
    const lines: string[] = [];
    emfSink((l) => lines.push(l)).record([s({ labels: [{ key: 'status', value: 'Succeeded' }] })], at);
    assert.deepEqual(JSON.parse(lines[0] ?? ''), {
      _aws: {
        Timestamp: at.getTime(),
        CloudWatchMetrics: [
          {
            Namespace: 'Argosy/Workflows',
            Dimensions: [['status']],
            Metrics: [{ Name: 'argo_workflows_m', Unit: 'None' }],
          },
        ],
      },
      status: 'Succeeded',
      argo_workflows_m: 1,
      metricType: 'counter',
      workflowUid: 'uid',
    });
  });

  test('a running realtime gauge is its duration now; a Sub gauge a negative change', () => {
    const rt = emfLine(s({ type: 'gauge', operation: 'Set', value: 0, since: '2026-01-02T15:04:00Z' }), at);
    assert.equal(rt.argo_workflows_m, 5);
    assert.equal(emfLine(s({ type: 'gauge', operation: 'Sub', value: 2 }), at).argo_workflows_m, -2);
  });
});
