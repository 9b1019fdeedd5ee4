/**
 * One step group (Argo's `executeStepGroup`): run every (expanded) step, then, once all children are
 * fulfilled, fail the group on the first child that failed without `continueOn`.
 */
import type { ExecContext } from '../context.ts';
import { addChild, getNode, initNode, isFulfilled, markPhase } from '../context.ts';
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
      const skipped =
        getNode(ctx, baseName) ??
        initNode(ctx, {
          name: baseName,
          type: 'Skipped',
          boundaryID: req.stepsId,
          templateName: step.template,
          templateRef: step.templateRef,
          phase: 'Skipped',
          message,
        });
      addChild(ctx, req.sgId, skipped.id);
      stepOf.set(skipped.id, step);
      continue;
    }
    if (planned.looped && planned.plans.length === 0) {
      const skipped =
        getNode(ctx, baseName) ??
        initNode(ctx, {
          name: baseName,
          type: 'Skipped',
          boundaryID: req.stepsId,
          templateName: step.template,
          templateRef: step.templateRef,
          phase: 'Skipped',
          message: 'Skipped, empty params',
        });
      addChild(ctx, req.sgId, skipped.id);
      stepOf.set(skipped.id, step);
      continue;
    }
    for (const plan of planned.plans) {
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
  const children = (ctx.nodes[req.sgId]?.children ?? []).map((c) => ctx.nodes[c]);
  if (isFulfilled(ctx.nodes[req.sgId])) return ctx.nodes[req.sgId] as NodeStatus;
  // Each completed child's exit handler runs before the group may finish (Argo's executeStepGroup).
  let pending = waiting;
  for (const child of children) {
    const step = child && stepOf.get(child.id);
    if (child && step && hasLifecycleHooks(step.hooks)) {
      const resolver = withOwnStatus(req.resolver, 'steps', child.displayName ?? step.name, child);
      const h = runLifecycleHooks(ctx, {
        hooks: step.hooks,
        parent: child,
        resolver,
        boundaryID: req.stepsId,
        depth: req.depth,
      });
      if (h.error) return markPhase(ctx, req.sgId, 'Error', h.error);
      if (h.pending) {
        pending = true;
        continue;
      }
    }
    if (!child || !isFulfilled(child)) pending = true;
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
