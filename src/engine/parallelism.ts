/**
 * Parallelism: `spec.parallelism` caps the workflow's active pods; a steps/DAG template's
 * `parallelism` caps its active children (Pod, Steps, DAG nodes with that boundary). When a cap is
 * reached the node is simply not created yet (a placeholder comes back, see {@link isDeferred}).
 * Template `failFast: true` stops starting children once one failed, and fails the template (and its
 * last StepGroup) with Argo's message once none of its pods is active any more.
 *
 * Counts are taken as Argo takes them after pod reconciliation: a node whose observed pod already
 * finished is not active, so a freed slot is reused in the same decide.
 */
import type { ExecContext } from './context.ts';
import { idOf, isFulfilled, markPhase, mutableNode } from './context.ts';
import { assessPod, recordFinish } from './pod/assess-pod.ts';
import type { NodePhase, NodeStatus, Template } from './types.ts';
import { nodeTemplate } from './template.ts';
import type { ExecuteRequest } from './execute-request.ts';

/** Argo's message when failFast stops a template. */
export const FAIL_FAST_MESSAGE = 'template has failed or errored children and failFast enabled';

/** True when `node` is a placeholder for a node parallelism did not let us create. */
export function isDeferred(ctx: ExecContext, node: NodeStatus): boolean {
  return ctx.nodes[node.id] === undefined;
}

function deferred(ctx: ExecContext, name: string): NodeStatus {
  ctx.reasons.push(`node ${name} not created yet: parallelism`);
  return { id: idOf(ctx, name), name, type: 'Pod', phase: 'Pending' };
}

/** The phase a node has once its observed pod is taken into account. */
function effectivePhase(ctx: ExecContext, node: NodeStatus): NodePhase | undefined {
  if (node.type !== 'Pod' || isFulfilled(node)) return node.phase;
  const observed = ctx.podsByNodeId.get(node.id)?.pod.status?.phase;
  if (observed === 'Succeeded' || observed === 'Failed') return observed;
  if (!ctx.podsByNodeId.has(node.id) && node.phase === 'Running') return 'Error';
  return node.phase;
}

function isActive(ctx: ExecContext, node: NodeStatus): boolean {
  const p = effectivePhase(ctx, node);
  return p === 'Pending' || p === 'Running';
}

/** Active pods of the whole workflow: counted once, plus the pods created since. */
function workflowActivePods(ctx: ExecContext): number {
  if (ctx.activePods === undefined) {
    let n = 0;
    for (const id in ctx.nodes) {
      const node = ctx.nodes[id] as NodeStatus;
      if (node.type === 'Pod' && isActive(ctx, node)) n++;
    }
    ctx.activePods = n;
  }
  return ctx.activePods;
}

/** True when `spec.parallelism` allows no new pod now (or the whole workflow is suspended). */
export function isWorkflowParallelismReached(ctx: ExecContext): boolean {
  if (ctx.wf.spec.suspend === true) return true;
  const limit = ctx.wf.spec.parallelism;
  if (limit === undefined || limit === null) return false;
  return workflowActivePods(ctx) >= Number(limit);
}

function boundaryIndex(ctx: ExecContext): Map<string, string[]> {
  if (!ctx.byBoundary) {
    const index = new Map<string, string[]>();
    for (const id in ctx.nodes) {
      const b = ctx.nodes[id]?.boundaryID;
      if (!b) continue;
      const list = index.get(b);
      if (list) list.push(id);
      else index.set(b, [id]);
    }
    ctx.byBoundary = index;
  }
  return ctx.byBoundary;
}

/** Records a node created during this decide (counts and the boundary index see it). */
export function noteNewNode(ctx: ExecContext, node: NodeStatus): void {
  if (isDeferred(ctx, node)) return;
  if (ctx.activePods !== undefined && node.type === 'Pod' && isActive(ctx, node)) ctx.activePods++;
  if (ctx.byBoundary && node.boundaryID) {
    const list = ctx.byBoundary.get(node.boundaryID);
    if (!list) ctx.byBoundary.set(node.boundaryID, [node.id]);
    else if (!list.includes(node.id)) list.push(node.id);
  }
}

function countIn(ctx: ExecContext, boundaryID: string, test: (n: NodeStatus) => boolean): number {
  let count = 0;
  for (const id of boundaryIndex(ctx).get(boundaryID) ?? []) {
    const n = ctx.nodes[id];
    if (n && test(n)) count++;
  }
  return count;
}

