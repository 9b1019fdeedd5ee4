/**
 * Where the engine's custom metric samples go once the status that records their transitions is
 * written (docs/adr/0018-custom-metrics.md): a Prometheus registry served on the watcher's `/metrics`
 * when the functions run in the watcher's process (local mode, `argosy dev`), CloudWatch Embedded Metric
 * Format lines from the functions in AWS (custom-metrics-emf.ts).
 */
import type { MetricSample } from '../engine/contract.ts';

/** Receives the samples of one written reconcile; returns the problems (logged by the caller). */
export interface CustomMetricsSink {
  record(samples: MetricSample[], at: Date): string[];
}

/** Argo's prefix for custom metrics (its Prometheus exporter's namespace). */
export const METRIC_PREFIX = 'argo_workflows_';

interface Series {
  labels: Array<{ key: string; value: string }>;
  value: number;
  /** Realtime gauge still running: seconds since this time when read. */
  since?: number;
  /** Histograms: observations per bucket (not cumulative), their sum and count. */
  counts?: number[];
  sum?: number;
  count?: number;
}

interface Family {
  help: string;
  type: MetricSample['type'];
  buckets: number[];
  series: Map<string, Series>;
}

function seriesKey(labels: MetricSample['labels']): string {
  return JSON.stringify([...labels].sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0)));
}

/**
 * Argo's custom metric registry (workflow/metrics/metrics_custom.go): one family per name, whose help
 * and type may not change; counters add, gauges set/add/subtract (realtime ones read their duration at
 * scrape time), histograms count observations into the buckets of their first sample.
 */
export class PrometheusRegistry implements CustomMetricsSink {
  private readonly families = new Map<string, Family>();

  record(samples: MetricSample[]): string[] {
    const problems: string[] = [];
    for (const s of samples) {
      const problem = this.add(s);
      if (problem) problems.push(problem);
    }
    return problems;
  }

  private add(s: MetricSample): string | undefined {
    let family = this.families.get(s.name);
    if (!family) {
      family = { help: s.help, type: s.type, buckets: [...(s.buckets ?? [])].sort((a, b) => a - b), series: new Map() };
      this.families.set(s.name, family);
    } else if (family.help !== s.help) {
      return `help for metric ${s.name} is already set to ${family.help}, it cannot be changed`;
    } else if (family.type !== s.type) {
      return `found existing ${family.type} for custom metric ${s.name} of type ${s.type}`;
    }
    const key = seriesKey(s.labels);
    let series = family.series.get(key);
    if (!series) family.series.set(key, (series = { labels: s.labels, value: 0 }));
    update(family, series, s);
    return undefined;
  }

  /** Prometheus text exposition (0.0.4) of every custom metric, realtime gauges read at `now`. */
  render(now: Date): string {
    const lines: string[] = [];
    for (const [name, f] of [...this.families].sort(([a], [b]) => (a < b ? -1 : 1))) {
      const full = METRIC_PREFIX + name;
      lines.push(`# HELP ${full} ${escapeHelp(f.help)}`, `# TYPE ${full} ${f.type}`);
      for (const s of f.series.values()) lines.push(...renderSeries(full, f, s, now));
    }
    return lines.length > 0 ? lines.join('\n') + '\n' : '';
  }
}

function update(family: Family, series: Series, s: MetricSample): void {
  if (family.type === 'counter') series.value += s.value;
  else if (family.type === 'gauge') {
    delete series.since;
    if (s.since !== undefined) series.since = Date.parse(s.since);
    if (s.operation === 'Add') series.value += s.value;
    else if (s.operation === 'Sub') series.value -= s.value;
    else series.value = s.value;
  } else {
    series.counts ??= family.buckets.map(() => 0);
    const i = family.buckets.findIndex((b) => s.value <= b);
    if (i >= 0) series.counts[i] = (series.counts[i] ?? 0) + 1;
    series.sum = (series.sum ?? 0) + s.value;
    series.count = (series.count ?? 0) + 1;
  }
}

function renderSeries(full: string, f: Family, s: Series, now: Date): string[] {
  const labels = [...s.labels].sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  const fmt = (extra: Array<{ key: string; value: string }> = []) => {
    const all = [...labels, ...extra];
    return all.length === 0 ? '' : `{${all.map((l) => `${l.key}="${escapeLabel(l.value)}"`).join(',')}}`;
  };
  if (f.type !== 'histogram') {
    const value = s.since !== undefined ? Math.max(0, (now.getTime() - s.since) / 1000) : s.value;
    return [`${full}${fmt()} ${num(value)}`];
  }
  const out: string[] = [];
  let cumulative = 0;
  f.buckets.forEach((b, i) => {
    cumulative += s.counts?.[i] ?? 0;
    out.push(`${full}_bucket${fmt([{ key: 'le', value: num(b) }])} ${cumulative}`);
  });
  out.push(`${full}_bucket${fmt([{ key: 'le', value: '+Inf' }])} ${s.count ?? 0}`);
  out.push(`${full}_sum${fmt()} ${num(s.sum ?? 0)}`, `${full}_count${fmt()} ${s.count ?? 0}`);
  return out;
}

/** Prometheus' float text: `+Inf`, `-Inf`, `NaN`, else the shortest decimal. */
function num(n: number): string {
  if (Number.isNaN(n)) return 'NaN';
  if (n === Infinity) return '+Inf';
  if (n === -Infinity) return '-Inf';
  return String(n);
}

function escapeLabel(v: string): string {
  return v.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');
}

function escapeHelp(v: string): string {
  return v.replace(/\\/g, '\\\\').replace(/\n/g, '\\n');
}
