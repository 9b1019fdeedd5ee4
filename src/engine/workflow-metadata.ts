/**
 * `spec.workflowMetadata`: labels and annotations the controller puts on the Workflow (Argo's
 * `updateWorkflowMetadata`), `labelsFrom` expressions evaluated against the workflow's globals; each
 * becomes `workflow.labels.<k>` / `workflow.annotations.<k>` for the rest of the run.
 */
import { parseExpr } from './expr/parser.ts';
import { evaluateNode } from './expr/evaluate.ts';
import { buildEnv, variablePaths } from './expr/argo-env.ts';
import type { Workflow } from './types.ts';

/** The labels and annotations to set. */
export interface WorkflowMetadataValues {
  labels: Record<string, string>;
  annotations: Record<string, string>;
}

/** A workflowMetadata value Kubernetes would refuse, or an expression that fails (workflow Error). */
export class WorkflowMetadataError extends Error {
  override name = 'WorkflowMetadataError';
}

const LABEL_VALUE = /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/;

function checkLabelValue(value: string, label: string, expression?: string): void {
  if (value.length <= 63 && LABEL_VALUE.test(value)) return;
  const what = expression === undefined ? '' : ` and expression "${expression}"`;
  throw new WorkflowMetadataError(
    `invalid label value "${value}" for label "${label}"${what}: a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (at most 63 characters)`,
  );
}

/** Go's `%T` of an expr-lang result, as Argo's message prints it. */
function goType(v: unknown): string {
  if (v === null || v === undefined) return '<nil>';
  if (typeof v === 'boolean') return 'bool';
  if (typeof v === 'number') return Number.isInteger(v) ? 'int' : 'float64';
  if (Array.isArray(v)) return '[]interface {}';
  if (typeof v === 'object' && v.constructor?.name === 'Float') return 'float64';
  return 'map[string]interface {}';
}

function evaluateLabel(label: string, expression: string, globals: Record<string, string>, nowMs: number): string {
  let result: unknown;
  try {
    const node = parseExpr(expression);
    const { env } = buildEnv(variablePaths(node), (k) => globals[k], nowMs);
    result = evaluateNode(node, env, expression, nowMs);
  } catch (e) {
    throw new WorkflowMetadataError(
      `failed to evaluate label "${label}" expression "${expression}": ${(e as Error).message}`,
    );
  }
  if (typeof result !== 'string')
    throw new WorkflowMetadataError(
      `failed to evaluate label "${label}" expression "${expression}" evaluted to ${goType(result)} but must be a string`,
    );
  checkLabelValue(result, label, expression);
  return result;
}

/**
 * The metadata `spec.workflowMetadata` asks for; `undefined` without one. Throws
 * {@link WorkflowMetadataError}. Deterministic, so every decide of a run asks for the same values.
 */
export function workflowMetadataValues(
  wf: Workflow,
  globals: Record<string, string>,
  nowMs: number,
): WorkflowMetadataValues | undefined {
  const md = wf.spec.workflowMetadata;
  if (!md) return undefined;
  const out: WorkflowMetadataValues = { labels: {}, annotations: {} };
  const scope = { ...globals };
  for (const [k, v] of Object.entries(md.labels ?? {})) {
    checkLabelValue(String(v), k);
    out.labels[k] = String(v);
    scope[`workflow.labels.${k}`] = String(v);
  }
  for (const [k, v] of Object.entries(md.annotations ?? {})) {
    out.annotations[k] = String(v);
    scope[`workflow.annotations.${k}`] = String(v);
  }
  for (const [k, from] of Object.entries(md.labelsFrom ?? {})) {
    out.labels[k] = evaluateLabel(k, from?.expression ?? '', scope, nowMs);
  }
  return out;
}

/** The globals the values add (`workflow.labels.<k>`, `workflow.annotations.<k>`). */
export function metadataGlobals(values: WorkflowMetadataValues): Record<string, string> {
  const g: Record<string, string> = {};
  for (const [k, v] of Object.entries(values.labels)) g[`workflow.labels.${k}`] = v;
  for (const [k, v] of Object.entries(values.annotations)) g[`workflow.annotations.${k}`] = v;
  return g;
}
