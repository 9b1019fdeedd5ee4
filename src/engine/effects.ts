/**
 * What the engine makes of effects that did not happen: the runtime applied a decision's pod creates
 * and reports those the API server refused or that failed for now (`Snapshot.effects`). A refused
 * create is final for its node: the node ends Error with the server's message, which then counts as
 * an Error attempt for retries and as a failed child for failFast/continueOn, as any Error node does.
 */
import type { EffectResult } from './contract.ts';
import type { ExecContext } from './context.ts';
import { isFulfilled, markPhase } from './context.ts';

/** The node message of a create the API server refused, e.g. `pod create refused by other/ns: …`. */
export function refusedCreateMessage(r: EffectResult): string {
  return `pod create refused by ${r.cluster}/${r.namespace}: ${r.outcome.message}`;
}

/** Applies the outcomes of the previous decision's effects to their nodes, before the walk. */
export function applyEffects(ctx: ExecContext, effects: EffectResult[] | undefined): void {
  for (const r of effects ?? []) {
    const node = ctx.nodes[r.nodeId];
    if (!node || isFulfilled(node)) continue;
    if (r.outcome.kind === 'rejected') markPhase(ctx, r.nodeId, 'Error', refusedCreateMessage(r));
  }
}
