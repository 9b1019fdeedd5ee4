/**
 * The workflow's exit handler: once the entry node is fulfilled, `{{workflow.status}}` and
 * `{{workflow.failures}}` are set and `spec.onExit` / `spec.hooks.exit` runs as node `<wf>.onExit`; the
 * workflow completes when that node is fulfilled, with Argo's phase rules.
 */
import type { ExecContext } from '../context.ts';
import { getNode, isFulfilled } from '../context.ts';
import type { NodeStatus, WorkflowPhase } from '../types.ts';
import { chainResolvers, mapResolver, substituteDeep } from '../substitute.ts';
import { podName } from '../names.ts';
import { asExitHandler, exitHookOf, exitNodeName, shouldRunHook } from './run-exit.ts';

/** The workflow phase a fulfilled root node gives (Skipped/Omitted count as Succeeded). */
export function phaseOfRoot(root: NodeStatus): WorkflowPhase {
  if (root.phase === 'Failed' || root.phase === 'Error') return root.phase;
  if (root.phase === 'Pending' || root.phase === 'Running') return root.phase;
  return 'Succeeded';
}

/** Go's json.Marshal escapes HTML characters and the JS line separators. */
function goJson(value: unknown): string {
  return JSON.stringify(value).replace(
    /[<>&\u2028\u2029]/g,
    (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`,
  );
}

/**
 * `{{workflow.failures}}`: the Failed/Error nodes as Argo lists them, JSON then Go-quoted
 * (`strconv.Quote`), exactly the string Argo substitutes.
 */
export function workflowFailures(ctx: ExecContext): string {
  const failures: Record<string, unknown>[] = [];
  for (const id in ctx.nodes) {
    const n = ctx.nodes[id] as NodeStatus;
    if (n.phase !== 'Failed' && n.phase !== 'Error') continue;
    const templateName = n.templateRef?.template ?? n.templateName ?? '';
    failures.push({
      displayName: n.displayName ?? '',
      message: n.message ?? '',
      templateName,
      phase: n.phase,
      podName: podName(ctx.wfName, n.name, templateName, ctx.podNameFormat),
      finishedAt: n.finishedAt ?? null,
    });
  }
  return JSON.stringify(goJson(failures.length > 0 ? failures : null));
}

/** `{{workflow.duration}}`: seconds since the workflow started, printed like Go's `%f`. */
export function workflowDuration(ctx: ExecContext): string {
  const started = ctx.wf.status?.startedAt ?? ctx.now;
  return ((ctx.nowDate.getTime() - Date.parse(started)) / 1000).toFixed(6);
}

/** Runs the workflow's exit handler once the root is fulfilled; returns its node (if any). */
export function runWorkflowExit(ctx: ExecContext, root: NodeStatus): NodeStatus | undefined {
  const hook = exitHookOf(ctx.wf.spec, ctx.wf);
  if (!hook || !isFulfilled(root)) return undefined;
  const name = exitNodeName(ctx.wfName);
  const existing = getNode(ctx, name);
  if (existing && isFulfilled(existing)) return existing;
  ctx.globals['workflow.status'] = phaseOfRoot(root);
  ctx.globals['workflow.failures'] = workflowFailures(ctx);
  if (!existing && !shouldRunHook(hook, mapResolver(ctx.globals))) return undefined;
  const params = hook.arguments?.parameters;
  const args = params ? substituteDeep(params, chainResolvers(mapResolver(ctx.globals))) : undefined;
  return asExitHandler(ctx, () =>
    ctx.executeTemplate(ctx, {
      nodeName: name,
      holder: { template: hook.template, templateRef: hook.templateRef },
      args,
      depth: 0,
      nodeFlag: { hooked: true },
    }),
  );
}

/** Argo's final phase, or undefined while the root or the exit handler still runs. */
export function finalPhase(
  root: NodeStatus,
  exit: NodeStatus | undefined,
  hasExit: boolean,
): { phase: WorkflowPhase; message: string | undefined } | undefined {
  if (!isFulfilled(root)) return undefined;
  if (hasExit && (!exit || !isFulfilled(exit))) return undefined;
  const phase = phaseOfRoot(root);
  if (phase === 'Succeeded' && exit && (exit.phase === 'Failed' || exit.phase === 'Error'))
    return { phase: exit.phase, message: exit.message };
  return { phase, message: root.message };
}
