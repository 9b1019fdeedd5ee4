/**
 * One step group (Argo's `executeStepGroup`): run every (expanded) step, then, once all children are
 * fulfilled, fail the group on the first child that failed without `continueOn`.
 */
import type { ExecContext } from '../context.ts';
import { addChild, getNode, initNode, isDone, isFulfilled, markPhase } from '../context.ts';
import type { NodeStatus, WorkflowStep } from '../types.ts';
import type { Resolver } from '../substitute.ts';
import { isDeferred } from '../parallelism.ts';
import { isExitPending } from '../exit/run-exit.ts';
import { hasLifecycleHooks, runLifecycleHooks, withOwnStatus } from '../exit/lifecycle-hooks.ts';
import { continuesOn, LoopExpansionError, planStep, runPlan, skipIfWhenFalse, type StepPlans } from '../run-step.ts';

/** Inputs of a group run. */
export interface StepGroupRequest {
  sgId: string;
  steps: WorkflowStep[];
  stepsId: string;
  resolver: Resolver;
  depth: number;
}

/** Runs or advances a StepGroup node and returns it. */
export function executeStepGroup(ctx: ExecContext, req: StepGroupRequest): NodeStatus {
  const sg = ctx.nodes[req.sgId] as NodeStatus;
  if (isFulfilled(sg)) return sg;
  const stepOf = new Map<string, WorkflowStep>();
  // Children parallelism did not let us create yet: the group is not done.
  let waiting = false;
  for (const step of req.steps) {
    const baseName = `${sg.name}.${step.name}`;
    let planned: StepPlans;
    try {
      planned = planStep(step, baseName, req.resolver);
    } catch (e) {
      if (!(e instanceof LoopExpansionError)) throw e;
      let message: string;
      try {
        message = skipIfWhenFalse(step, req.resolver, e);
      } catch {
        return markPhase(ctx, req.sgId, 'Error', e.message);
      }
      stepOf.set(skipStep(ctx, req, baseName, step, message), step);
      continue;
    }
    if (planned.looped && planned.plans.length === 0) {
      stepOf.set(skipStep(ctx, req, baseName, step, 'Skipped, empty params'), step);
      continue;
    }
    for (const plan of planned.plans) {
      // Argo's resolveReferences fails the whole group before any child exists.
      if (plan.error !== undefined && !getNode(ctx, plan.name)) return markPhase(ctx, req.sgId, 'Error', plan.error);
      const child = runPlan(ctx, plan, req.stepsId, req.depth);
      if (isDeferred(ctx, child)) {
        waiting = true;
        continue;
      }
      addChild(ctx, req.sgId, child.id);
      stepOf.set(child.id, step);
      // A `when` that cannot be evaluated errors the whole group (Argo's executeStepGroup).
      if (child.type === 'Skipped' && child.phase === 'Error')
        return markPhase(ctx, req.sgId, 'Error', child.message ?? '');
    }
  }
  if (isFulfilled(ctx.nodes[req.sgId])) return ctx.nodes[req.sgId] as NodeStatus;
  return settleGroup(ctx, req, stepOf, waiting);
}

/** A Skipped child for a step that does not run; returns its ID. */
function skipStep(ctx: ExecContext, req: StepGroupRequest, name: string, step: WorkflowStep, message: string): string {
  const skipped =
    getNode(ctx, name) ??
    initNode(ctx, {
      name,
      type: 'Skipped',
      boundaryID: req.stepsId,
      templateName: step.template,
      templateRef: step.templateRef,
      phase: 'Skipped',
      message,
    });
  addChild(ctx, req.sgId, skipped.id);
  return skipped.id;
}

/** The non-exit hooks of one child: 'error' ends the group, true while one runs. */
function childHooks(ctx: ExecContext, req: StepGroupRequest, child: NodeStatus, step: WorkflowStep): string | boolean {
  if (!hasLifecycleHooks(step.hooks)) return false;
  const resolver = withOwnStatus(req.resolver, 'steps', child.displayName ?? step.name, child);
  const h = runLifecycleHooks(ctx, {
    hooks: step.hooks,
    parent: child,
    resolver,
    boundaryID: req.stepsId,
    depth: req.depth,
  });
  return h.error ?? h.pending;
}

/**
 * Once every child ran: hooks and exit handlers of completed children first (Argo's executeStepGroup),
 * then the group fails on the first child that failed without `continueOn`.
 */
function settleGroup(
  ctx: ExecContext,
  req: StepGroupRequest,
  stepOf: Map<string, WorkflowStep>,
  waiting: boolean,
): NodeStatus {
  const children = (ctx.nodes[req.sgId]?.children ?? []).map((c) => ctx.nodes[c]);
  let pending = waiting;
  for (const child of children) {
    const step = child && stepOf.get(child.id);
    const hooks = child && step ? childHooks(ctx, req, child, step) : false;
    if (typeof hooks === 'string') return markPhase(ctx, req.sgId, 'Error', hooks);
    if (hooks) pending = true;
    else if (!child || !isDone(child)) pending = true;
    else if (
      step &&
      isExitPending(ctx, step, child, { boundaryID: req.stepsId, depth: req.depth, resolver: req.resolver })
    )
      pending = true;
  }
  if (pending) return ctx.nodes[req.sgId] as NodeStatus;
  for (const child of children) {
    if (!child) continue;
    const step = stepOf.get(child.id);
    if ((child.phase === 'Failed' || child.phase === 'Error') && !(step && continuesOn(step, child.phase))) {
      return markPhase(ctx, req.sgId, 'Failed', `child '${child.id}' failed`);
    }
  }
  return markPhase(ctx, req.sgId, 'Succeeded');
}
