/**
 * `executeTemplate`: the idempotent tree walk. Resolves a template, processes its inputs, substitutes
 * variables, checks parallelism, wraps templates with a retryStrategy in a Retry node, and dispatches to
 * the executor of its type (one file per type).
 */
import type { ExecContext } from './context.ts';
import { getNode, initNode, isFulfilled, markPhase, mutableNode } from './context.ts';
import type { NodeStatus, NodeType, Parameter, Template } from './types.ts';
import { chainResolvers, mapResolver, substituteDeep, type Resolver } from './substitute.ts';
import { isExpressionTagError } from './expr/expression-tag.ts';
import { inputVariables } from './scope.ts';
import { holderTemplateName, processInputs, resolveTemplate, templateKind, type TemplateHolder } from './template.ts';
import { executePod } from './pod/execute-pod.ts';
import { podName } from './names.ts';
import { executeSteps } from './steps/execute-steps.ts';
import { executeDag } from './dag/execute-dag.ts';
import { executeRetry } from './retry/execute-retry.ts';
import { executeSuspend } from './suspend/execute-suspend.ts';
import { checkParallelism, noteNewNode } from './parallelism.ts';

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
  /** Set on exit-handler nodes (`hooked`). */
  nodeFlag?: NodeFlag;
}

type NodeFlag = NonNullable<NodeStatus['nodeFlag']>;

/** A resolved template to run as one node (the Retry executor runs each attempt through this). */
export interface Dispatch {
  nodeName: string;
  template: Template;
  scope: Resolver;
  templateName: string;
  boundaryID?: string;
  inputs: Parameter[];
  depth: number;
  nodeFlag?: NodeFlag;
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
  if (req.nodeFlag) node.nodeFlag = { ...req.nodeFlag };
  return node;
}

/**
 * Runs (or advances) the template of a node; returns the node's current status. A node that may not
 * be created yet (parallelism) comes back as a placeholder that is not in `ctx.nodes` (see `isDeferred`).
 */
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
    // Argo's SubstituteParams: globals first, since input values may reference them; then the
    // inputs themselves, since one input's expression may read another.
    const cm = { namespace: ctx.wfNamespace, configMaps: ctx.configMaps, resolve: mapResolver(ctx.globals) };
    const globalsOnly = substituteDeep(processInputs(t, req.args, cm), mapResolver(ctx.globals));
    // A value never resolves its own tag: Argo builds the inputs map from the globals-substituted
    // values and replaces once, so `{{inputs.parameters.v}}` inside v's value stays literal.
    const siblings = inputVariables(globalsOnly);
    inputs = globalsOnly.map((p) => {
      const own = `inputs.parameters.${p.name}`;
      const others: Resolver = (tag) => (tag === own ? undefined : siblings[tag]);
      return substituteDeep(p, chainResolvers(others, mapResolver(ctx.globals)));
    });
  } catch (e) {
    return errorNode(ctx, req, t, (e as Error).message);
  }
  const blocked = checkParallelism(ctx, req, t, existing);
  if (blocked) return blocked;
  const d: Dispatch = {
    nodeName: req.nodeName,
    template: t,
    scope: chainResolvers(mapResolver(inputVariables(inputs)), mapResolver(ctx.globals)),
    templateName: holderTemplateName(req.holder, t),
    boundaryID: req.boundaryID,
    inputs,
    depth: req.depth,
  };
  if (req.nodeFlag) d.nodeFlag = req.nodeFlag;
  const strategy = t.retryStrategy ?? ctx.wf.spec.retryStrategy;
  const kind = templateKind(t);
  // Argo's `{{pod.name}}` local (for retried templates each attempt sets its own).
  if (!strategy && (kind === 'container' || kind === 'script' || kind === 'resource')) {
    const own = d.scope;
    d.scope = (tag) =>
      tag === 'pod.name' ? podName(ctx.wfName, req.nodeName, d.templateName, ctx.podNameFormat) : own(tag);
  }
  let node: NodeStatus;
  try {
    node = strategy ? executeRetry(ctx, existing, d, strategy) : dispatchTemplate(ctx, existing, d);
  } catch (e) {
    if (!isExpressionTagError(e)) throw e;
    node = errorNode(ctx, req, t, e.message);
  }
  if (!existing) noteNewNode(ctx, node);
  return node;
}

/** Runs one resolved template as node `d.nodeName` with the executor of its type. */
export function dispatchTemplate(ctx: ExecContext, existing: NodeStatus | undefined, d: Dispatch): NodeStatus {
  const node = dispatchByKind(ctx, existing, d);
  if (!existing && d.nodeFlag && ctx.nodes[node.id] && !node.nodeFlag)
    mutableNode(ctx, node.id).nodeFlag = { ...d.nodeFlag };
  return ctx.nodes[node.id] ?? node;
}

function dispatchByKind(ctx: ExecContext, existing: NodeStatus | undefined, d: Dispatch): NodeStatus {
  const t = d.template;
  switch (templateKind(t)) {
    case 'container':
    case 'script':
    case 'resource':
      return executePod(ctx, existing, {
        nodeName: d.nodeName,
        template: t,
        scope: d.scope,
        templateName: d.templateName,
        boundaryID: d.boundaryID,
        inputs: d.inputs,
      });
    case 'suspend':
      return executeSuspend(ctx, existing, d);
    case 'steps':
    case 'dag': {
      let node = existing;
      if (!node) {
        node = initNode(ctx, {
          name: d.nodeName,
          type: t.steps ? 'Steps' : 'DAG',
          boundaryID: d.boundaryID,
          templateName: d.templateName,
          phase: 'Running',
        });
        if (d.inputs.length > 0) node.inputs = { parameters: d.inputs };
      }
      if (t.parallelism !== undefined || t.failFast !== undefined)
        (ctx.boundaryTemplates ??= new Map()).set(node.id, t);
      // Steps/DAG bodies are not copied: their fields are substituted lazily (inputs chained into
      // the children's scope), which keeps a decide over a 10k-task DAG free of a full template copy.
      if (t.steps) executeSteps(ctx, node.id, t, d.scope, d.depth);
      else executeDag(ctx, node.id, t, d.scope, d.depth);
      return ctx.nodes[node.id] as NodeStatus;
    }
    default: {
      const req: ExecuteRequest = { nodeName: d.nodeName, holder: {}, boundaryID: d.boundaryID, depth: d.depth };
      if (d.nodeFlag) req.nodeFlag = d.nodeFlag;
      return errorNode(ctx, req, t, `template type of '${t.name}' is not supported yet`);
    }
  }
}
