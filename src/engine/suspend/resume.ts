/**
 * `argo resume` as Argo does it (`util.ResumeWorkflow`): every active Suspend node (type Suspend,
 * phase Running) becomes Succeeded, its supplied output parameters taking their defaults; with a node
 * field selector only the matching suspend nodes are resumed. Whole-workflow suspension
 * (`spec.suspend: true`) is lifted by clearing `spec.suspend` — see {@link resumeSpecPatch}.
 */
import type { NodeStatus, Workflow, WorkflowStatus } from '../types.ts';
import { formatTime } from '../names.ts';
import { SuspendOutputError } from './execute-suspend.ts';

/** Nothing matched the selector, or the selector does not parse. */
export class ResumeError extends Error {
  override name = 'ResumeError';
}

export type Requirement = { key: string; value: string; equal: boolean };

/** A node field selector (`displayName=approve,phase!=Failed`) as requirements. */
export function parseNodeSelector(selector: string): Requirement[] {
  return selector
    .split(',')
    .map((part) => part.trim())
    .filter((part) => part !== '')
    .map((part) => {
      const m = /^([^=!]+?)\s*(==|!=|=)\s*(.*)$/.exec(part);
      if (!m) throw new ResumeError(`cannot parse node field selector '${selector}'`);
      return { key: m[1] as string, value: m[3] as string, equal: m[2] !== '!=' };
    });
}

/** The field a selector key names (Argo's `SelectorMatchesNode`). */
function fieldOf(node: NodeStatus, key: string): string | undefined {
  switch (key) {
    case 'id':
      return node.id;
    case 'name':
      return node.name;
    case 'displayName':
      return node.displayName;
    case 'templateName':
      return node.templateName;
    case 'phase':
      return node.phase;
    case 'templateRef.name':
      return node.templateRef?.name;
    case 'templateRef.template':
      return node.templateRef?.template;
    default: {
      const m = /^inputs\.parameters\.(.+)\.value$/.exec(key);
      if (m) return node.inputs?.parameters?.find((p) => p.name === m[1])?.value;
      return undefined;
    }
  }
}

/** True when the node meets every requirement. */
export function matchesSelector(node: NodeStatus, reqs: Requirement[]): boolean {
  return reqs.every((r) => (fieldOf(node, r.key) === r.value) === r.equal);
}

/** A Suspend node still Running (what resume and node set act on). */
export function isActiveSuspend(node: NodeStatus): boolean {
  return node.type === 'Suspend' && node.phase === 'Running';
}

function resumed(node: NodeStatus, now: string): NodeStatus {
  const out: NodeStatus = { ...node, phase: 'Succeeded', finishedAt: now };
  delete out.message;
  if (node.outputs?.parameters) {
    const parameters = node.outputs.parameters.map((p) => {
      if (!p.valueFrom?.supplied) return p;
      if (p.valueFrom.default === undefined)
        throw new SuspendOutputError(
          `raw output parameter '${p.name}' has not been set and does not have a default value`,
        );
      const { valueFrom: _valueFrom, ...rest } = p;
      return { ...rest, value: String(p.valueFrom.default) };
    });
    out.outputs = { ...node.outputs, parameters };
  }
  return out;
}

/**
 * The workflow status after `argosy resume`: active suspend nodes (all, or those matching
 * `nodeFieldSelector`, e.g. `displayName=approve`) are Succeeded. Throws {@link ResumeError} when a
 * selector matches no active suspend node, and SuspendOutputError for a raw output without default.
 * @example const status = resumeWorkflow(wf, undefined, new Date()); // then write status (and resumeSpecPatch)
 */
export function resumeWorkflow(workflow: Workflow, nodeFieldSelector: string | undefined, now: Date): WorkflowStatus {
  const status = workflow.status ?? {};
  const nodes = { ...(status.nodes ?? {}) };
  const reqs = nodeFieldSelector ? parseNodeSelector(nodeFieldSelector) : undefined;
  let count = 0;
  for (const id in nodes) {
    const node = nodes[id] as NodeStatus;
    if (!isActiveSuspend(node) || (reqs && !matchesSelector(node, reqs))) continue;
    nodes[id] = resumed(node, formatTime(now));
    count++;
  }
  if (reqs && count === 0)
    throw new ResumeError(
      `currently, set only targets suspend nodes: no suspend nodes matching nodeFieldSelector: ${nodeFieldSelector}`,
    );
  return { ...status, nodes };
}

/** The spec change `argo resume` also makes: `spec.suspend` cleared (undefined when not suspended). */
export function resumeSpecPatch(workflow: Workflow): { suspend: null } | undefined {
  return workflow.spec.suspend === true ? { suspend: null } : undefined;
}

/** True when the workflow or one of its nodes is suspended (`Running (Suspended)` in the CLI). */
export function isWorkflowSuspended(workflow: Workflow): boolean {
  if (workflow.spec.suspend === true) return true;
  return Object.values(workflow.status?.nodes ?? {}).some(isActiveSuspend);
}

/**
 * A node field selector (`phase=Failed,displayName!=a`) as a predicate, for `get`/`submit`'s
 * `--node-field-selector`. Throws {@link ResumeError} when it does not parse.
 */
export function nodeSelectorMatcher(selector: string): (node: NodeStatus) => boolean {
  const reqs = parseNodeSelector(selector);
  return (node) => matchesSelector(node, reqs);
}
