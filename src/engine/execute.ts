/**
 * `executeTemplate`: the idempotent tree walk. Resolves a template, processes its inputs, substitutes
 * variables, and dispatches to the executor of its type (one file per type, so retries, suspend and
 * exit handlers slot in later).
 */
import type { ExecContext } from './context.ts';
import { getNode, initNode, isFulfilled, markPhase } from './context.ts';
import type { NodeStatus, NodeType, Parameter, Template } from './types.ts';
import { chainResolvers, mapResolver } from './substitute.ts';
import { inputVariables } from './scope.ts';
import { holderTemplateName, processInputs, resolveTemplate, templateKind, type TemplateHolder } from './template.ts';
import { executePod } from './pod/execute-pod.ts';
import { executeSteps } from './steps/execute-steps.ts';
import { executeDag } from './dag/execute-dag.ts';

/** Argo's limit on nested template calls. */
export const MAX_DEPTH = 100;
const MAX_DEPTH_MESSAGE =
  'Maximum recursion depth exceeded. See https://argo-workflows.readthedocs.io/en/latest/scaling/#maximum-recursion-depth';

/** A request to run a template as node `nodeName`. */
export interface ExecuteRequest {
  nodeName: string;
  holder: TemplateHolder;
  args?: Parameter[];
  boundaryID?: string;
  depth: number;
}

function nodeTypeOf(t: Template | undefined): NodeType {
  if (!t) return 'Pod';
  const k = templateKind(t);
  return k === 'steps' ? 'Steps' : k === 'dag' ? 'DAG' : k === 'suspend' ? 'Suspend' : 'Pod';
}

/** Creates (or finds) the node in Error when a template cannot even start. */
function errorNode(ctx: ExecContext, req: ExecuteRequest, t: Template | undefined, message: string): NodeStatus {
  const existing = getNode(ctx, req.nodeName);
  if (existing) return markPhase(ctx, existing.id, 'Error', message);
  const node = initNode(ctx, {
    name: req.nodeName,
    type: nodeTypeOf(t),
    boundaryID: req.boundaryID,
    templateName: t?.name ?? req.holder.template,
    phase: 'Error',
    message,
  });
  return node;
}

/** Runs (or advances) the template of a node; returns the node's current status. */
export function executeTemplate(ctx: ExecContext, req: ExecuteRequest): NodeStatus {
  const existing = getNode(ctx, req.nodeName);
  if (existing && isFulfilled(existing)) return existing;
  let t: Template;
  try {
    t = resolveTemplate(ctx, req.holder, ctx.workflowTemplates);
  } catch (e) {
    return errorNode(ctx, req, undefined, (e as Error).message);
  }
  if (req.depth > MAX_DEPTH) return errorNode(ctx, req, t, MAX_DEPTH_MESSAGE);
  let inputs: Parameter[];
  try {
    inputs = processInputs(t, req.args);
  } catch (e) {
    return errorNode(ctx, req, t, (e as Error).message);
  }
  const scope = chainResolvers(mapResolver(inputVariables(inputs)), mapResolver(ctx.globals));
  const templateName = holderTemplateName(req.holder, t);
  switch (templateKind(t)) {
    case 'container':
    case 'script':
      return executePod(ctx, existing, {
        nodeName: req.nodeName,
        template: t,
        scope,
        templateName,
        boundaryID: req.boundaryID,
        inputs,
      });
    case 'steps':
    case 'dag': {
      let node = existing;
      if (!node) {
        node = initNode(ctx, {
          name: req.nodeName,
          type: t.steps ? 'Steps' : 'DAG',
          boundaryID: req.boundaryID,
          templateName,
          phase: 'Running',
        });
        if (inputs.length > 0) node.inputs = { parameters: inputs };
      }
      // Steps/DAG bodies are not copied: their fields are substituted lazily (inputs chained into
      // the children's scope), which keeps a decide over a 10k-task DAG free of a full template copy.
      if (t.steps) executeSteps(ctx, node.id, t, scope, req.depth);
      else executeDag(ctx, node.id, t, scope, req.depth);
      return ctx.nodes[node.id] as NodeStatus;
    }
    default:
      return errorNode(ctx, req, t, `template type of '${t.name}' is not supported yet`);
  }
}
