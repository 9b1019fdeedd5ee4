/**
 * Which pods' `main` logs the runtime reads before deciding (docs/adr/0005-outputs-transport.md): a
 * finished pod (or a pods-only one whose `main` ended while an injected container runs on) whose node is still open and either carries its output document at the end of the log
 * (output parameters too large for the termination message) or has an `outputs.result` that something
 * references (`needsResult`) and does not hold yet. Every other log read would be an API call whose
 * answer nothing reads.
 */
import type { ObservedPod } from './contract.ts';
import type { Workflow } from './types.ts';
import { ANNOTATION_NODE_ID } from './labels.ts';
import { needsResult } from './needs-result.ts';
import { parseArgosyDocument } from './pod/assess-pod.ts';
import { isExecutorPod } from './pod/assess-executor.ts';
import { strandedContainers } from './pod/stranded.ts';

/** A pods-only pod whose `main` ended while an injected container runs on: assessed as ended (stranded.ts). */
function strandedPodsOnly(observed: ObservedPod): boolean {
  return !isExecutorPod(observed.pod) && strandedContainers(observed.pod, ['main']).length > 0;
}

/** Whether the engine needs `observed`'s main log (`ObservedPod.mainLog`) to decide on its node. */
export function wantsMainLog(
  wf: Workflow,
  observed: ObservedPod,
  templates: Record<string, Workflow> | undefined,
): boolean {
  const phase = observed.pod.status?.phase;
  const ended = phase === 'Succeeded' || phase === 'Failed' || strandedPodsOnly(observed);
  if (!ended) return false;
  const id = observed.pod.metadata.annotations?.[ANNOTATION_NODE_ID];
  if (!id) return false;
  const node = wf.status?.nodes?.[id];
  if (!node || (node.phase !== 'Pending' && node.phase !== 'Running')) return false;
  const main = observed.pod.status?.containerStatuses?.find((c) => c.name === 'main');
  if (parseArgosyDocument(main?.state?.terminated?.message)?.log !== undefined) return true;
  return node.outputs?.result === undefined && needsResult(wf, id, templates);
}
