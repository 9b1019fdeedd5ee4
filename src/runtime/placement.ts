/**
 * The placement check handed to `decide`: the clusters module's check — the placement policy first
 * (Deny rules everywhere; the workflow's own namespace of the main cluster, where Argo would run it,
 * needs no Allow rule), then whether a rest-config entry reaches the target. A refused target comes
 * back as a reason string, which the engine turns into a node/workflow Error.
 */
import type { PlacementCheck } from '../engine/contract.ts';
import type { Workflow } from '../engine/types.ts';
import type { ClusterRegistry } from '../ports/kube.ts';
import { checkPlacement, loadPlacementPolicyLazy, type PlacementPolicy } from '../clusters/placement-rules.ts';

/** A policy answer for one target: a reason when refused, `undefined` when allowed. */
export type PolicyCheck = PlacementCheck;

/**
 * Builds the policy check from a policy document (YAML/JSON text or file; empty = default policy).
 * Async because the YAML parser is imported only when there is a document (Lambda cold start).
 */
export async function policyCheck(
  registry: ClusterRegistry,
  source: string | PlacementPolicy,
): Promise<PlacementCheck> {
  const policy = typeof source === 'string' ? await loadPlacementPolicyLazy(source) : source;
  return checkPlacement(policy, registry);
}

/**
 * Builds the per-workflow placement check. The workflow's own place is not let through here: the
 * policy check (`checkPlacement`) exempts it from Allow rules and entries, never from Deny rules.
 */
export function placementFor(check: PlacementCheck): (workflow: Workflow) => PlacementCheck {
  return () => check;
}
