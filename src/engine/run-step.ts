/**
 * Shared by steps and DAGs: render a step/task against its scope, expand its loop into child node
 * names `<name>(<i>:<value>)`, evaluate `when`, and run (or skip) each child.
 */
import type { ExecContext } from './context.ts';
import { getNode, initNode } from './context.ts';
import type { Artifact, NodeStatus, Parameter, WorkflowStep } from './types.ts';
import { chainResolvers, markAbsentArgs, substituteDeep, substituteString, type Resolver } from './substitute.ts';
import { isAbsentOptionalError } from './expr/absent.ts';
import { expandLoop, hasLoop, itemResolver, itemSuffix, LoopExpansionError, type LoopSpec } from './loops.ts';
import { shouldExecute } from './expr/govaluate.ts';
import { isExpressionTagError } from './expr/expression-tag.ts';
import { ArtifactReferenceError, resolveArgumentArtifacts } from './artifacts/passing.ts';

/** One child to run. */
export interface StepPlan {
  name: string;
  step: WorkflowStep;
  args: Parameter[] | undefined;
  /** Argument artifacts with their references resolved. */
  artifacts?: Artifact[];
  when: string | undefined;
  /** Rendering failed (an expression tag): the child becomes an Error node with this message. */
  error?: string;
  /**
   * The step's/task's scope before its loop item (Argo substitutes the workflow volumes before the
   * expansion), for the volumes its pod mounts.
   */
  scope?: Resolver;
  /** The child is settled (see {@link planStep}'s `settled`): not rendered, nothing to run. */
  settled?: NodeStatus;
}

/** Children rendered by {@link planStep} (for tests: a settled child is not). */
export const rendered = { count: 0 };

/** The result of planning a step/task. */
export interface StepPlans {
  looped: boolean;
  plans: StepPlan[];
}

function render(step: WorkflowStep, name: string, resolve: Resolver): StepPlan {
  rendered.count++;
  let when: string | undefined;
  try {
    when = step.when !== undefined ? substituteString(step.when, resolve) : undefined;
    return renderOrThrow(step, name, resolve, when);
  } catch (e) {
    if (!isAbsentOptionalError(e) && !isExpressionTagError(e) && !(e instanceof ArtifactReferenceError)) throw e;
    // A step that `when` skips never needs its arguments (Argo's dag-when-expr-skip).
    if (when !== undefined && isFalse(when)) return { name, step, args: undefined, when };
    return { name, step, args: undefined, when: undefined, error: e.message };
  }
}

function isFalse(when: string): boolean {
  try {
    return !shouldExecute(when);
  } catch {
    return false;
  }
}

function renderOrThrow(step: WorkflowStep, name: string, resolve: Resolver, when: string | undefined): StepPlan {
  const params = step.arguments?.parameters;
  const args = params ? substituteDeep(markAbsentArgs(params, resolve), resolve) : undefined;
  const template = step.template !== undefined ? substituteString(step.template, resolve) : undefined;
  const rendered: WorkflowStep = template !== undefined ? { ...step, template } : step;
  const plan: StepPlan = { name, step: rendered, args, when };
  // Skipped steps never need their artifacts (a producer that did not run has none).
  if (step.arguments?.artifacts && !(when !== undefined && isFalse(when)))
    plan.artifacts = resolveArgumentArtifacts(step.arguments.artifacts, resolve);
  return plan;
}

/** Expands a step/task into the children to run. Throws {@link LoopExpansionError}. */
export function planStep(
  step: WorkflowStep,
  baseName: string,
  resolve: Resolver,
  settled?: (name: string) => NodeStatus | undefined,
): StepPlans {
  const loop = loopOf(step, resolve);
  if (!hasLoop(loop)) return { looped: false, plans: [{ ...render(step, baseName, resolve), scope: resolve }] };
  const items = expandLoop(loop);
  const plans = items.map((item, i): StepPlan => {
    const name = `${baseName}${itemSuffix(i, item)}`;
    // A settled child's plan is never read (runPlan would return its node as it is): rendering the
    // arguments of 100,000 finished children on every decide was most of a wide fan-out's decide.
    const done = settled?.(name);
    if (done) return { name, step, args: undefined, when: undefined, settled: done };
    return { ...render(step, name, chainResolvers(itemResolver(item), resolve)), scope: resolve };
  });
  return { looped: true, plans };
}

/** The loop fields, substituted; an absent optional in them fails the expansion (Argo's error). */
function loopOf(step: WorkflowStep, resolve: Resolver): LoopSpec {
  const loop: LoopSpec = {};
  try {
    if (step.withItems !== undefined) loop.withItems = substituteDeep(step.withItems, resolve);
    if (step.withParam !== undefined) loop.withParam = substituteString(step.withParam, resolve);
    if (step.withSequence !== undefined) loop.withSequence = substituteDeep(step.withSequence, resolve);
  } catch (e) {
    if (isAbsentOptionalError(e)) throw new LoopExpansionError(e.message);
    throw e;
  }
  return loop;
}

/** Skips a step/task whose loop could not expand if its `when` is false anyway; else rethrows. */
export function skipIfWhenFalse(step: WorkflowStep, resolve: Resolver, error: LoopExpansionError): string {
  if (step.when !== undefined) {
    const when = substituteString(step.when, resolve);
    try {
      if (!shouldExecute(when)) return `when '${when}' evaluated false`;
    } catch {
      // fall through to the expansion error
    }
  }
  throw error;
}

/** Runs one planned child (or records it as Skipped), under boundary `boundaryID`. */
export function runPlan(ctx: ExecContext, plan: StepPlan, boundaryID: string, depth: number): NodeStatus {
  if (plan.settled) return plan.settled;
  const existing = getNode(ctx, plan.name);
  if (!existing) {
    let run = true;
    try {
      if (plan.error !== undefined) throw new Error(plan.error);
      run = shouldExecute(plan.when);
    } catch (e) {
      return initNode(ctx, {
        name: plan.name,
        type: 'Skipped',
        boundaryID,
        templateName: plan.step.template,
        templateRef: plan.step.templateRef,
        phase: 'Error',
        message: (e as Error).message,
      });
    }
    if (!run) {
      const message = `when '${plan.when ?? ''}' evaluated false`;
      return initNode(ctx, {
        name: plan.name,
        type: 'Skipped',
        boundaryID,
        templateName: plan.step.template,
        templateRef: plan.step.templateRef,
        phase: 'Skipped',
        message,
      });
    }
  }
  return ctx.executeTemplate(ctx, {
    nodeName: plan.name,
    holder: { template: plan.step.template, templateRef: plan.step.templateRef, inline: plan.step.inline },
    args: plan.args,
    artifacts: plan.artifacts,
    boundaryID,
    depth: depth + 1,
    ...(plan.scope ? { callerScope: plan.scope } : {}),
  });
}

/** True when a failed child is tolerated by the step's `continueOn`. */
export function continuesOn(step: WorkflowStep, phase: string | undefined): boolean {
  if (phase === 'Failed') return step.continueOn?.failed === true;
  if (phase === 'Error') return step.continueOn?.error === true;
  return false;
}

export { LoopExpansionError };