const failed = (ctx: ExecContext) => (n: NodeStatus) => {
  const p = effectivePhase(ctx, n);
  return p === 'Failed' || p === 'Error';
};
const activePod = (ctx: ExecContext) => (n: NodeStatus) => n.type === 'Pod' && isActive(ctx, n);
const activeChild = (ctx: ExecContext) => (n: NodeStatus) =>
  (n.type === 'Pod' || n.type === 'Steps' || n.type === 'DAG') && isActive(ctx, n);

/** Argo's `findLeafNodeWithType(StepGroup)`: the last StepGroup met in a depth-first walk. */
function leafStepGroup(ctx: ExecContext, fromId: string): NodeStatus | undefined {
  let leaf: NodeStatus | undefined;
  const seen = new Set<string>();
  const stack = [fromId];
  while (stack.length > 0) {
    const id = stack.pop() as string;
    if (seen.has(id)) continue;
    seen.add(id);
    const n = ctx.nodes[id];
    if (!n) continue;
    if (n.type === 'StepGroup') leaf = n;
    const kids = n.children ?? [];
    for (let i = kids.length - 1; i >= 0; i--) stack.push(kids[i] as string);
  }
  return leaf;
}

/**
 * Brings the template's finished pods into their nodes before failFast ends it: Argo assesses every
 * pod before walking the tree, and the walk will not come back to these nodes.
 */
function assessFinishedPods(ctx: ExecContext, boundaryID: string): void {
  for (const id of boundaryIndex(ctx).get(boundaryID) ?? []) {
    const node = ctx.nodes[id];
    const observed = ctx.podsByNodeId.get(id);
    if (!node || node.type !== 'Pod' || isFulfilled(node) || !observed) continue;
    const a = assessPod(observed, nodeTemplate(ctx, node) ?? { name: '' }, false);
    const n = mutableNode(ctx, id);
    if (a.hostNodeName) n.hostNodeName = a.hostNodeName;
    if (a.outputs) n.outputs = a.outputs;
    recordFinish(n, a);
    markPhase(ctx, id, a.phase, a.message);
  }
}

/** failFast: true when the template must not start children; fails it once no pod of it is active. */
function isFailingFast(ctx: ExecContext, boundary: NodeStatus, t: Template): boolean {
  if (t.failFast !== true || countIn(ctx, boundary.id, failed(ctx)) === 0) return false;
  if (countIn(ctx, boundary.id, activePod(ctx)) === 0) {
    assessFinishedPods(ctx, boundary.id);
    const leaf = t.steps ? leafStepGroup(ctx, boundary.id) : undefined;
    if (leaf) markPhase(ctx, leaf.id, 'Failed', FAIL_FAST_MESSAGE);
    markPhase(ctx, boundary.id, 'Failed', FAIL_FAST_MESSAGE);
  }
  return true;
}

/**
 * Argo's `checkParallelism` before a node runs: returns the node (or a placeholder) when it must not
 * run now, undefined when it may.
 */
export function checkParallelism(
  ctx: ExecContext,
  req: ExecuteRequest,
  t: Template,
  existing: NodeStatus | undefined,
): NodeStatus | undefined {
  if (existing) {
    // Only the template's own failFast applies to a running steps/DAG node; its pods must still be
    // assessed, so it goes on running unless failFast just finished it.
    if (
      (t.steps || t.dag) &&
      t.failFast === true &&
      isFailingFast(ctx, existing, t) &&
      isFulfilled(ctx.nodes[existing.id])
    )
      return ctx.nodes[existing.id];
    return undefined;
  }
  if (isWorkflowParallelismReached(ctx)) return deferred(ctx, req.nodeName);
  const boundary = req.boundaryID ? ctx.nodes[req.boundaryID] : undefined;
  const bt = boundary ? ctx.boundaryTemplates?.get(boundary.id) : undefined;
  if (!boundary || !bt) return undefined;
  if (bt.failFast === true && isFailingFast(ctx, boundary, bt)) return deferred(ctx, req.nodeName);
  const limit = bt.parallelism;
  if (limit !== undefined && limit !== null && countIn(ctx, boundary.id, activeChild(ctx)) >= Number(limit))
    return deferred(ctx, req.nodeName);
  return undefined;
}
