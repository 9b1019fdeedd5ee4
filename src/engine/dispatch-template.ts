/**
 * Running a resolved template with the executor of its type (the table in template-types.ts), and the
 * node a template that cannot start becomes. Shared by `executeTemplate` (execute.ts) and the Retry
 * executor, which runs each attempt through `dispatchTemplate`.
 */
import type { ExecContext } from './context.ts';
import { getNode, initNode, markPhase, mutableNode } from './context.ts';
import type { NodeStatus, Template, TemplateRef } from './types.ts';
import type { ExecuteRequest } from './execute-request.ts';
import type { Dispatch } from './dispatch.ts';
import { templateType } from './template-types.ts';

/** Argo's node fields for a templateRef'd template: `templateRef` instead of `templateName`. */
export function stampRef(ctx: ExecContext, id: string, ref: TemplateRef | undefined): void {
  const node = ctx.nodes[id];
  if (!ref || !node || node.templateRef) return;
  const n = mutableNode(ctx, id);
  n.templateRef = { ...ref };
  delete n.templateName;
}

/** Creates (or finds) the node in Error when a template cannot even start. */
export function errorNode(
  ctx: ExecContext,
  req: ExecuteRequest,
  t: Template | undefined,
  message: string,
  type?: NodeStatus['type'],
): NodeStatus {
  const existing = getNode(ctx, req.nodeName);
  if (existing) return markPhase(ctx, existing.id, 'Error', message);
  const node = initNode(ctx, {
    name: req.nodeName,
    type: type ?? (t && templateType(t)?.nodeType) ?? 'Pod',
    boundaryID: req.boundaryID,
    templateName: t?.name ?? req.holder.template,
    templateRef: req.holder.templateRef,
    phase: 'Error',
    message,
  });
  if (req.nodeFlag) node.nodeFlag = { ...req.nodeFlag };
  return node;
}

/** Runs one resolved template as node `d.nodeName` with the executor of its type. */
export function dispatchTemplate(ctx: ExecContext, existing: NodeStatus | undefined, d: Dispatch): NodeStatus {
  const node = dispatchByKind(ctx, existing, d);
  if (!existing && d.nodeFlag && ctx.nodes[node.id] && !node.nodeFlag)
    mutableNode(ctx, node.id).nodeFlag = { ...d.nodeFlag };
  if (!existing) stampRef(ctx, node.id, d.templateRef);
  return ctx.nodes[node.id] ?? node;
}

function dispatchByKind(ctx: ExecContext, existing: NodeStatus | undefined, d: Dispatch): NodeStatus {
  const t = d.template;
  const type = templateType(t);
  if (type) return type.execute(ctx, existing, d);
  const req: ExecuteRequest = { nodeName: d.nodeName, holder: {}, boundaryID: d.boundaryID, depth: d.depth };
  if (d.nodeFlag) req.nodeFlag = d.nodeFlag;
  return errorNode(ctx, req, t, `template type of '${t.name}' is not supported yet`);
}
