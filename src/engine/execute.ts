/**
 * `executeTemplate`: the idempotent tree walk. Resolves a template, processes its inputs, substitutes
 * variables, checks parallelism, wraps templates with a retryStrategy in a Retry node, and dispatches to
 * the executor of its type (the table in template-types.ts).
 */
import type { ExecContext } from './context.ts';
import { getNode, isFulfilled, mutableNode, scopeUnder } from './context.ts';
import type { Artifact, NodeStatus, Parameter, Template } from './types.ts';
import type { ExecuteRequest } from './execute-request.ts';
import type { TemplateScope } from './template-scope.ts';
import { chainResolvers, mapResolver, substituteDeep, type Resolver } from './substitute.ts';
import { isExpressionTagError } from './expr/expression-tag.ts';
import { isAbsentOptionalError } from './expr/absent.ts';
import { inputVariables } from './scope.ts';
import { holderTemplateName, processInputs, resolveTemplate } from './template.ts';
import { templateType } from './template-types.ts';
import type { Dispatch } from './dispatch.ts';
import { templateGate } from './sync/gate.ts';
import type { Synchronization } from './sync/types.ts';
import { podName } from './names.ts';
import { DisplayNameError, templateDisplayName } from './display-name.ts';
import { executeRetry } from './retry/execute-retry.ts';
import { dispatchTemplate, errorNode, stampRef } from './dispatch-template.ts';
import { markMemoMiss, memoizedNode, type MemoRequest } from './memoize.ts';
import { checkParallelism, noteNewNode } from './parallelism.ts';
import { fulfilledNodeMetrics, nodeMetrics } from './metrics/emit.ts';
import {
  ArtifactReferenceError,
  inputArtifactVariables,
  processInputArtifacts,
  withInputArtifacts,
} from './artifacts/passing.ts';

export type { Dispatch } from './dispatch.ts';
export type { ExecuteRequest } from './execute-request.ts';
export { dispatchTemplate } from './dispatch-template.ts';

/** Argo's limit on nested template calls. */
export const MAX_DEPTH = 100;
const MAX_DEPTH_MESSAGE =
  'Maximum recursion depth exceeded. See https://argo-workflows.readthedocs.io/en/latest/scaling/#maximum-recursion-depth';

/** Argo's ProcessArgs and SubstituteParams for a template's inputs (throws Argo's messages). */
function processedInputs(
  ctx: ExecContext,
  t: Template,
  req: ExecuteRequest,
): { inputs: Parameter[]; artifacts: Artifact[] } {
  const artifacts = processInputArtifacts(t, req.artifacts);
  // Globals first, since input values may reference them; then the inputs themselves, since one
  // input's expression may read another.
  const cm = { namespace: ctx.wfNamespace, configMaps: ctx.configMaps, resolve: mapResolver(ctx.globals) };
  const globalsOnly = substituteDeep(processInputs(t, req.args, cm), mapResolver(ctx.globals));
  // A value never resolves its own tag: Argo builds the inputs map from the globals-substituted
  // values and replaces once, so `{{inputs.parameters.v}}` inside v's value stays literal.
  const siblings = inputVariables(globalsOnly);
  const inputs = globalsOnly.map((p) => {
    const own = `inputs.parameters.${p.name}`;
    const others: Resolver = (tag) => (tag === own ? undefined : siblings[tag]);
    return substituteDeep(p, chainResolvers(others, mapResolver(ctx.globals)));
  });
  return { inputs, artifacts };
}

/**
 * Runs (or advances) the template of a node; returns the node's current status. A node that may not
 * be created yet (parallelism) comes back as a placeholder that is not in `ctx.nodes` (see `isDeferred`).
 */
export function executeTemplate(ctx: ExecContext, req: ExecuteRequest): NodeStatus {
  const existing = getNode(ctx, req.nodeName);
  if (existing && isFulfilled(existing)) return settledMetrics(ctx, req, existing);
  let t: Template;
  let childScope: TemplateScope;
  try {
    ({ template: t, childScope } = resolveTemplate(ctx, req.holder, scopeUnder(ctx, req.boundaryID)));
  } catch (e) {
    return errorNode(ctx, req, undefined, (e as Error).message);
  }
  if (req.depth > MAX_DEPTH) return errorNode(ctx, req, t, MAX_DEPTH_MESSAGE);
  let inputs: Parameter[];
  let artifacts: Artifact[];
  try {
    ({ inputs, artifacts } = processedInputs(ctx, t, req));
  } catch (e) {
    // Argo's initializeNodeOrMarkError: a node that fails ProcessArgs is created as Skipped, Error.
    return errorNode(ctx, req, t, (e as Error).message, 'Skipped');
  }
  const blocked = checkParallelism(ctx, req, t, existing);
  if (blocked) return blocked;
  const vars = inputVariables(inputs);
  if (artifacts.length > 0) Object.assign(vars, inputArtifactVariables(artifacts));
  const d: Dispatch = {
    nodeName: req.nodeName,
    template: withInputArtifacts(t, artifacts),
    scope: chainResolvers(mapResolver(vars), mapResolver(ctx.globals)),
    templateName: holderTemplateName(req.holder, t),
    boundaryID: req.boundaryID,
    inputs,
    depth: req.depth,
    childScope,
  };
  if (req.nodeFlag) d.nodeFlag = req.nodeFlag;
  if (req.callerScope) d.callerScope = req.callerScope;
  if (req.holder.templateRef) d.templateRef = req.holder.templateRef;
  const gate = lockGate(ctx, req, d, existing);
  if (gate.node) return gate.node;
  const current = gate.existing;
  const strategy = t.retryStrategy ?? ctx.wf.spec.retryStrategy;
  // Argo's `{{pod.name}}` local (for retried templates each attempt sets its own).
  if (!strategy && templateType(t)?.runsPod) d.scope = withPodName(ctx, d);
  const memo = current ? undefined : memoizedNode(ctx, t, d.scope, memoRequest(d, t));
  if (memo && 'node' in memo) {
    if (d.nodeFlag) memo.node.nodeFlag = { ...d.nodeFlag };
    return settleNew(ctx, memo.node, d);
  }
  const node = runTemplate(ctx, req, t, d, current);
  if (current) return withMetrics(ctx, t, ctx.nodes[node.id] ?? node);
  if (memo && ctx.nodes[node.id]) markMemoMiss(ctx, node.id, memo.status);
  return withMetrics(ctx, t, settleNew(ctx, node, d));
}

