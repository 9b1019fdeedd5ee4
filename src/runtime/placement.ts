/**
 * The placement check handed to `decide`: a workflow may always use its own namespace of the main
 * cluster; anything else must be reachable through a rest-config entry (registry) and allowed by the
 * placement policy, when one is supplied. Returns a reason string when a target is refused.
 */
import type { PlacementCheck, PlacementTarget } from '../engine/contract.ts';
import type { Workflow } from '../engine/types.ts';
import type { ClusterRegistry } from '../ports/kube.ts';

/** A policy answer for one target: a reason when refused, `undefined` when allowed. */
export type PolicyCheck = (target: PlacementTarget) => string | undefined;

/** Builds the per-workflow placement check from the registry and an optional policy. */
export function placementFor(registry: ClusterRegistry, policy?: PolicyCheck): (workflow: Workflow) => PlacementCheck {
  return (workflow) => (target) => {
    const own = target.cluster === registry.mainCluster && target.namespace === workflow.metadata.namespace;
    if (own) return undefined;
    const refused = policy?.(target);
    if (refused) return refused;
    const known = registry.describeTarget(target.cluster, target.namespace);
    return 'error' in known ? known.error : undefined;
  };
}
