/**
 * The suspend executor: a `Suspend` node, Running until its `duration` (seconds or a Go
 * duration, from the node's startedAt) has elapsed, then Succeeded; without a duration it stays Running
 * until resumed (`resumeWorkflow`). The decide asks to be woken up when the duration ends.
 */
import type { ExecContext } from '../context.ts';
import { initNode, markPhase, mutableNode, setNodeInputs, wakeAt } from '../context.ts';
import type { NodeStatus, Outputs } from '../types.ts';
import { substituteString } from '../substitute.ts';
import type { Dispatch } from '../dispatch.ts';
import { parseArgoDuration } from '../retry/durations.ts';

/** A raw (`valueFrom.supplied`) output parameter without a value or default. */
export class SuspendOutputError extends Error {
  override name = 'SuspendOutputError';
}

/** Argo's `OverrideOutputParametersWithDefault`: supplied parameters take their default. */
export function overrideWithDefaults(outputs: Outputs | undefined): Outputs | undefined {
  if (!outputs?.parameters) return outputs;
  const parameters = outputs.parameters.map((p) => {
    if (!p.valueFrom?.supplied) return p;
    if (p.valueFrom.default === undefined)
      throw new SuspendOutputError(
        `raw output parameter '${p.name}' has not been set and does not have a default value`,
      );
    return { ...p, value: String(p.valueFrom.default) };
  });
  return { ...outputs, parameters };
}

function newSuspendNode(ctx: ExecContext, d: Dispatch): NodeStatus {
  const node = initNode(ctx, {
    name: d.nodeName,
    type: 'Suspend',
    boundaryID: d.boundaryID,
    templateName: d.templateName,
    phase: 'Pending',
  });
  setNodeInputs(node, d.inputs, d.template.inputs?.artifacts);
  // Argo's addRawOutputFields: parameters to be supplied on resume are recorded on the node.
  const raw = (d.template.outputs?.parameters ?? []).filter((p) => p.valueFrom?.supplied !== undefined);
  if (raw.length > 0) node.outputs = { parameters: raw };
  return node;
}

/** Creates or advances a Suspend node. */
export function executeSuspend(ctx: ExecContext, existing: NodeStatus | undefined, d: Dispatch): NodeStatus {
  const node = existing ?? newSuspendNode(ctx, d);
  const raw = d.template.suspend?.duration;
  if (raw !== undefined && raw !== '') {
    let ms: number;
    try {
      ms = parseArgoDuration(typeof raw === 'number' ? raw : substituteString(String(raw), d.scope));
    } catch (e) {
      return markPhase(ctx, node.id, 'Error', (e as Error).message);
    }
    const until = Date.parse(node.startedAt ?? ctx.now) + ms;
    if (ctx.nowDate.getTime() >= until) {
      try {
        const outputs = overrideWithDefaults(node.outputs);
        if (outputs) mutableNode(ctx, node.id).outputs = outputs;
      } catch (e) {
        return markPhase(ctx, node.id, 'Error', (e as Error).message);
      }
      return markPhase(ctx, node.id, 'Succeeded');
    }
    wakeAt(ctx, until);
  }
  return node.phase === 'Running' ? node : markPhase(ctx, node.id, 'Running');
}
