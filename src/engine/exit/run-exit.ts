/**
 * Exit handlers: legacy `onExit: <template>` and `hooks.exit`, for the workflow and for steps/DAG
 * tasks. The handler runs as node `<parent name>.onExit` (`nodeFlag.hooked`), a child of its parent;
 * its pods carry `workflows.argoproj.io/on-exit: "true"` and ignore the workflow deadline.
 */
import type { ExecContext } from '../context.ts';
import { addChild, getNode, initNode, isCompleted, isFulfilled } from '../context.ts';
import { isAbsentOptionalError } from '../expr/absent.ts';
import type { LifecycleHook, NodeStatus, Parameter, Workflow } from '../types.ts';
import { markAbsentArgs, substituteDeep, type Resolver } from '../substitute.ts';
import { LABEL_ON_EXIT } from '../labels.ts';
import { isDeferred } from '../parallelism.ts';
import { evaluateRetryExpression } from '../retry/retry-expression.ts';

/** Whatever can carry an exit hook: a step, a task, the workflow spec. */
export interface ExitHolder {
  onExit?: string;
  hooks?: Record<string, LifecycleHook>;
}

/**
 * Argo's `GetExitHook(args)`: `onExit` gets the workflow's arguments; `hooks.exit` keeps its own
 * arguments, or gets the workflow's when it has none.
 */
export function exitHookOf(holder: ExitHolder, wf: Workflow): LifecycleHook | undefined {
  const wfArgs = wf.spec.arguments;
  if (holder.onExit) return wfArgs ? { template: holder.onExit, arguments: wfArgs } : { template: holder.onExit };
  const hook = holder.hooks?.exit;
  if (!hook) return undefined;
  const own = hook.arguments;
  const empty = !own || ((own.parameters ?? []).length === 0 && (own.artifacts ?? []).length === 0);
  return empty && wfArgs ? { ...hook, arguments: wfArgs } : hook;
}

/** The name of a node's exit handler. */
export function exitNodeName(parentName: string): string {
  return `${parentName}.onExit`;
}

/** Argo's `IsPartOfExitHandler`: the node, or a boundary above it, is an exit handler node. */
export function isPartOfExitHandler(nodes: Record<string, NodeStatus>, node: NodeStatus): boolean {
  let current: NodeStatus | undefined = node;
  for (let hops = 0; current && hops < 1000; hops++) {
    if ((current.displayName ?? current.name).endsWith('.onExit')) return true;
    if (!current.boundaryID) return false;
    current = nodes[current.boundaryID];
  }
  return false;
}

/**
 * Runs `fn` as exit-handler code: the workflow deadline does not apply (no deadline failures, pods get
 * only their template's activeDeadlineSeconds) and every pod created is labelled `on-exit`.
 */
export function asExitHandler<T>(ctx: ExecContext, fn: () => T): T {
  const saved = { wf: ctx.wf, exceeded: ctx.deadlineExceeded };
  const from = ctx.actions.length;
  if (ctx.wf.spec.activeDeadlineSeconds !== undefined) {
    const spec = { ...ctx.wf.spec };
    delete spec.activeDeadlineSeconds;
    ctx.wf = { ...ctx.wf, spec };
  }
  ctx.deadlineExceeded = false;
  try {
    return fn();
  } finally {
    ctx.wf = saved.wf;
    ctx.deadlineExceeded = saved.exceeded;
    for (let i = from; i < ctx.actions.length; i++) {
      const a = ctx.actions[i];
      if (a?.kind === 'CreatePod') a.pod.metadata.labels = { ...a.pod.metadata.labels, [LABEL_ON_EXIT]: 'true' };
    }
  }
}

/**
 * A hook's `expression` (expr language) over the step's scope; no expression = run. An expression
 * that cannot be evaluated runs nothing (Argo errors the step group instead).
 */
export function shouldRunHook(hook: LifecycleHook, resolver: Resolver): boolean {
  if (!hook.expression) return true;
  try {
    return evaluateRetryExpression(hook.expression, resolver);
  } catch {
    return false;
  }
}

/** A request to run the exit handler of one step/task node. */
export interface ExitRequest {
  hook: LifecycleHook;
  parent: NodeStatus;
  boundaryID?: string;
  depth: number;
  /** Resolves `steps.X.*`/`tasks.X.*` and inputs in the hook's arguments. */
  resolver: Resolver;
}

/** Runs (or advances) the exit handler of a completed node; returns the handler's node. */
export function runExitHandler(ctx: ExecContext, req: ExitRequest): NodeStatus {
  const name = exitNodeName(req.parent.name);
  const existing = getNode(ctx, name);
  if (existing && isFulfilled(existing)) return existing;
  const params = req.hook.arguments?.parameters;
  let args: Parameter[] | undefined;
  try {
    args = params ? substituteDeep(markAbsentArgs(params, req.resolver), req.resolver) : undefined;
  } catch (e) {
    if (!isAbsentOptionalError(e)) throw e;
    // Argo's runOnExitNode returns the substitution error: the handler never starts.
    const failed = initNode(ctx, {
      name,
      type: 'Skipped',
      boundaryID: req.boundaryID,
      phase: 'Error',
      message: e.message,
    });
    addChild(ctx, req.parent.id, failed.id);
    return failed;
  }
  const node = asExitHandler(ctx, () =>
    ctx.executeTemplate(ctx, {
      nodeName: name,
      holder: { template: req.hook.template, templateRef: req.hook.templateRef },
      args,
      boundaryID: req.boundaryID,
      depth: req.depth + 1,
      nodeFlag: { hooked: true },
    }),
  );
  if (!isDeferred(ctx, node)) addChild(ctx, req.parent.id, node.id);
  return node;
}

/**
 * The exit handler of a step/task node once it completed: true while the handler still runs (the
 * step group / DAG must wait for it). Skipped/Omitted nodes get no handler.
 */
export function isExitPending(
  ctx: ExecContext,
  holder: ExitHolder,
  node: NodeStatus,
  req: Omit<ExitRequest, 'hook' | 'parent'>,
): boolean {
  if (!holder.onExit && !holder.hooks?.exit) return false;
  if (!isCompleted(node)) return !isFulfilled(node);
  const hook = exitHookOf(holder, ctx.wf);
  if (!hook || !shouldRunHook(hook, req.resolver)) return false;
  const exit = runExitHandler(ctx, { ...req, hook, parent: node });
  return !isFulfilled(ctx.nodes[exit.id]);
}
