/**
 * Keeps the controller's credentials away from workflows. Secret `rest-config` (kubernetes store)
 * holds a bearer token for every configured cluster; any pod in its namespace could mount it with
 * `secretKeyRef` and print them. So the controller's namespace of the main cluster is never a place
 * for workflow pods — refused at `argosy submit` and by the placement check on every pod create,
 * whatever the placement policy says (docs/deploy.md, "Namespace layout").
 */
import type { PlacementCheck } from '../engine/contract.ts';
import type { Workflow } from '../engine/types.ts';

/** Where the controller keeps its credentials. */
export interface StoreLocation {
  /** The main cluster's name. */
  cluster: string;
  /** The controller namespace (`ARGOSY_NAMESPACE`). */
  namespace: string;
  /** The Secret's name (`ARGOSY_SECRET_NAME`). */
  secretName: string;
}

/** The refusal for pods in (cluster, namespace), or `undefined` when it is not the store's namespace. */
export function storeNamespaceDenial(store: StoreLocation, cluster: string, namespace: string): string | undefined {
  if (cluster !== store.cluster || namespace !== store.namespace) return undefined;
  return (
    `placement denied: namespace "${namespace}" of cluster "${cluster}" holds Argosy's credentials ` +
    `(Secret "${store.secretName}"); no workflow may run pods there — submit it to another namespace`
  );
}

/** A placement check that refuses the store's namespace before consulting `check`. */
export function guardStore(check: PlacementCheck, store: StoreLocation): PlacementCheck {
  return (target) => storeNamespaceDenial(store, target.cluster, target.namespace) ?? check(target);
}

/**
 * What `argosy submit` refuses before creating anything: submitting into the store's namespace, or a
 * template placed there literally (templated places are refused by the controller when resolved).
 */
export function workflowStoreRefusals(wf: Workflow, store: StoreLocation, namespace: string): string[] {
  const out: string[] = [];
  const own = storeNamespaceDenial(store, store.cluster, namespace);
  if (own) out.push(own);
  for (const [i, t] of (wf.spec.templates ?? []).entries()) {
    const cluster = t.clusterName || store.cluster;
    const denied = storeNamespaceDenial(store, cluster, t.namespace || namespace);
    if (denied && t.namespace) out.push(`spec.templates[${i}].namespace: ${denied}`);
  }
  return out;
}
