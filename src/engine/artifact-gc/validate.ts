/**
 * Lint/submit check of artifact GC strategies: Argo's CRD allows only its enum (the API server refuses
 * anything else before the controller sees it), so an unknown strategy is refused here in its words
 * instead of collecting nothing.
 */
import type { Report } from '../validate-common.ts';
import type { Workflow } from '../types.ts';
import { GC_STRATEGIES, workflowGc } from './strategy.ts';

const SUPPORTED = GC_STRATEGIES.map((s) => `"${s}"`).join(', ');

function check(path: string, strategy: unknown, report: Report): void {
  if (strategy === undefined || GC_STRATEGIES.includes(String(strategy))) return;
  report(path, `Unsupported value: "${String(strategy)}": supported values: ${SUPPORTED}`);
}

/** Reports unknown `artifactGC.strategy` values (workflow level and each output artifact). */
export function validateArtifactGC(wf: Workflow, report: Report): void {
  check('spec.artifactGC.strategy', workflowGc(wf.spec)?.strategy, report);
  (wf.spec.templates ?? []).forEach((t, i) =>
    (t.outputs?.artifacts ?? []).forEach((a, j) =>
      check(`spec.templates[${i}].outputs.artifacts[${j}].artifactGC.strategy`, a.artifactGC?.strategy, report),
    ),
  );
}
