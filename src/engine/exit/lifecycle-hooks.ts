/**
 * Lifecycle hooks other than `exit` (Argo's executeTmplLifeCycleHook / executeWfLifeCycleHook,
 * workflow/controller/hooks.go): on every pass, each hook's `expression` is evaluated over the scope
 * (`steps.X.status` / `tasks.X.status` set to the node's phase; `workflow.status` for workflow hooks);
 * when true — or once its node exists — the hook's template runs as node `<parent>.hooks.<name>`
 * (`nodeFlag.hooked`), a child of its parent. The step group, dependent tasks and the workflow wait
 * until every started hook node is fulfilled.
 */
import type { ExecContext } from '../context.ts';
import { addChild, getNode, isFulfilled, markPhase } from '../context.ts';
import type { LifecycleHook, NodeStatus, Parameter } from '../types.ts';
import { mapResolver, markAbsentArgs, substituteDeep, type Resolver } from '../substitute.ts';
import { isAbsentOptionalError } from '../expr/absent.ts';
import { isDeferred } from '../parallelism.ts';
import { evaluateRetryExpression } from '../retry/retry-expression.ts';
import { phaseOfRoot } from './workflow-exit.ts';

/** The name of a lifecycle hook's node. */
export function hookNodeName(parentName: string, hookName: string): string {
  return `${parentName}.hooks.${hookName}`;
}

/** What the hooks of one parent did this pass. */
export interface HooksOutcome {
  /** Some hook node is not fulfilled yet. */
  pending: boolean;
  /** An expression that is missing or cannot be evaluated (Argo errors the enclosing node). */
  error?: string;
}

/** Where a parent's hooks run. */
export interface HooksRequest {
  hooks: Record<string, LifecycleHook> | undefined;
  parent: NodeStatus;
  resolver: Resolver;
  boundaryID?: string;
  depth: number;
}

/** Runs or advances the non-exit hooks of `req.parent`. */
export function runLifecycleHooks(ctx: ExecContext, req: HooksRequest): HooksOutcome {
  const out: HooksOutcome = { pending: false };
  // Argo walks a Go map; sorted names keep decisions deterministic.
  for (const name of Object.keys(req.hooks ?? {}).sort()) {
    if (name === 'exit') continue;
    const hook = req.hooks?.[name] as LifecycleHook;
    const nodeName = hookNodeName(req.parent.name, name);
    const existing = getNode(ctx, nodeName);
    if (existing && isFulfilled(existing)) continue;
    if (!hook.expression) {
      out.error ??= `Expression required for hook ${nodeName}`;
      continue;
    }
    let run = !!existing;
    try {
      run = evaluateRetryExpression(hook.expression, req.resolver) || run;
    } catch (e) {
      out.error ??= `failed to evaluate hook ${nodeName} expression '${hook.expression}': ${(e as Error).message}`;
      continue;
    }
    if (!run) continue;
    const params = hook.arguments?.parameters;
    let args: Parameter[] | undefined;
    try {
      args = params ? substituteDeep(markAbsentArgs(params, req.resolver), req.resolver) : undefined;
    } catch (e) {
      if (!isAbsentOptionalError(e)) throw e;
      out.error ??= e.message;
      continue;
    }
    const node = ctx.executeTemplate(ctx, {
      nodeName,
      holder: { template: hook.template, templateRef: hook.templateRef },
      args,
      boundaryID: req.boundaryID,
      depth: req.depth + 1,
      nodeFlag: { hooked: true },
    });
    if (!isDeferred(ctx, node)) addChild(ctx, req.parent.id, node.id);
    if (!isFulfilled(ctx.nodes[node.id])) out.pending = true;
  }
  return out;
}

/** True when the node has hooks other than `exit`. */
export function hasLifecycleHooks(hooks: Record<string, LifecycleHook> | undefined): boolean {
  return Object.keys(hooks ?? {}).some((k) => k !== 'exit');
}

/** Argo's CheckAllHooksFullfilled: every hook child of the node (exit included) is fulfilled. */
export function allHooksFulfilled(ctx: ExecContext, node: NodeStatus): boolean {
  for (const id of node.children ?? []) {
    const c = ctx.nodes[id];
    if (c?.nodeFlag?.hooked && !isFulfilled(c)) return false;
  }
  return true;
}

/** A resolver that adds `<prefix>.<name>.status` for the node being hooked. */
export function withOwnStatus(resolver: Resolver, prefix: 'steps' | 'tasks', name: string, node: NodeStatus): Resolver {
  const own = `${prefix}.${name}.status`;
  return (tag) => (tag === own ? node.phase : resolver(tag));
}

/**
 * The workflow's own hooks (`spec.hooks` but `exit`), after each walk of the entry node with
 * `{{workflow.status}}` set from the root's phase; true while a hook node runs (the exit handler and
 * the workflow's completion wait for it). An expression error errors the root node, as Argo does.
 */
export function runWorkflowHooks(ctx: ExecContext, root: NodeStatus): boolean {
  const hooks = ctx.wf.spec.hooks;
  if (!hasLifecycleHooks(hooks)) return false;
  ctx.globals['workflow.status'] = phaseOfRoot(root);
  const h = runLifecycleHooks(ctx, { hooks, parent: root, resolver: mapResolver(ctx.globals), depth: 0 });
  if (h.error) markPhase(ctx, root.id, 'Error', h.error);
  return h.pending;
}
