/**
 * Steps and DAG templates: a boundary node (`Steps` / `DAG`) whose children the body executor creates
 * and whose phase it derives from them.
 */
import type { ExecContext } from './context.ts';
import { initNode, isFulfilled, setNodeInputs } from './context.ts';
import { stopDaemons } from './pod/daemons.ts';
import type { NodeStatus, NodeType, Template } from './types.ts';
import type { Resolver } from './substitute.ts';
import type { Dispatch } from './dispatch.ts';

/** Creates or advances the children of boundary node `id`. */
export type BoundaryBody = (ctx: ExecContext, id: string, t: Template, scope: Resolver, depth: number) => void;

/** Runs a steps or DAG template as node `d.nodeName` with `body`. */
export function executeBoundary(
  ctx: ExecContext,
  existing: NodeStatus | undefined,
  d: Dispatch,
  type: NodeType,
  body: BoundaryBody,
): NodeStatus {
  const t = d.template;
  let node = existing;
  if (!node) {
    node = initNode(ctx, {
      name: d.nodeName,
      type,
      boundaryID: d.boundaryID,
      templateName: d.templateName,
      phase: 'Running',
    });
    setNodeInputs(node, d.inputs, t.inputs?.artifacts);
  }
  ctx.childScopes.set(node.id, d.childScope);
  if (t.parallelism !== undefined || t.failFast !== undefined) (ctx.boundaryTemplates ??= new Map()).set(node.id, t);
  // Steps/DAG bodies are not copied: their fields are substituted lazily (inputs chained into
  // the children's scope), which keeps a decide over a 10k-task DAG free of a full template copy.
  body(ctx, node.id, t, d.scope, d.depth);
  // Argo's executeSteps/executeDAG stop the daemons they started once they are fulfilled.
  if (isFulfilled(ctx.nodes[node.id])) stopDaemons(ctx, node.id);
  return ctx.nodes[node.id] as NodeStatus;
}
