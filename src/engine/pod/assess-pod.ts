/**
 * Pod → node mapping (Argo's `assessNodeStatus`): phase, message, hostNodeName, finishedAt
 * (latest container finish), `outputs.exitCode` of `main`, `outputs.result` from the main log when
 * asked for, and output parameters from an Argosy termination message.
 */
import type { KubeContainerStatus, KubePod, ObservedPod } from '../contract.ts';
import type { NodePhase, NodeStatus, Outputs, Parameter, Template } from '../types.ts';
import { durationForPod } from '../resources-duration.ts';
import { OUTPUTS_LOG_MARKER } from './outputs-wrapper.ts';
import { mainContainerNames } from './container-set.ts';

/** The node fields a pod determines. */
export interface PodAssessment {
  phase: NodePhase;
  message: string;
  hostNodeName?: string;
  finishedAt?: string;
  podIP?: string;
  outputs?: Outputs;
  /** Set with `finishedAt`: the finished pod's resource-seconds (Argo's DurationForPod). */
  resourcesDuration?: Record<string, number>;
}

/** Records a finished pod on its node: when it finished and its resourcesDuration, as Argo does once. */
export function recordFinish(node: NodeStatus, a: PodAssessment): void {
  if (a.finishedAt) node.finishedAt = a.finishedAt;
  if (a.finishedAt && a.resourcesDuration) node.resourcesDuration = a.resourcesDuration;
}

function pendingReason(pod: KubePod): string {
  for (const cs of pod.status?.containerStatuses ?? []) {
    const w = cs.state?.waiting;
    if (w) return w.message ? `${w.reason ?? ''}: ${w.message}` : (w.reason ?? '');
  }
  for (const c of pod.status?.conditions ?? []) {
    if (c.reason === 'Unschedulable') return c.message ? `${c.reason}: ${c.message}` : c.reason;
  }
  return '';
}

/**
 * Argo's `inferFailedReason`: pod message, else the first failing container (init → main containers →
 * others); `mains`: `main`, or every member of a container set (`IsMainContainerName`).
 */
function failedReason(pod: KubePod, mains: string[]): { phase: NodePhase; message: string } {
  if (pod.status?.message) return { phase: 'Failed', message: pod.status.message };
  const inits = pod.status?.initContainerStatuses ?? [];
  const ctrs = pod.status?.containerStatuses ?? [];
  const ordered: KubeContainerStatus[] = [
    ...inits,
    ...ctrs.filter((c) => mains.includes(c.name)),
    ...ctrs.filter((c) => !mains.includes(c.name)),
  ];
  for (const cs of ordered) {
    const isMain = mains.includes(cs.name);
    const isInit = inits.includes(cs);
    const t = cs.state?.terminated;
    if (!t) {
      const w = cs.state?.waiting;
      if (w && (isMain || isInit))
        return {
          phase: 'Error',
          message: `Pod failed before ${cs.name} container starts due to ${w.reason ?? ''}: ${w.message ?? ''}`,
        };
      continue;
    }
    if (t.exitCode === 0) continue;
    if (!isMain && !isInit && (t.exitCode === 137 || t.exitCode === 143)) continue;
    let message = `${cs.name}: ${t.reason ?? 'Error'} (exit code ${t.exitCode})`;
    const extra = terminationText(t.message);
    if (extra) message += `: ${extra}`;
    return { phase: isMain ? 'Failed' : 'Error', message };
  }
  return { phase: 'Failed', message: 'pod failed for unknown reason' };
}

/** A termination message, unless it is Argosy's outputs document (which is data, not an error). */
function terminationText(message: string | undefined): string {
  if (!message) return '';
  return parseArgosyDocument(message) ? '' : message.trim();
}

/** Argosy's outputs document in a termination message (docs/adr/0005-outputs-transport.md). */
export interface ArgosyOutputsDoc {
  parameters: Record<string, string>;
  /** Declared output files that did not exist when the command ended. */
  missing: string[];
  /** The wrapper could not deliver the outputs (e.g. over the size limit). */
  error?: string;
  /** The document was too large for the termination message and is at the end of the log (its size). */
  log?: number;
}

/** Parses `{"argosy":{"parameters":{...},"missing":[...],"error":"..."}}`; undefined when it is not one. */
export function parseArgosyDocument(message: string | undefined): ArgosyOutputsDoc | undefined {
  if (!message || !message.trimStart().startsWith('{')) return undefined;
  try {
    const doc = JSON.parse(message) as {
      argosy?: { parameters?: Record<string, unknown>; missing?: unknown; error?: unknown };
    };
    const a = doc.argosy;
    if (!a || typeof a !== 'object') return undefined;
    const params = a.parameters && typeof a.parameters === 'object' ? a.parameters : {};
    const out: ArgosyOutputsDoc = {
      parameters: Object.fromEntries(
        Object.entries(params).map(([k, v]) => [k, typeof v === 'string' ? v : JSON.stringify(v)]),
      ),
      missing: Array.isArray(a.missing) ? a.missing.map(String) : [],
    };
    if (typeof a.error === 'string') out.error = a.error;
    if (typeof (a as { log?: unknown }).log === 'number') out.log = (a as { log: number }).log;
    return out;
  } catch {
    return undefined;
  }
}

