/**
 * The executor of container-set templates, as Argo's controller runs them
 * (workflow/controller/container_set_template.go `executeContainerSet`, operator.go `podReconciliation`):
 * the template's node is a Pod node whose pod carries every member; once the pod exists, each member gets
 * a Container node `<node>.<member>` under it (boundary: the pod node), hung off the pod node when it has
 * no dependencies and off its dependencies' nodes otherwise; each Container node follows its container's
 * state. Running the members in dependency order is the executor's work (emissary), not the controller's.
 */
import type { ExecContext } from '../context.ts';
import { addChild, getNode, initNode, isFulfilled, markPhase } from '../context.ts';
import type { KubeContainerStatus, ObservedPod } from '../contract.ts';
import type { NodePhase, NodeStatus, Template } from '../types.ts';
import { executePod, type PodRequest } from './execute-pod.ts';

/** Emissary's own failure (not the command's), which Argo reports as Error. */
const EMISSARY_FAILED = 64;

/** Creates or advances a container-set node: its pod (as any pod node), then its Container nodes. */
export function executeContainerSet(ctx: ExecContext, existing: NodeStatus | undefined, req: PodRequest): NodeStatus {
  const node = executePod(ctx, existing, req);
  const observed = ctx.podsByNodeId.get(node.id);
  // Argo completes the graph only once the pod was created, so a refused pod has no Container nodes.
  if (observed) ensureContainerNodes(ctx, node, req);
  followContainers(ctx, node, req.template, observed);
  return ctx.nodes[node.id] as NodeStatus;
}

/** The Container nodes and their edges (once: `addChild` keeps children unique). */
function ensureContainerNodes(ctx: ExecContext, node: NodeStatus, req: PodRequest): void {
  const members = req.template.containerSet?.containers ?? [];
  for (const m of members) {
    if (getNode(ctx, `${node.name}.${m.name}`)) continue;
    initNode(ctx, {
      name: `${node.name}.${m.name}`,
      type: 'Container',
      boundaryID: node.id,
      ...(node.templateRef ? { templateRef: node.templateRef } : { templateName: node.templateName ?? '' }),
      phase: 'Pending',
    });
  }
  for (const m of members) {
    const id = (getNode(ctx, `${node.name}.${m.name}`) as NodeStatus).id;
    const deps = m.dependencies ?? [];
    if (deps.length === 0) addChild(ctx, node.id, id);
    for (const d of deps) {
      const dep = getNode(ctx, `${node.name}.${d}`);
      if (dep) addChild(ctx, dep.id, id);
    }
  }
}

/** What a container's state says about its node (Argo's `podReconciliation`), or undefined for no change. */
function containerPhase(
  status: KubeContainerStatus | undefined,
  podPhase: string | undefined,
): { phase: NodePhase; message?: string } | undefined {
  const t = status?.state?.terminated;
  if (t) {
    if (t.exitCode === 0) return { phase: 'Succeeded' };
    const message = `${status.name}: ${t.reason ?? ''} (exit code ${t.exitCode}): ${t.message ?? ''}`;
    return { phase: t.exitCode === EMISSARY_FAILED ? 'Error' : 'Failed', message };
  }
  if (podPhase === 'Failed') return { phase: 'Failed', message: 'Pod Failed whilst container running' };
  if (status?.state?.waiting) return { phase: 'Pending' };
  if (status?.state?.running) return { phase: 'Running' };
  return undefined;
}

/**
 * What ends an unfinished Container node whose pod node ended without its pod finishing: the pod is gone
 * (Argo's `markAllContainersDeleted`: Error `container deleted`), or it was stopped (shutdown, deadline:
 * Argo's `handleExecutionControlError` fails the children with the pod node's message).
 */
function stoppedPhase(podNode: NodeStatus, observed: ObservedPod | undefined): { phase: NodePhase; message: string } {
  if (!observed) return { phase: 'Error', message: 'container deleted' };
  return { phase: 'Failed', message: podNode.message ?? '' };
}

/** Keeps each unfinished Container node in step with its container, or ends it with its pod node. */
function followContainers(ctx: ExecContext, node: NodeStatus, t: Template, observed: ObservedPod | undefined): void {
  const podNode = ctx.nodes[node.id] as NodeStatus;
  const podPhase = observed?.pod.status?.phase;
  const podEnded = podPhase === 'Succeeded' || podPhase === 'Failed';
  for (const m of t.containerSet?.containers ?? []) {
    const child = getNode(ctx, `${node.name}.${m.name}`);
    if (!child || isFulfilled(child)) continue;
    if (isFulfilled(podNode) && !podEnded) {
      const end = stoppedPhase(podNode, observed);
      markPhase(ctx, child.id, end.phase, end.message);
      continue;
    }
    if (!observed) continue;
    const status = observed.pod.status?.containerStatuses?.find((c) => c.name === m.name);
    const next = containerPhase(status, podPhase);
    if (next && (next.phase !== child.phase || (next.message ?? child.message) !== child.message))
      markPhase(ctx, child.id, next.phase, next.message);
  }
}
