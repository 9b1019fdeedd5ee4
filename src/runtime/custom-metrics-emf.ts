/**
 * Custom metrics from the functions in AWS: one CloudWatch Embedded Metric Format line per sample on
 * stdout, which CloudWatch Logs turns into metrics (no API call, no IAM permission; ADR 0018). A
 * function has no state that outlives its batch, so each line is one observation: counters and
 * histograms as values (read them with the Sum, or percentile, statistics), `Set` gauges as the new
 * value, `Add`/`Sub` gauges as signed changes (Sum), realtime gauges as the duration at the reconcile.
 */
import type { MetricSample } from '../engine/contract.ts';
import type { LogSink } from '../logger.ts';
import { METRIC_PREFIX, type CustomMetricsSink } from './custom-metrics.ts';

/** CloudWatch's limit of dimensions per dimension set. */
export const EMF_MAX_DIMENSIONS = 30;
/** The CloudWatch namespace of workflows' custom metrics. */
export const EMF_NAMESPACE = 'Argosy/Workflows';

/** A sink printing each sample as one EMF line through `write`. */
export function emfSink(write: LogSink): CustomMetricsSink {
  return {
    record(samples, at) {
      const problems: string[] = [];
      for (const s of samples) {
        if (s.labels.length > EMF_MAX_DIMENSIONS)
          problems.push(
            `metric ${s.name} has ${s.labels.length} labels; CloudWatch keeps the first ${EMF_MAX_DIMENSIONS} as dimensions (all are in the log line)`,
          );
        write(JSON.stringify(emfLine(s, at)));
      }
      return problems;
    },
  };
}

/** The EMF document of one sample. */
export function emfLine(s: MetricSample, at: Date): Record<string, unknown> {
  const name = METRIC_PREFIX + s.name;
  let value = s.value;
  if (s.since !== undefined) value = Math.max(0, (at.getTime() - Date.parse(s.since)) / 1000);
  if (s.type === 'gauge' && s.operation === 'Sub') value = -value;
  const dims = s.labels.slice(0, EMF_MAX_DIMENSIONS).map((l) => l.key);
  const doc: Record<string, unknown> = {
    _aws: {
      Timestamp: at.getTime(),
      CloudWatchMetrics: [{ Namespace: EMF_NAMESPACE, Dimensions: [dims], Metrics: [{ Name: name, Unit: 'None' }] }],
    },
  };
  for (const l of s.labels) doc[l.key] = l.value;
  doc[name] = value;
  doc.metricType = s.type;
  if (s.operation) doc.operation = s.operation;
  if (s.buckets) doc.buckets = s.buckets;
  doc.workflowUid = s.owner;
  return doc;
}
