/**
 * Argo's computeMetrics (workflow/controller/operator.go) as a pure step: a metric spec and the scope of
 * the node (or workflow) it describes give a sample, or Argo's emission error, which becomes the
 * workflow's `MetricsError` condition. Values are Argo's: `{{duration}}` in seconds as Go's `%f`,
 * `{{status}}` the node's phase, and realtime gauges read from a start time until they are final.
 */
import type { ExecContext } from '../context.ts';
import type { MetricSample } from '../contract.ts';
import type { NodeStatus } from '../types.ts';
import { mapResolver, chainResolvers, substituteDeep, substituteString, type Resolver } from '../substitute.ts';
import { shouldExecute } from '../expr/govaluate.ts';
import { INVALID_METRIC_NAME, isRealtime, isValidMetricName, metricType, type PrometheusSpec } from './spec.ts';

/** A realtime variable: its final value, or the time it counts from while the node still runs. */
export interface RealtimeValue {
  value: number;
  since?: string;
}

/** What a metric of one node or of the workflow is computed from. */
export interface MetricScope {
  resolve: Resolver;
  realtime: Record<string, RealtimeValue>;
}

/** Seconds between two RFC 3339 times (0 when either is missing). */
export function secondsBetween(from: string | undefined, to: string | undefined): number {
  if (!from || !to) return 0;
  return Math.max(0, (Date.parse(to) - Date.parse(from)) / 1000);
}

/** Go's `%f`. */
function goFloat(n: number): string {
  return n.toFixed(6);
}

/** Argo's prepareDefaultMetricScope: the globals, `duration` 0, `status` Pending. */
export function defaultScope(ctx: ExecContext): MetricScope {
  const defaults = { duration: '0', status: 'Pending', 'resourcesDuration.cpu': '0', 'resourcesDuration.memory': '0' };
  const started = ctx.wf.status?.startedAt;
  return {
    resolve: chainResolvers(mapResolver(ctx.globals), mapResolver(defaults)),
    realtime: {
      'workflow.duration': { value: secondsBetween(started, ctx.now), ...(started ? { since: started } : {}) },
    },
  };
}

/** Argo's prepareMetricScope: the node's duration, status, retries, inputs and outputs over the defaults. */
export function nodeScope(ctx: ExecContext, node: NodeStatus, fulfilled: boolean): MetricScope {
  const base = defaultScope(ctx);
  const own: Record<string, string> = {};
  const duration = secondsBetween(node.startedAt, fulfilled ? node.finishedAt : ctx.now);
  own.duration = goFloat(duration);
  const realtime: RealtimeValue =
    fulfilled || !node.startedAt ? { value: duration } : { value: duration, since: node.startedAt };
  if (node.children && node.children.length > 0) own.retries = String(node.children.length - 1);
  if (node.phase) own.status = node.phase;
  for (const p of node.inputs?.parameters ?? []) own[`inputs.parameters.${p.name}`] = String(p.value ?? '');
  const out = node.outputs;
  if (out?.result !== undefined) own['outputs.result'] = out.result;
  if (out?.exitCode !== undefined) own.exitCode = String(out.exitCode);
  for (const p of out?.parameters ?? []) own[`outputs.parameters.${p.name}`] = String(p.value ?? '');
  for (const [name, seconds] of Object.entries(node.resourcesDuration ?? {}))
    own[`resourcesDuration.${name}`] = String(seconds);
  return {
    resolve: chainResolvers(mapResolver(own), base.resolve),
    realtime: { ...base.realtime, duration: realtime },
  };
}

/** Go's strconv.ParseFloat on a decimal or special value; undefined when Go would refuse it. */
function parseGoFloat(s: string): number | undefined {
  if (/^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(s)) return Number(s);
  const special = /^([+-]?)(inf|infinity|nan)$/i.exec(s);
  if (!special) return undefined;
  if (special[2]?.toLowerCase() === 'nan') return NaN;
  return special[1] === '-' ? -Infinity : Infinity;
}

