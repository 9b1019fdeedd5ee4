/**
 * The HTTP bookkeeping of one decide (task-sets.ts fills and reads it), in its own module so the decide
 * context (context.ts) can hold it without importing the code that uses the context.
 */
import type { ObservedPod, ObservedTaskSet } from '../contract.ts';
import type { Template } from '../types.ts';

/** A place (cluster and namespace) that runs HTTP nodes. */
export interface AgentPlace {
  cluster: string;
  namespace: string;
}

/** What one decide knows and plans about HTTP nodes. */
export interface HttpState {
  taskSets: Map<string, ObservedTaskSet>;
  agents: Map<string, ObservedPod>;
  /** Tasks handed out during this decide, per place. */
  pending: Map<string, { place: AgentPlace; tasks: Record<string, Template> }>;
}
