/**
 * Template `timeout` and `pendingTimeout` (Argo's checkTemplateTimeouts, workflow/controller/operator.go):
 * both count from the node's start. A node still Pending past either fails with `timeout` and its pod is
 * deleted; a running pod is bounded by `activeDeadlineSeconds` set to what is left of `timeout`, so the
 * kubelet ends it (Argo's pod builder does the same, and refuses a pod with one second or less left).
 */
import type { ExecContext } from '../context.ts';
import { markPhase, wakeAt } from '../context.ts';
import type { ObservedPod } from '../contract.ts';
import type { NodeStatus, Template } from '../types.ts';
import { parseArgoDuration } from '../retry/durations.ts';
import { PodBuildError } from './outputs-wrapper.ts';

/** Argo's ErrTimeout text, the message of a node that timed out while Pending. */
export const TIMEOUT_MESSAGE = 'timeout';

function deadlineOf(node: NodeStatus, value: string | undefined): number | undefined {
  if (value === undefined || value === '' || !node.startedAt) return undefined;
  try {
    return Date.parse(node.startedAt) + parseArgoDuration(value);
  } catch (e) {
    throw new PodBuildError(`invalid timeout format ${(e as Error).message}`, { cause: e });
  }
}

/**
 * Fails a Pending node past its timeout (deleting its pod), or asks to wake up at the next deadline.
 * Returns the failed node, or undefined when the node goes on.
 */
export function checkTemplateTimeouts(
  ctx: ExecContext,
  node: NodeStatus,
  t: Template,
  observed: ObservedPod | undefined,
): NodeStatus | undefined {
  const pending = node.phase === 'Pending';
  let deadlines: (number | undefined)[];
  try {
    deadlines = [deadlineOf(node, t.timeout), pending ? deadlineOf(node, t.pendingTimeout) : undefined];
  } catch (e) {
    return markPhase(ctx, node.id, 'Error', (e as Error).message);
  }
  const now = ctx.nowDate.getTime();
  for (const d of deadlines) {
    if (d === undefined) continue;
    if (pending && now > d) {
      const name = observed?.pod.metadata.name;
      const phase = observed?.pod.status?.phase;
      if (observed && name && phase !== 'Succeeded' && phase !== 'Failed')
        ctx.actions.push({
          kind: 'DeletePod',
          cluster: observed.cluster,
          namespace: observed.namespace,
          name,
          reason: TIMEOUT_MESSAGE,
        });
      return markPhase(ctx, node.id, 'Failed', TIMEOUT_MESSAGE);
    }
    if (now < d) wakeAt(ctx, d);
  }
  return undefined;
}

/**
 * The pod's activeDeadlineSeconds: what is left of the template's timeout. Argo's pod builder replaces
 * any other deadline with it (its comparison holds whenever time is left), and so does this.
 */
export function boundByTimeout(ctx: ExecContext, node: NodeStatus, t: Template): number | undefined {
  const d = deadlineOf(node, t.timeout);
  if (d === undefined) return undefined;
  const left = Math.trunc((d - ctx.nowDate.getTime()) / 1000);
  if (left <= 1) throw new PodBuildError(`${node.name} exceeded its deadline`);
  return left;
}
