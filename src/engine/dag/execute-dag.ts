/**
 * The executor of DAG templates (Argo's `executeDAG`/`executeDAGTask`): tasks start once every
 * dependency is fulfilled and their `depends` holds; false ⇒ Omitted, `when` false ⇒ Skipped; looped
 * tasks get a TaskGroup parent. Walks tasks in topological order, once each, so a decide is linear.
 */
import type { ExecContext } from '../context.ts';
import {
  addChild,
  getNode,
  initNode,
  isCompleted,
  isDone,
  isFulfilled,
  markPhase,
  mutableNode,
  outboundNodes,
  taskNodeId,
} from '../context.ts';
import type { DAGTask, NodePhase, NodeStatus, Template } from '../types.ts';
import { chainResolvers, substituteString, type Resolver } from '../substitute.ts';
import { siblingResolver } from '../scope.ts';
import { evaluateDepends, type TaskResults } from '../expr/depends.ts';
import { LoopExpansionError, planStep, runPlan, skipIfWhenFalse, type StepPlans } from '../run-step.ts';
import { aggregateTemplateOutputs } from '../outputs.ts';
import { nodeTemplate } from '../template.ts';
import { indexDag, type DagIndex } from './dag-index.ts';
import { isPodNodeSteady } from '../pod/execute-pod.ts';
import { assessDag } from './assess-dag.ts';
import { isDeferred } from '../parallelism.ts';
import { exitNodeName, isExitPending } from '../exit/run-exit.ts';
import { allHooksFulfilled, hasLifecycleHooks, runLifecycleHooks, withOwnStatus } from '../exit/lifecycle-hooks.ts';

interface DagRun {
  ctx: ExecContext;
  dag: NodeStatus;
  idx: DagIndex;
  resolver: Resolver;
  depth: number;
  /** Some task's exit handler (or a not-yet-created task) keeps the DAG running. */
  pending: boolean;
}

/** The node of a task, through a per-run name → ID cache (no string building per lookup). */
function taskNode(run: DagRun, name: string): NodeStatus | undefined {
  return run.ctx.nodes[taskNodeId(run.ctx, run.dag, run.idx.indexOf(name), name)];
}

function tasksResolver(ctx: ExecContext, dagName: string): Resolver {
  return siblingResolver(
    'tasks',
    (name) => {
      const node = getNode(ctx, `${dagName}.${name}`);
      if (!node) return undefined;
      if (node.type !== 'TaskGroup') return { node };
      return { node, items: (node.children ?? []).map((c) => ctx.nodes[c]).filter((n): n is NodeStatus => !!n) };
    },
    (n) => nodeTemplate(ctx, n),
  );
}

function results(run: DagRun, name: string): TaskResults {
  const node = taskNode(run, name);
  const task = run.idx.task(name);
  const r: TaskResults = { phase: node?.phase, daemoned: node?.daemoned === true };
  if (task?.continueOn?.failed) r.continueOnFailed = true;
  if (task?.continueOn?.error) r.continueOnError = true;
  if (node?.type === 'TaskGroup') {
    const kids = (node.children ?? []).map((c) => run.ctx.nodes[c]);
    r.anySucceeded = kids.some((k) => k?.phase === 'Succeeded');
    r.allFailed = kids.length > 0 && kids.every((k) => k?.phase === 'Failed');
  }
  return r;
}

/** Hangs a new task node under the DAG (root task) or under its dependencies' outbound nodes. */
function connect(run: DagRun, task: DAGTask, id: string): void {
  const deps = run.idx.deps(task.name);
  if (deps.length === 0) {
    addChild(run.ctx, run.dag.id, id);
    return;
  }
  for (const d of deps) {
    const dn = taskNode(run, d);
    if (dn) for (const out of outboundNodes(run.ctx, dn.id)) addChild(run.ctx, out, id);
  }
}

function skip(run: DagRun, task: DAGTask, phase: 'Skipped' | 'Omitted' | 'Error', message: string): void {
  const name = `${run.dag.name}.${task.name}`;
  const node = initNode(run.ctx, {
    name,
    type: 'Skipped',
    boundaryID: run.dag.id,
    templateName: task.template,
    templateRef: task.templateRef,
    phase,
    message,
  });
  connect(run, task, node.id);
}

