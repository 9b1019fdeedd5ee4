/**
 * `argo node set` as Argo does it (`util.SetWorkflow` → `updateSuspendedNode`): on the active suspend
 * nodes a node field selector matches, set the phase, the message and the output parameters that wait
 * to be supplied (`valueFrom.supplied`). A set parameter loses its `valueFrom`, so it cannot be set twice
 * and a later resume keeps its value. Global outputs (`globalName`) follow from the node's outputs at
 * the next decide.
 */
import type { NodePhase, NodeStatus, Workflow, WorkflowStatus } from '../types.ts';
import { formatTime } from '../names.ts';
import { isActiveSuspend, matchesSelector, parseNodeSelector, ResumeError } from './resume.ts';

/** What `argosy node set` changes; empty fields are left alone, as Argo leaves them. */
export interface SetNodeValues {
  phase?: NodePhase;
  message?: string;
  /** Output parameter name → value. */
  outputParameters?: Record<string, string>;
}

const FULFILLED: ReadonlySet<string> = new Set(['Succeeded', 'Failed', 'Error', 'Skipped', 'Omitted']);

function setOutputs(node: NodeStatus, values: Record<string, string>): NodeStatus {
  const params = node.outputs?.parameters;
  if (!params) throw new ResumeError('cannot set output parameters because node is not expecting any raw parameters');
  const parameters = [...params];
  for (const [name, value] of Object.entries(values)) {
    const i = parameters.findIndex((p) => p.name === name);
    const param = parameters[i];
    if (!param) throw new ResumeError(`node is not expecting output parameter '${name}'`);
    if (!param.valueFrom?.supplied)
      throw new ResumeError(
        `cannot set output parameter '${name}' because it does not use valueFrom.raw or it was already set`,
      );
    const { valueFrom: _valueFrom, ...rest } = param;
    parameters[i] = { ...rest, value };
  }
  return { ...node, outputs: { ...node.outputs, parameters } };
}

function setOne(node: NodeStatus, values: SetNodeValues, now: string): NodeStatus {
  let out: NodeStatus = { ...node };
  if (values.phase) {
    out.phase = values.phase;
    if (FULFILLED.has(values.phase)) out.finishedAt = now;
  }
  if (values.message) out.message = values.message;
  if (values.outputParameters && Object.keys(values.outputParameters).length > 0)
    out = setOutputs(out, values.outputParameters);
  return out;
}

/** True when the values would change something (Argo reports "no suspend nodes matching" otherwise). */
function changesSomething(values: SetNodeValues): boolean {
  return !!values.phase || !!values.message || Object.keys(values.outputParameters ?? {}).length > 0;
}

/**
 * The workflow status after `argosy node set`. Throws {@link ResumeError} with Argo's messages when the
 * selector is missing, matches no active suspend node, or names a parameter the node does not wait for.
 * @example const status = setSuspendedNodes(wf, 'displayName=approve', { outputParameters: { message: 'hi' } }, new Date());
 */
export function setSuspendedNodes(
  workflow: Workflow,
  nodeFieldSelector: string,
  values: SetNodeValues,
  now: Date,
): WorkflowStatus {
  if (!nodeFieldSelector)
    throw new ResumeError("'set' currently only targets suspend nodes, use a node field selector to target them");
  const reqs = parseNodeSelector(nodeFieldSelector);
  const status = workflow.status ?? {};
  const nodes = { ...(status.nodes ?? {}) };
  let updated = false;
  for (const id in nodes) {
    const node = nodes[id] as NodeStatus;
    if (!isActiveSuspend(node) || !matchesSelector(node, reqs)) continue;
    nodes[id] = setOne(node, values, formatTime(now));
    updated ||= changesSomething(values);
  }
  if (!updated)
    throw new ResumeError(
      `currently, set only targets suspend nodes: no suspend nodes matching nodeFieldSelector: ${nodeFieldSelector}`,
    );
  return { ...status, nodes };
}
