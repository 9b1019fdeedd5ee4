/**
 * The OwnerReferencesPermissionEnforcement admission plugin (on in EKS and most clusters), part of
 * authorization: setting `blockOwnerDeletion` on an ownerReference requires `update` on the owner's
 * `finalizers` subresource. Argosy's main-cluster pods block their Workflow's deletion, so without
 * this check locally a missing `workflows/finalizers` grant would only fail in a real cluster.
 */
import type { Authenticator, Principal } from './rbac.ts';
import type { ResourceRegistry } from './registry.ts';
import { forbidden } from './status.ts';

interface OwnerRef {
  apiVersion?: string;
  kind?: string;
  blockOwnerDeletion?: boolean;
}

/** Throws 403 (kube-apiserver's message) when `principal` may not block the deletion of an owner. */
export function enforceOwnerReferences(
  auth: Authenticator,
  registry: ResourceRegistry,
  principal: Principal,
  target: { group: string; resource: string; namespace?: string; name?: string },
  body: Buffer,
): void {
  if (body.length === 0 || !auth.hasRules(principal)) return;
  // Only a body that names blockOwnerDeletion can need the check: most writes (status PUTs of large
  // workflows) skip a second JSON parse of their body (the handler parses it once more anyway).
  if (!body.includes('blockOwnerDeletion')) return;
  let refs: OwnerRef[];
  try {
    refs = ((JSON.parse(body.toString('utf8')) as { metadata?: { ownerReferences?: OwnerRef[] } }).metadata
      ?.ownerReferences ?? []) as OwnerRef[];
  } catch {
    return; // not JSON: the handler answers that
  }
  for (const ref of refs) {
    if (ref.blockOwnerDeletion !== true) continue;
    const group = ref.apiVersion?.includes('/') ? ref.apiVersion.split('/')[0]! : '';
    const def = registry.all().find((d) => d.group === group && d.kind === ref.kind);
    if (!def) continue; // kube-apiserver cannot map it either and lets it pass
    const a = {
      verb: 'update',
      group,
      resource: def.resource,
      subresource: 'finalizers',
      ...(def.namespaced && target.namespace ? { namespace: target.namespace } : {}),
    };
    if (auth.isAllowed(principal, a)) continue;
    const scope = a.namespace ? `in the namespace "${a.namespace}"` : 'at the cluster scope';
    throw forbidden(
      { resource: target.resource, group: target.group },
      target.name,
      `cannot set blockOwnerDeletion if an ownerReference refers to a resource you can't set finalizers on: User "${principal.name}" cannot update resource "${def.resource}/finalizers" in API group "${group}" ${scope}, <nil>`,
    );
  }
}
