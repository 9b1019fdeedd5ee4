/**
 * The effect bookkeeping of one decide (effects.ts fills and reads it), in its own module so the
 * decide context (context.ts) can hold it without importing the code that uses the context.
 */
import type { ActionOutcome, PlaceProblem } from './contract.ts';
import type { EffectRetry } from './types.ts';

/** The effects one decide works with. */
export interface EffectState {
  /** Creates of the previous round that failed for now: node ID → the outcome (why, and whether a quota). */
  transient: Map<string, Extract<ActionOutcome, { kind: 'transient' }>>;
  /** Places whose pods could not be listed: `cluster/namespace` → problem. */
  unobserved: Map<string, PlaceProblem>;
  /** Waits carried over from the stored status. */
  retries: Record<string, EffectRetry>;
  /** Waits still going on after this decide. */
  next: Record<string, EffectRetry>;
}
