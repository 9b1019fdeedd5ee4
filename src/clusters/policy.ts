/**
 * Placement policy: which workflow namespaces may run pods in which cluster/namespace, so a workflow
 * can never use the controller's credentials to place pods where its namespace is not allowed.
 *
 * A versioned document (`apiVersion: argosy.io/v1alpha1`, `kind: PlacementPolicy`) of Allow and Deny
 * rules with globs. A target is allowed when at least one Allow rule matches and no Deny rule does:
 * **deny wins**, so rule order never matters. The default policy allows a workflow to use its own
 * namespace name in any configured cluster and nothing else.
 */
import { parse as parseYaml } from 'yaml';
import {
  DEFAULT_PLACEMENT_POLICY,
  parsePlacementPolicy,
  placementPolicyText,
  type PlacementPolicy,
} from './placement-rules.ts';

// The rules live in ./placement-rules.ts (no static `yaml` import, for the Lambda bundles).
export {
  checkPlacement,
  DEFAULT_PLACEMENT_POLICY,
  evaluatePlacement,
  globMatch,
  loadPlacementPolicyLazy,
  parsePlacementPolicy,
  placementDenial,
  placementPolicyText,
  PlacementPolicyError,
  WORKFLOW_NAMESPACE,
  type PlacementPolicy,
  type PlacementRule,
  type PlacementVerdict,
} from './placement-rules.ts';

/**
 * Parses a policy from YAML or JSON text, or from a file when `source` is a path ending in
 * `.yaml`/`.yml`/`.json`. Empty = {@link DEFAULT_PLACEMENT_POLICY}.
 *
 * @example
 * const policy = loadPlacementPolicy(config.placementPolicy);
 */
export function loadPlacementPolicy(source: string, readFile?: (path: string) => string): PlacementPolicy {
  const text = placementPolicyText(source, readFile);
  return text === undefined ? DEFAULT_PLACEMENT_POLICY : parsePlacementPolicy(text, (t) => parseYaml(t));
}
