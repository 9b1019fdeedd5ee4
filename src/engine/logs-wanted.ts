/**
 * Which pods' `main` logs the runtime reads before deciding (docs/adr/0005-outputs-transport.md): a
 * finished pod whose node is still open and either carries its output document at the end of the log
 * (output parameters too large for the termination message) or has an `outputs.result` that something
 * references (`needsResult`) and does not hold yet. Every other log read would be an API call whose
 * answer nothing reads.
 */
import type { ObservedPod } from './contract.ts';
import type { Workflow } from './types.ts';
import { ANNOTATION_NODE_ID } from './labels.ts';
import { needsResult } from './needs-result.ts';
import { parseArgosyDocument } from './pod/assess-pod.ts';

/** Whether the engine needs `observed`'s main log (`ObservedPod.mainLog`) to decide on its node. */
export function wantsMainLog(
  wf: Workflow,
  observed: ObservedPod,
  templates: Record<string, Workflow> | undefined,
): boolean {
  const phase = observed.pod.status?.phase;
  if (phase !== 'Succeeded' && phase !== 'Failed') return false;
  const id = observed.pod.metadata.annotations?.[ANNOTATION_NODE_ID];
  if (!id) return false;
  const node = wf.status?.nodes?.[id];
  if (!node || (node.phase !== 'Pending' && node.phase !== 'Running')) return false;
  const main = observed.pod.status?.containerStatuses?.find((c) => c.name === 'main');
  if (parseArgosyDocument(main?.state?.terminated?.message)?.log !== undefined) return true;
  return node.outputs?.result === undefined && needsResult(wf, id, templates);
}
