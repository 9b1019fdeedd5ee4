/**
 * Argo's custom metric spec (`metrics.prometheus` on a template or the workflow) and the checks Argo's
 * validator and metrics package make on it (workflow/validate/validate.go validateTemplate,
 * workflow/metrics/util.go), with Argo's messages.
 */
import type { Template, Workflow } from '../types.ts';
import type { Report } from '../validate-common.ts';

export interface MetricLabel {
  key: string;
  value: string;
}

/** One entry of `metrics.prometheus` (Argo's wfv1.Prometheus). */
export interface PrometheusSpec {
  name: string;
  help?: string;
  labels?: MetricLabel[];
  when?: string;
  gauge?: { value?: string; realtime?: boolean; operation?: 'Set' | 'Add' | 'Sub' };
  histogram?: { value?: string; buckets?: Array<number | string> };
  counter?: { value?: string };
}

/** The metrics a template or workflow spec declares (none when absent). */
export function metricsOf(holder: object | undefined): PrometheusSpec[] {
  const m = (holder as { metrics?: { prometheus?: PrometheusSpec[] } } | undefined)?.metrics;
  return m?.prometheus ?? [];
}

/** Argo's IsValidMetricName: Prometheus' legacy name rule without `:` (labels use it too). */
export function isValidMetricName(name: string): boolean {
  return /^[a-zA-Z_][a-zA-Z0-9_]*$/.test(name);
}

/** Argo's `invalidMetricNameError`. */
export const INVALID_METRIC_NAME = "metric name is invalid: names may only contain alphanumeric characters or '_'";

export function invalidLabel(key: string): string {
  return `metric label '${key}' is invalid: keys may only contain alphanumeric characters or '_'`;
}

/** Argo's ValidateMetricValues: the first problem, or undefined. */
export function metricValueProblem(m: PrometheusSpec): string | undefined {
  if (m.gauge) {
    if (!m.gauge.value) return 'missing gauge.value';
    if (m.gauge.realtime && m.gauge.value.includes('resourcesDuration.'))
      return "'resourcesDuration.*' metrics cannot be used in real-time";
  }
  if (m.counter && !m.counter.value) return 'missing counter.value';
  if (m.histogram && !m.histogram.value) return 'missing histogram.value';
  return undefined;
}

/** The spec's type (gauge, then histogram, then counter, as Argo's GetMetricType reads them). */
export function metricType(m: PrometheusSpec): 'gauge' | 'histogram' | 'counter' | undefined {
  if (m.gauge) return 'gauge';
  if (m.histogram) return 'histogram';
  if (m.counter) return 'counter';
  return undefined;
}

export function isRealtime(m: PrometheusSpec): boolean {
  return m.gauge?.realtime === true;
}

/** Argo's validateTemplate checks on a template's metrics (templateDefaults' metrics included). */
export function validateTemplateMetrics(wf: Workflow, t: Template, i: number, report: Report): void {
  const own = (t as { metrics?: unknown }).metrics !== undefined;
  const list = own ? metricsOf(t) : metricsOf(wf.spec.templateDefaults as Template | undefined);
  list.forEach((m, j) => {
    const path = own
      ? `spec.templates[${i}].metrics.prometheus[${j}]`
      : `spec.templateDefaults.metrics.prometheus[${j}]`;
    const problem = templateMetricProblem(t.name, m);
    if (problem) report(path, problem.message, problem.argo);
  });
}

function templateMetricProblem(tmpl: string, m: PrometheusSpec): { message: string; argo: string } | undefined {
  // A name written with a variable is checked when it is emitted (then a MetricsError condition).
  if (!m.name?.includes('{{') && !isValidMetricName(m.name ?? ''))
    return {
      message: `metric name '${m.name}' is invalid: use letters, digits and '_' only`,
      argo: `templates.${tmpl} metric name '${m.name}' is invalid. Metric names must contain alphanumeric characters or '_'`,
    };
  for (const l of m.labels ?? [])
    if (!isValidMetricName(l.key)) return { message: invalidLabel(l.key), argo: invalidLabel(l.key) };
  if (!m.help)
    return {
      message: `metric '${m.name}' must have a help string (help:)`,
      argo: `templates.${tmpl} metric '${m.name}' must contain a help string under 'help: ' field`,
    };
  const value = metricValueProblem(m);
  if (value)
    return { message: `metric '${m.name}': ${value}`, argo: `templates.${tmpl} metric '${m.name}' error: ${value}` };
  // A metric of no type passes Argo's validator; emitting it records a MetricsError condition.
  return undefined;
}