/** The log without the outputs line the wrapper appends for large documents, and that document. */
export function splitOutputsLog(log: string): { text: string; doc?: ArgosyOutputsDoc } {
  const at = log.lastIndexOf(`\n${OUTPUTS_LOG_MARKER}`);
  if (at < 0) return { text: log };
  const line = log.slice(at + 1 + OUTPUTS_LOG_MARKER.length).replace(/\n$/, '');
  return { text: log.slice(0, at), doc: parseArgosyDocument(line) };
}

/**
 * The outputs document of a finished `main` container: the termination message, or, when that says the
 * document went to the log, the document read from the log (an error when the log was not available).
 */
function outputsDocument(message: string | undefined, log: string | undefined): ArgosyOutputsDoc | undefined {
  const doc = parseArgosyDocument(message);
  if (doc?.log === undefined) return doc;
  const fromLog = log === undefined ? undefined : splitOutputsLog(log).doc;
  return fromLog ?? { parameters: {}, missing: [], error: 'output parameters could not be read from the log' };
}

/** Parses the parameters of `{"argosy":{"parameters":{...}}}`; undefined when it is not one. */
export function parseArgosyOutputs(message: string | undefined): Record<string, string> | undefined {
  const doc = parseArgosyDocument(message);
  return doc && doc.error === undefined ? doc.parameters : undefined;
}

function latestFinish(pod: KubePod): string | undefined {
  let latest: string | undefined;
  for (const cs of [...(pod.status?.initContainerStatuses ?? []), ...(pod.status?.containerStatuses ?? [])]) {
    const f = cs.state?.terminated?.finishedAt;
    if (f && (!latest || Date.parse(f) > Date.parse(latest))) latest = f;
  }
  return latest;
}

/** Output parameters and, when a declared file is missing without a default, the error (Argo's wording). */
interface ParamOutcome {
  params?: Parameter[];
  error?: string;
}

/** Output parameters declared by the template, filled from the outputs document or their default. */
function outputParameters(t: Template, doc: ArgosyOutputsDoc | undefined): ParamOutcome {
  const declared = t.outputs?.parameters ?? [];
  if (declared.length === 0) return {};
  const out: Parameter[] = [];
  let error: string | undefined;
  for (const p of declared) {
    let value = doc?.parameters[p.name];
    if (value === undefined && doc?.missing.includes(p.name)) {
      if (p.valueFrom?.default !== undefined) value = p.valueFrom.default;
      else error ??= `open ${p.valueFrom?.path ?? p.name}: no such file or directory`;
    }
    value ??= p.valueFrom?.default ?? p.value;
    if (value === undefined) continue;
    const param: Parameter = { name: p.name, value: String(value) };
    if (p.valueFrom) param.valueFrom = p.valueFrom;
    if (p.globalName) param.globalName = p.globalName;
    out.push(param);
  }
  const outcome: ParamOutcome = {};
  if (out.length > 0) outcome.params = out;
  if (error) outcome.error = error;
  return outcome;
}

/** Assesses an observed pod for the node of template `t`; `wantResult` = its stdout is referenced. */
export function assessPod(observed: ObservedPod, t: Template, wantResult: boolean): PodAssessment {
  const pod = observed.pod;
  const phase = pod.status?.phase ?? 'Pending';
  const a: PodAssessment = { phase: 'Pending', message: '' };
  if (pod.spec.nodeName) a.hostNodeName = pod.spec.nodeName;
  if (phase === 'Pending') a.message = pendingReason(pod);
  else if (phase === 'Running') a.phase = 'Running';
  else if (phase === 'Succeeded') a.phase = 'Succeeded';
  else if (phase === 'Failed') Object.assign(a, failedReason(pod, mainContainerNames(t)));
  else a.phase = 'Running';
  if (a.phase === 'Succeeded' || a.phase === 'Failed' || a.phase === 'Error') {
    const f = latestFinish(pod);
    if (f) a.finishedAt = f;
    a.resourcesDuration = durationForPod(pod);
    const main = pod.status?.containerStatuses?.find((c) => c.name === 'main')?.state?.terminated;
    const outputs: Outputs = {};
    const doc = outputsDocument(main?.message, observed.mainLog);
    const { params, error } = outputParameters(t, doc);
    if (params) outputs.parameters = params;
    // The command succeeded but its outputs could not be delivered: the node errors, as Argo's wait
    // container failing to save outputs does.
    const outputsError = doc?.error ?? error;
    if (a.phase === 'Succeeded' && outputsError) Object.assign(a, { phase: 'Error', message: outputsError });
    if (wantResult && observed.mainLog !== undefined)
      outputs.result = splitOutputsLog(observed.mainLog).text.replace(/\n$/, '');
    if (main) outputs.exitCode = String(main.exitCode);
    if (Object.keys(outputs).length > 0) a.outputs = outputs;
  }
  return a;
}