/** Checks dependencies and `depends`; returns true when the task may (still) run. */
function mayRun(run: DagRun, task: DAGTask, existing: NodeStatus | undefined): boolean {
  const deps = run.idx.deps(task.name);
  for (const d of deps) if (!isDone(taskNode(run, d)) || !exitDone(run, d)) return false;
  if (existing) return true;
  const expr = run.idx.exprOf(task.name);
  if (expr instanceof Error) {
    skip(run, task, 'Error', expr.message);
    return false;
  }
  if (expr && !evaluateDepends(expr, (n) => results(run, n))) {
    skip(run, task, 'Omitted', 'omitted: depends condition not met');
    return false;
  }
  return true;
}

/** Argo's `CheckAllHooksFullfilled` for the exit hook: a dependency's handler must be done first. */
function exitDone(run: DagRun, name: string): boolean {
  const task = run.idx.task(name);
  if (!task || (!task.onExit && !task.hooks)) return true;
  const node = taskNode(run, name);
  if (node && !allHooksFulfilled(run.ctx, node)) return false;
  if (!task.onExit && !task.hooks?.exit) return true;
  if (!node || !isCompleted(node) || node.type === 'TaskGroup') return true;
  return isFulfilled(getNode(run.ctx, exitNodeName(node.name)));
}

/** Runs the exit handler of a completed task node; marks the run pending while it runs. */
function runTaskExit(run: DagRun, task: DAGTask, node: NodeStatus): boolean {
  const pending = isExitPending(run.ctx, task, node, {
    boundaryID: run.dag.id,
    depth: run.depth,
    resolver: run.resolver,
  });
  if (pending) run.pending = true;
  return pending;
}

/** The task's non-exit hooks (Argo's executeDAGTask); true while one runs or when one errored. */
function runTaskHooks(run: DagRun, task: DAGTask, node: NodeStatus): boolean {
  const resolver = withOwnStatus(run.resolver, 'tasks', task.name, node);
  const h = runLifecycleHooks(run.ctx, {
    hooks: task.hooks,
    parent: node,
    resolver,
    boundaryID: run.dag.id,
    depth: run.depth,
  });
  if (h.error) markPhase(run.ctx, node.id, 'Error', h.error);
  if (h.pending) run.pending = true;
  return h.pending || h.error !== undefined;
}

/**
 * Advances a task, then (Argo's executeDAGTask order) its lifecycle hooks once it runs or is done, then
 * its exit handler once it is done and no hook runs. Hooks look at the phase reached in this pass, as
 * Argo's look at pods assessed before its walk.
 */
function executeTask(run: DagRun, task: DAGTask): void {
  advanceTask(run, task);
  const node = taskNode(run, task.name);
  if (!node) return;
  const live = isFulfilled(node) || node.phase === 'Running';
  if (live && hasLifecycleHooks(task.hooks) && runTaskHooks(run, task, node)) return;
  const now = run.ctx.nodes[node.id] as NodeStatus;
  if (isFulfilled(now) && now.type !== 'TaskGroup') runTaskExit(run, task, now);
}