/** The node, after the custom metrics its transitions in this decide cause (metrics/emit.ts). */
function withMetrics(ctx: ExecContext, t: Template, node: NodeStatus): NodeStatus {
  if (t.metrics !== undefined) nodeMetrics(ctx, t, node);
  return node;
}

/** A node already fulfilled when reached: its metrics if it was not as stored (Argo's handleNodeFulfilled). */
function settledMetrics(ctx: ExecContext, req: ExecuteRequest, node: NodeStatus): NodeStatus {
  const stored = ctx.wf.status?.nodes?.[node.id];
  if (!stored || isFulfilled(stored)) return node;
  try {
    const { template } = resolveTemplate(ctx, req.holder, scopeUnder(ctx, req.boundaryID));
    if (template.metrics !== undefined) fulfilledNodeMetrics(ctx, template, node);
  } catch {
    // A template that no longer resolves was reported when its node ended; nothing to measure.
  }
  return node;
}

/** The dispatch's scope with `{{pod.name}}`: the name of the node's pod. */
function withPodName(ctx: ExecContext, d: Dispatch): Resolver {
  const own = d.scope;
  return (tag) => (tag === 'pod.name' ? podName(ctx.wfName, d.nodeName, d.templateName, ctx.podNameFormat) : own(tag));
}

/** What a memoized template's node is looked up as. */
function memoRequest(d: Dispatch, t: Template): MemoRequest {
  return {
    nodeName: d.nodeName,
    boundaryID: d.boundaryID,
    templateName: d.templateName,
    nodeType: templateType(t)?.nodeType ?? 'Pod',
    inputs: d.inputs,
  };
}

/** A node created by this call: Argo's template reference fields, and counted for parallelism. */
function settleNew(ctx: ExecContext, node: NodeStatus, d: Dispatch): NodeStatus {
  stampRef(ctx, node.id, d.templateRef);
  noteNewNode(ctx, node);
  // A node that waited for its locks keeps the start of its wait (Argo's node was Pending all along).
  const waitedSince = ctx.sync?.starts.get(node.id);
  if (waitedSince && ctx.nodes[node.id]) mutableNode(ctx, node.id).startedAt = waitedSince;
  return ctx.nodes[node.id] ?? node;
}

/** The template's `synchronization` (substituted as Argo's processed template is) at its node's start. */
function lockGate(ctx: ExecContext, req: ExecuteRequest, d: Dispatch, existing: NodeStatus | undefined) {
  const raw = d.template.synchronization as Synchronization | undefined;
  if (!raw) return { existing };
  let sync: Synchronization;
  try {
    sync = substituteDeep(raw, d.scope);
  } catch (e) {
    if (!isExpressionTagError(e) && !isAbsentOptionalError(e)) throw e;
    return { node: errorNode(ctx, req, d.template, e.message) };
  }
  const gateReq = { ...req, templateName: d.templateName, templateRef: d.templateRef, nodeFlag: d.nodeFlag };
  return templateGate(ctx, gateReq, d.template, sync, existing);
}

/** Runs the template as its node: in a Retry node when it has a retryStrategy, else by its type. */
function runTemplate(
  ctx: ExecContext,
  req: ExecuteRequest,
  t: Template,
  d: Dispatch,
  existing: NodeStatus | undefined,
): NodeStatus {
  const strategy = t.retryStrategy ?? ctx.wf.spec.retryStrategy;
  try {
    const displayName = templateDisplayName(t, d.scope);
    const node = strategy ? executeRetry(ctx, existing, d, strategy) : dispatchTemplate(ctx, existing, d);
    if (displayName && ctx.nodes[node.id] && node.displayName !== displayName) {
      mutableNode(ctx, node.id).displayName = displayName;
    }
    return ctx.nodes[node.id] ?? node;
  } catch (e) {
    const known =
      isExpressionTagError(e) ||
      isAbsentOptionalError(e) ||
      e instanceof ArtifactReferenceError ||
      e instanceof DisplayNameError;
    if (!known) throw e;
    return errorNode(ctx, req, t, e.message);
  }
}
