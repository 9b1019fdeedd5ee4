/**
 * `spec.ttlStrategy` (Argo's gccontroller, workflow/gccontroller/gc_controller.go): a finished workflow
 * is deleted `secondsAfterFailure` after it Failed, `secondsAfterSuccess` after it Succeeded, else
 * `secondsAfterCompletion` after it finished in any phase (Error included), counted from
 * `status.finishedAt`. The workflow's own strategy wins over the stored WorkflowTemplate spec's.
 */
import type { Workflow } from './types.ts';

interface TTLStrategy {
  secondsAfterCompletion?: number;
  secondsAfterSuccess?: number;
  secondsAfterFailure?: number;
}

const DONE = new Set(['Succeeded', 'Failed', 'Error']);

function strategyOf(wf: Workflow): TTLStrategy | undefined {
  const own = wf.spec?.ttlStrategy as TTLStrategy | undefined;
  const stored = wf.status?.storedWorkflowTemplateSpec?.ttlStrategy as TTLStrategy | undefined;
  return own ?? stored;
}

/** Argo's ttl(wf): the seconds that apply to this finished workflow, or undefined. */
export function ttlSeconds(wf: Workflow): number | undefined {
  const s = strategyOf(wf);
  const phase = wf.status?.phase ?? '';
  if (!s || !DONE.has(phase)) return undefined;
  if (phase === 'Failed' && s.secondsAfterFailure != null) return Number(s.secondsAfterFailure);
  if (phase === 'Succeeded' && s.secondsAfterSuccess != null) return Number(s.secondsAfterSuccess);
  if (s.secondsAfterCompletion != null) return Number(s.secondsAfterCompletion);
  return undefined;
}

/** When a finished workflow is to be deleted (epoch ms), or undefined when it keeps. */
export function ttlExpiresAt(wf: Workflow): number | undefined {
  const secs = ttlSeconds(wf);
  const finished = wf.status?.finishedAt ? Date.parse(wf.status.finishedAt) : NaN;
  if (secs === undefined || !Number.isFinite(secs) || Number.isNaN(finished)) return undefined;
  return finished + secs * 1000;
}
