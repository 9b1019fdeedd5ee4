/**
 * The executor of `http` templates (Argo's `executeHTTPTemplate`): an `HTTP` node, Pending until the
 * agent of its place reports the request's outcome in the place's task set; meanwhile the resolved
 * template is one of the place's tasks (engine/http-template/task-sets.ts writes them, agent.ts builds the
 * agent). The node records its place like a pod node, and the placement check runs every time the task
 * is handed out.
 */
import type { ExecContext } from '../context.ts';
import { initNode, isFulfilled, markPhase, mutableNode, setNodeInputs } from '../context.ts';
import type { NodeStatus, Template } from '../types.ts';
import type { Dispatch } from '../dispatch.ts';
import { substituteDeep, substituteString } from '../substitute.ts';
import { DEADLINE_MESSAGE } from '../pod/execute-pod.ts';
import { isStoppedByShutdown, shutdownMessage, shutdownOf } from '../shutdown.ts';
import { holdNode } from '../effects.ts';
import { exportGlobalOutputs } from '../outputs.ts';
import type { AgentPlace } from './agent.ts';
import { addTask, resultOf } from './task-sets.ts';

/** The place a new HTTP node goes to: the template's clusterName/namespace, resolved with its scope. */
function placeOfTemplate(ctx: ExecContext, d: Dispatch): AgentPlace {
  const sub = (v: string | undefined) => (v ? substituteString(v, d.scope) : undefined);
  return {
    cluster: sub(d.template.clusterName) || ctx.controller.clusterName,
    namespace: sub(d.template.namespace) || ctx.wfNamespace,
  };
}

/** The place recorded in the node when it was created. */
export function placeOfNode(ctx: ExecContext, node: NodeStatus): AgentPlace {
  return { cluster: node.clusterName || ctx.controller.clusterName, namespace: node.namespace || ctx.wfNamespace };
}

function newHttpNode(ctx: ExecContext, d: Dispatch): NodeStatus {
  const node = initNode(ctx, {
    name: d.nodeName,
    type: 'HTTP',
    boundaryID: d.boundaryID,
    templateName: d.templateName,
    phase: 'Pending',
  });
  setNodeInputs(node, d.inputs, d.template.inputs?.artifacts);
  const place = placeOfTemplate(ctx, d);
  if (place.cluster !== ctx.controller.clusterName) node.clusterName = place.cluster;
  if (place.namespace !== ctx.wfNamespace) node.namespace = place.namespace;
  return node;
}

/** The task as the agent reads it: the resolved template, without Argosy's placement fields. */
function taskOf(d: Dispatch): Template {
  const { clusterName: _c, namespace: _n, ...rest } = substituteDeep(d.template, d.scope);
  return rest as Template;
}

/** Copies the agent's result to the node (Argo's `reconcileTaskSet`). */
function applyResult(ctx: ExecContext, node: NodeStatus, result: NonNullable<ReturnType<typeof resultOf>>) {
  const n = mutableNode(ctx, node.id);
  if (result.outputs) {
    n.outputs = result.outputs;
    exportGlobalOutputs(ctx, result.outputs);
  }
  n.finishedAt = ctx.now;
  return markPhase(ctx, node.id, result.phase as NodeStatus['phase'] & string, result.message ?? '');
}

/** Creates or advances an HTTP node. */
export function executeHttp(ctx: ExecContext, existing: NodeStatus | undefined, d: Dispatch): NodeStatus {
  let node = existing ?? newHttpNode(ctx, d);
  if (isFulfilled(node)) return node;
  if (!existing && ctx.deadlineExceeded) return markPhase(ctx, node.id, 'Failed', DEADLINE_MESSAGE);
  const strategy = shutdownOf(ctx);
  if (strategy && isStoppedByShutdown(ctx, node)) return markPhase(ctx, node.id, 'Failed', shutdownMessage(strategy));
  const place = placeOfNode(ctx, node);
  const result = resultOf(ctx, place, node.id);
  if (result) return applyResult(ctx, node, result);
  const held = holdNode(ctx, node, place);
  if (held) return held;
  node = ctx.nodes[node.id] as NodeStatus;
  if (isFulfilled(node)) return node;
  const sa = ctx.wf.spec.serviceAccountName;
  const reason = ctx.checkPlacement?.({
    ...place,
    workflowNamespace: ctx.wfNamespace,
    ...(sa ? { serviceAccountName: sa } : {}),
  });
  if (reason) return markPhase(ctx, node.id, 'Error', reason);
  addTask(ctx, place, node.id, taskOf(d));
  return node;
}