function advanceTask(run: DagRun, task: DAGTask): void {
  const { ctx } = run;
  const existing = taskNode(run, task.name);
  if (isFulfilled(existing)) return;
  if ((existing && isPodNodeSteady(ctx, existing)) || !mayRun(run, task, existing)) return;
  const name = `${run.dag.name}.${task.name}`;
  let planned: StepPlans;
  try {
    planned = planStep(task, name, run.resolver, (child) => settledChild(ctx, child));
  } catch (e) {
    if (!(e instanceof LoopExpansionError)) throw e;
    let message: string;
    try {
      message = skipIfWhenFalse(task, run.resolver, e);
    } catch {
      if (!existing) skip(run, task, 'Error', e.message);
      return;
    }
    if (!existing) skip(run, task, 'Skipped', message);
    return;
  }
  if (!planned.looped) {
    const node = runPlan(ctx, planned.plans[0] as (typeof planned.plans)[0], run.dag.id, run.depth);
    if (isDeferred(ctx, node)) run.pending = true;
    else if (!existing) connect(run, task, node.id);
    return;
  }
  if (planned.plans.length === 0) {
    if (!existing) skip(run, task, 'Skipped', 'Skipped, empty params');
    return;
  }
  let group = existing;
  if (!group) {
    group = initNode(ctx, {
      name,
      type: 'TaskGroup',
      boundaryID: run.dag.id,
      templateName: task.template,
      templateRef: task.templateRef,
      phase: 'Running',
    });
    connect(run, task, group.id);
  }
  let waiting = false;
  for (const plan of planned.plans) {
    const child = runPlan(ctx, plan, run.dag.id, run.depth);
    if (isDeferred(ctx, child)) waiting = true;
    else addChild(ctx, group.id, child.id);
    if (isFulfilled(ctx.nodes[child.id]) && runTaskExit(run, task, ctx.nodes[child.id] as NodeStatus)) waiting = true;
  }
  const kids = (ctx.nodes[group.id]?.children ?? []).map((c) => ctx.nodes[c]);
  if (waiting || kids.some((k) => !isFulfilled(k))) return;
  // Argo: the last failed/errored child decides the TaskGroup's phase.
  let phase: NodePhase = 'Succeeded';
  for (const k of kids) if (k?.phase === 'Failed' || k?.phase === 'Error') phase = k.phase;
  markPhase(ctx, group.id, phase);
}

/**
 * A loop child whose node is finished both now and in the stored status: running its plan would only
 * return the node (executeTemplate's fulfilled case, whose end metrics were taken when it finished).
 */
function settledChild(ctx: ExecContext, name: string): NodeStatus | undefined {
  const node = getNode(ctx, name);
  if (!node || !isFulfilled(node) || !isFulfilled(ctx.wf.status?.nodes?.[node.id])) return undefined;
  return node;
}

/** Indexes are pure functions of (template object, target), so they are shared between decides. */
const indexes = new WeakMap<Template, Map<string, DagIndex>>();

function dagIndexOf(t: Template, target: string | undefined): DagIndex {
  let byTarget = indexes.get(t);
  if (!byTarget) {
    byTarget = new Map();
    indexes.set(t, byTarget);
  }
  const key = target ?? '';
  let idx = byTarget.get(key);
  if (!idx) {
    idx = indexDag(target === t.dag?.target ? t : { ...t, dag: { tasks: t.dag?.tasks ?? [], ...t.dag, target } });
    byTarget.set(key, idx);
  }
  return idx;
}

/** Runs or advances a DAG node. */
export function executeDag(ctx: ExecContext, dagId: string, t: Template, scope: Resolver, depth: number): void {
  const dag = ctx.nodes[dagId] as NodeStatus;
  if (isFulfilled(dag)) return;
  const idx = dagIndexOf(t, t.dag?.target !== undefined ? substituteString(t.dag.target, scope) : undefined);
  const resolver = chainResolvers(tasksResolver(ctx, dag.name), scope);
  const run: DagRun = { ctx, dag, idx, resolver, depth, pending: false };
  for (const task of idx.order) executeTask(run, task);
  if (isFulfilled(ctx.nodes[dagId])) return; // template failFast finished it
  const phase = run.pending ? 'Running' : assessDag(ctx, dag, idx, t.dag?.failFast !== false);
  if (phase === 'Running') return;
  const node = mutableNode(ctx, dagId);
  const outbound = idx.targets.flatMap((name) => {
    const tn = taskNode(run, name);
    return tn ? outboundNodes(ctx, tn.id) : [];
  });
  if (outbound.length > 0) node.outboundNodes = outbound;
  if (phase === 'Succeeded') {
    const outputs = aggregateTemplateOutputs(t, resolver, ctx);
    if (outputs) node.outputs = outputs;
  }
  markPhase(ctx, dagId, phase);
}
