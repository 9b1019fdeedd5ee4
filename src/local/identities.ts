/**
 * The identities of a deployment and the RBAC infra/k8s gives them, rendered from the same kustomize
 * overlays a deployment applies: local mode's functions, watcher and remote-cluster credentials run
 * with exactly these rules, so local runs fail where a deployed Argosy would be refused.
 */
import type { RbacRule } from './apiserver/rbac.ts';
import { rulesForSubject, serviceAccountSubject, type RbacObject, type Subject } from './apiserver/rbac-objects.ts';
import { assetDir } from './assets.ts';
import { renderKustomization } from './kustomize.ts';
import { join } from 'node:path';

/** infra/k8s beside the sources, or assets/k8s beside a bundle. */
export const K8S_DIR = assetDir(import.meta.url, '../../infra/k8s', 'k8s');

/** The reconcile and resync functions: an EKS access entry maps their roles to group argosy-controller. */
export const FUNCTIONS_SUBJECT: Subject = {
  user: 'argosy-functions',
  groups: ['argosy-controller', 'system:authenticated'],
};

/** The watcher's ServiceAccount in the main cluster (infra/k8s/base). */
export const WATCHER_SUBJECT = serviceAccountSubject('argosy-system', 'argosy-watcher');

/** Argosy's ServiceAccount in another cluster (infra/k8s/remote-cluster), whose token an entry carries. */
export const REMOTE_SUBJECT = serviceAccountSubject('argosy', 'argosy');

const rendered = new Map<string, RbacObject[]>();

/** The RBAC objects an overlay of infra/k8s installs (rendered once per process). */
export function overlayRbac(overlay: string): RbacObject[] {
  let objs = rendered.get(overlay);
  if (!objs) {
    objs = renderKustomization(join(K8S_DIR, overlay)).filter((o) => /Role(Binding)?$/.test(o.kind)) as RbacObject[];
    rendered.set(overlay, objs);
  }
  return objs;
}

/** The rules `who` gets from `overlay`. */
export function installedRules(overlay: string, who: Subject): RbacRule[] {
  return rulesForSubject(overlayRbac(overlay), who);
}

/** The main-cluster overlay a configuration corresponds to (namespaced install or cluster-wide). */
export function mainOverlay(managedNamespace: string | undefined): string {
  if (!managedNamespace) return 'cluster-wide';
  if (managedNamespace !== 'argo') {
    throw new Error(
      `local mode installs infra/k8s/namespaced, whose namespace is argo; managedNamespace "${managedNamespace}" is not supported yet`,
    );
  }
  return 'namespaced';
}