function report(ctx: ExecContext, message: string): void {
  (ctx.metrics ??= { samples: [], errors: [] }).errors.push(message);
}

function push(ctx: ExecContext, sample: MetricSample): void {
  (ctx.metrics ??= { samples: [], errors: [] }).samples.push(sample);
}

/**
 * Argo's computeMetrics for a list of specs: `realtimeOnly` at a node's creation (and every decide of a
 * running workflow), all of them once the node or workflow is fulfilled.
 */
export function computeMetrics(
  ctx: ExecContext,
  specs: PrometheusSpec[],
  scope: MetricScope,
  realtimeOnly: boolean,
): void {
  for (const spec of specs) {
    if (realtimeOnly && !isRealtime(spec)) continue;
    if (!spec.help) {
      report(ctx, `metric '${spec.name}' must contain a help string under 'help: ' field`);
      continue;
    }
    const sample = sampleOf(ctx, spec, scope);
    if (typeof sample === 'string') report(ctx, sample);
    else if (sample) push(ctx, sample);
  }
}

/** The sample of one spec, Argo's error message, or undefined when its `when` is false. */
function sampleOf(ctx: ExecContext, spec: PrometheusSpec, scope: MetricScope): MetricSample | string | undefined {
  let head: Pick<PrometheusSpec, 'name' | 'help' | 'labels' | 'when'>;
  try {
    head = substituteDeep({ name: spec.name, help: spec.help, labels: spec.labels, when: spec.when }, scope.resolve);
  } catch (e) {
    return `unable to substitute parameters for metric '${spec.name}': ${(e as Error).message}`;
  }
  try {
    if (!shouldExecute(head.when)) return undefined;
  } catch (e) {
    return `unable to compute 'when' clause for metric '${ctx.wfName}': ${(e as Error).message}`;
  }
  const type = metricType(spec);
  const base = {
    name: head.name,
    help: head.help ?? '',
    labels: (head.labels ?? []).map((l) => ({ key: l.key, value: String(l.value) })),
    owner: ctx.wf.metadata.uid ?? '',
  };
  if (isRealtime(spec)) return realtimeSample(spec, scope, base);
  const raw = spec.gauge?.value ?? spec.histogram?.value ?? spec.counter?.value ?? '';
  let text: string;
  try {
    text = substituteString(raw, scope.resolve);
  } catch (e) {
    return `unable to substitute parameters for metric '${head.name}': ${(e as Error).message}`;
  }
  const fail = (why: string) => `could not construct metric '${head.name}': ${why}`;
  if (!isValidMetricName(head.name)) return fail(INVALID_METRIC_NAME);
  if (!type) return fail('invalid custom metric type');
  const value = parseGoFloat(text);
  if (value === undefined) return fail(`strconv.ParseFloat: parsing ${JSON.stringify(text)}: invalid syntax`);
  const sample: MetricSample = { ...base, type, value };
  if (type === 'gauge') sample.operation = spec.gauge?.operation ?? 'Set';
  if (type === 'histogram') sample.buckets = (spec.histogram?.buckets ?? []).map(Number);
  return sample;
}

/** A realtime gauge: its value must be exactly one realtime variable (`{{duration}}`, `{{workflow.duration}}`). */
function realtimeSample(
  spec: PrometheusSpec,
  scope: MetricScope,
  base: Pick<MetricSample, 'name' | 'help' | 'labels' | 'owner'>,
): MetricSample | string {
  const value = spec.gauge?.value ?? '';
  if (!value.startsWith('{{') || !value.endsWith('}}'))
    return 'real time metrics can only be used with metric variables';
  const key = value.slice(2, -2).trim();
  const rt = scope.realtime[key];
  if (!rt) return `'${key}' is not available as a real time metric`;
  if (!isValidMetricName(base.name)) return `could not construct metric '${base.name}': ${INVALID_METRIC_NAME}`;
  return { ...base, type: 'gauge', operation: 'Set', value: rt.value, ...(rt.since ? { since: rt.since } : {}) };
}
