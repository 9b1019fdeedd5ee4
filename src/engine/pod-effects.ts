/**
 * What the engine makes of a pod delete or completed label that did not happen (`Snapshot.effects`
 * of kind `DeletePod`/`LabelPodCompleted`). Neither changes what the workflow computes, so neither
 * fails the reconcile: the pod's node says what went wrong (its phase is kept) and a Warning event is
 * recorded. The actions come again where the engine plans them again: a label on every decide while
 * the pod lacks it, a left-behind pod while it is seen, and a pod still running in a finished workflow
 * until it is gone (too-large.ts) — except after a refusal for good, which retrying cannot fix.
 */
import type { Action, ObservedPod, PodEffect, Snapshot } from './contract.ts';
import type { NodeStatus } from './types.ts';
import { ANNOTATION_NODE_ID } from './labels.ts';

/** Kubernetes event reason when a pod of the workflow could not be deleted. */
export const POD_DELETE_FAILED_REASON = 'WorkflowPodDeleteFailed';
/** Kubernetes event reason when a finished pod could not be labelled completed. */
export const POD_LABEL_FAILED_REASON = 'WorkflowPodLabelFailed';

/** The previous round's failed deletes and labels. */
export function podEffectsOf(snapshot: Snapshot): PodEffect[] {
  return (snapshot.effects ?? []).filter(
    (r): r is PodEffect => r.kind === 'DeletePod' || r.kind === 'LabelPodCompleted',
  );
}

/** What a node says about its pod, e.g. `pod w-1 could not be deleted in other/argo: 403 forbidden`. */
export function podEffectNote(r: PodEffect): string {
  const what = r.kind === 'DeletePod' ? 'deleted' : 'labelled completed';
  const gaveUp = r.outcome.kind === 'rejected' && r.outcome.reason === 'GaveUp';
  const then =
    r.outcome.kind === 'transient'
      ? ' (will be retried)'
      : gaveUp
        ? '; delete it once the cause is fixed'
        : r.kind === 'DeletePod'
          ? ' (refused; delete it once the cause is fixed)'
          : ' (refused)';
  return `pod ${r.name} could not be ${what} in ${r.cluster}/${r.namespace}: ${r.outcome.message}${then}`;
}

/** The node message with the note about pod `name` set (a previous note about that pod replaced). */
export function withPodNote(message: string | undefined, name: string, note: string): string {
  const mark = `pod ${name} could not be `;
  const at = message?.indexOf(mark) ?? -1;
  const base = at >= 0 ? (message as string).slice(0, at).replace(/; $/, '') : message;
  return base ? `${base}; ${note}` : note;
}

export interface PodEffectNotes {
  /** New node messages by node ID. */
  messages: Map<string, string>;
  /** One Warning event per failed action. */
  events: Extract<Action, { kind: 'EmitEvent' }>[];
}

/** Node messages and events for the failed pod actions, given the nodes as they stand. */
export function podEffectNotes(snapshot: Snapshot, nodes: Record<string, NodeStatus>): PodEffectNotes {
  const out: PodEffectNotes = { messages: new Map(), events: [] };
  for (const r of podEffectsOf(snapshot)) {
    const note = podEffectNote(r);
    const id = nodeIdOf(snapshot.pods, r);
    const node = nodes[id];
    if (node) out.messages.set(id, withPodNote(out.messages.get(id) ?? node.message, r.name, note));
    out.events.push({
      kind: 'EmitEvent',
      type: 'Warning',
      reason: r.kind === 'DeletePod' ? POD_DELETE_FAILED_REASON : POD_LABEL_FAILED_REASON,
      message: node ? `${node.name}: ${note}` : note,
    });
  }
  return out;
}

/** Pods whose delete was refused for good in this reconcile: asking again cannot help. */
export function refusedDeletes(snapshot: Snapshot): Set<string> {
  return new Set(
    podEffectsOf(snapshot)
      .filter((r) => r.kind === 'DeletePod' && r.outcome.kind === 'rejected')
      .map((r) => `${r.cluster}/${r.namespace}/${r.name}`),
  );
}

function nodeIdOf(pods: ObservedPod[], r: PodEffect): string {
  const pod = pods.find(
    (p) => p.cluster === r.cluster && p.namespace === r.namespace && p.pod.metadata.name === r.name,
  );
  return pod?.pod.metadata.annotations?.[ANNOTATION_NODE_ID] ?? r.name;
}
