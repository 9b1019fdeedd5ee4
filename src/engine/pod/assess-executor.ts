/**
 * Node status of an executor pod (docs/adr/0009-argo-executor-pods.md), as Argo's controller derives it:
 * the phase and message from the pod (`assessNodeStatus`, `inferFailedReason`), `exitCode` from the
 * `main` container, every other output from the node's WorkflowTaskResult (`taskResultReconciliation`),
 * and a completed node held back until `wait` has reported its outputs (label
 * `report-outputs-completed=true`), for at most {@link TASK_RESULT_TIMEOUT_MS} after the pod finished.
 */
import type { KubeContainer, KubePod, ObservedPod, ObservedTaskResult } from '../contract.ts';
import type { Outputs, Template } from '../types.ts';
import { assessPod, type PodAssessment } from './assess-pod.ts';

import { LABEL_REPORT_OUTPUTS_COMPLETED } from '../labels.ts';
import { isResourceMain } from './resource-pod.ts';
import { isDataMain } from './data-pod.ts';
import { mainContainerNames } from './container-set.ts';
import { asFinished, strandedContainers, terminatedState as terminated } from './stranded.ts';
/** Argo's TASK_RESULT_TIMEOUT_DURATION: how long a finished node waits for its outputs. */
export const TASK_RESULT_TIMEOUT_MS = 10 * 60_000;

/** An assessment, plus when to look again while the node waits for its outputs. */
export interface ExecutorAssessment extends PodAssessment {
  wakeAtMs?: number;
  /** Containers still running after `main` and `wait` ended: nothing in the pod will stop them. */
  stranded?: string[];
}

/** True for pods built for Argo's executor (`init`, and `wait` or a resource/data template's argoexec `main`). */
export function isExecutorPod(pod: KubePod): boolean {
  const inits = (pod.spec.initContainers as { name?: string }[] | undefined) ?? [];
  const argoMain = (c: KubeContainer) => c.name === 'wait' || isResourceMain(c) || isDataMain(c);
  return inits.some((c) => c.name === 'init') && pod.spec.containers.some(argoMain);
}

/** Declared outputs the task result must bring (Argo keeps such a node in its old phase until they come). */
function expectsOutputs(t: Template, wantResult: boolean): boolean {
  const arts = (t.outputs?.artifacts ?? []) as { optional?: boolean }[];
  return wantResult || (t.outputs?.parameters ?? []).length > 0 || arts.some((a) => !a.optional);
}

/** Assesses an executor pod with its task result (if any) for the node of template `t`. */
export function assessExecutorPod(
  observed: ObservedPod,
  result: ObservedTaskResult | undefined,
  t: Template,
  wantResult: boolean,
  nowMs: number,
): ExecutorAssessment {
  const pod = observed.pod;
  const main = terminated(pod, 'main');
  const wait = terminated(pod, 'wait');
  const mainsOk = mainContainerNames(t).every((n) => terminated(pod, n)?.exitCode === 0);
  // The template's own sidecars are not stranded: the executor stops them once main has ended, and one
  // still shutting down when wait has exited is not a reason to delete the pod (its log would go too).
  const declared = new Set(((t.sidecars as { name?: string }[] | undefined) ?? []).map((c) => c.name));
  const stranded = strandedContainers(pod, [...mainContainerNames(t), 'wait']).filter((n) => !declared.has(n));
  const a: ExecutorAssessment = assessPod(
    stranded.length > 0 ? asFinished(observed, mainsOk && wait?.exitCode === 0) : observed,
    { name: t.name, containerSet: t.containerSet },
    false,
  );
  if (stranded.length > 0) a.stranded = stranded;
  // A pod Failed for a sidecar is still Succeeded when the main containers and wait all exited 0.
  if (a.phase === 'Failed' && !pod.status?.message && mainsOk && wait?.exitCode === 0) {
    a.phase = 'Succeeded';
    a.message = '';
  }
  if (a.phase !== 'Succeeded' && a.phase !== 'Failed' && a.phase !== 'Error') return a;
  const reported = result?.result.outputs;
  const outputs: Outputs = reported && Object.keys(reported).length > 0 ? { ...reported } : {};
  if (main) outputs.exitCode = String(main.exitCode);
  else delete outputs.exitCode;
  if (Object.keys(outputs).length > 0) a.outputs = outputs;
  else delete a.outputs;
  const complete = result?.result.metadata.labels?.[LABEL_REPORT_OUTPUTS_COMPLETED] === 'true';
  const waitFailed = wait !== undefined && wait.exitCode !== 0;
  const synced = complete || waitFailed || (result === undefined && !expectsOutputs(t, wantResult));
  if (synced || a.phase !== 'Succeeded') return a;
  const finished = Date.parse(a.finishedAt ?? '') || nowMs;
  if (nowMs >= finished + TASK_RESULT_TIMEOUT_MS) return a;
  return { phase: 'Running', message: '', hostNodeName: a.hostNodeName, wakeAtMs: finished + TASK_RESULT_TIMEOUT_MS };
}
