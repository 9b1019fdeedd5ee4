/**
 * What `kubectl apply -k infra/k8s/workflow-rbac` gives workflow pods, for the embedded clusters: the
 * overlay is rendered for namespace `argo` (its kustomization's namespace); each ServiceAccount it binds
 * becomes an identity `system:serviceaccount:<ns>:<sa>` in every namespace the local clusters prepare,
 * with those rules moved to that namespace (as applying the overlay with `-n <ns>` would). The kubelet
 * gives the pod that identity's token: Argo's executor stand-in writes WorkflowTaskResults with it,
 * exactly as far as this RBAC allows (docs/adr/0009-argo-executor-pods.md).
 */
import type { RbacRule } from './apiserver/rbac.ts';
import { serviceAccountSubject } from './apiserver/rbac-objects.ts';
import { installedRules, overlayRbac } from './identities.ts';

const OVERLAY = 'workflow-rbac';
const RENDERED_NS = 'argo';

/** The ServiceAccounts the overlay binds (in its rendered namespace). */
function boundServiceAccounts(): string[] {
  const names = new Set<string>();
  for (const o of overlayRbac(OVERLAY))
    for (const s of o.subjects ?? []) if (s.kind === 'ServiceAccount') names.add(s.name);
  return [...names].sort();
}

/** `[identity name, rules]` for every bound ServiceAccount in `namespace`. */
export function workflowIdentities(namespace: string): [string, RbacRule[]][] {
  return boundServiceAccounts().map((sa) => {
    const rules = installedRules(OVERLAY, serviceAccountSubject(RENDERED_NS, sa)).map((r) =>
      r.namespaces ? { ...r, namespaces: [namespace] } : r,
    );
    return [serviceAccountSubject(namespace, sa).user, rules];
  });
}
