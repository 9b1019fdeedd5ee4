/**
 * Authorization from RBAC objects: the rules a subject gets from ClusterRoles, Roles and their
 * bindings, as kube-apiserver's RBAC authorizer evaluates them (a ClusterRoleBinding grants its
 * ClusterRole everywhere, a RoleBinding grants its Role or ClusterRole in the binding's namespace;
 * subjects match by user, group or ServiceAccount). Local mode renders the overlays in infra/k8s and
 * gives each deployed identity exactly these rules, so a verb the code calls but the manifests do
 * not grant fails locally with the API server's own Forbidden message.
 */
import type { RbacRule } from './rbac.ts';

export interface RbacObject {
  kind: string;
  metadata: { name: string; namespace?: string };
  rules?: PolicyRule[];
  roleRef?: { kind: string; name: string };
  subjects?: { kind: string; name: string; namespace?: string }[];
}

interface PolicyRule {
  apiGroups?: string[];
  resources?: string[];
  verbs: string[];
  resourceNames?: string[];
  nonResourceURLs?: string[];
}

/** Who is asking: a user name and its groups (as the authenticator reports them). */
export interface Subject {
  user: string;
  groups: string[];
}

/** The subject a ServiceAccount authenticates as (its token's user and groups). */
export function serviceAccountSubject(namespace: string, name: string): Subject {
  return {
    user: `system:serviceaccount:${namespace}:${name}`,
    groups: ['system:serviceaccounts', `system:serviceaccounts:${namespace}`, 'system:authenticated'],
  };
}

/** What every authenticated user may do on a real cluster (ClusterRole system:basic-user). */
export const BASIC_USER_RULES: RbacRule[] = [
  {
    verbs: ['create'],
    apiGroups: ['authorization.k8s.io'],
    resources: ['selfsubjectaccessreviews', 'selfsubjectrulesreviews'],
  },
  { verbs: ['create'], apiGroups: ['authentication.k8s.io'], resources: ['selfsubjectreviews'] },
];

function matches(s: { kind: string; name: string; namespace?: string }, who: Subject, bindingNs?: string): boolean {
  if (s.kind === 'User') return s.name === who.user;
  if (s.kind === 'Group') return who.groups.includes(s.name);
  if (s.kind === 'ServiceAccount') {
    return who.user === `system:serviceaccount:${s.namespace ?? bindingNs ?? ''}:${s.name}`;
  }
  return false;
}

function toRules(rules: PolicyRule[], namespace: string | undefined): RbacRule[] {
  return rules
    .filter((r) => !r.nonResourceURLs)
    .map((r) => ({
      verbs: [...r.verbs],
      resources: [...(r.resources ?? [])],
      apiGroups: [...(r.apiGroups ?? [])],
      ...(r.resourceNames ? { resourceNames: [...r.resourceNames] } : {}),
      ...(namespace ? { namespaces: [namespace] } : {}),
    }));
}

/**
 * The rules `who` gets from `objects` (plus basic-user rules). Throws when a binding refers to a role
 * that is not among them: a dangling roleRef grants nothing in a cluster, which is a deploy bug here.
 */
export function rulesForSubject(objects: RbacObject[], who: Subject): RbacRule[] {
  const role = (kind: string, name: string, ns?: string) =>
    objects.find(
      (o) => o.kind === kind && o.metadata.name === name && (kind === 'ClusterRole' || o.metadata.namespace === ns),
    );
  const out: RbacRule[] = [...BASIC_USER_RULES];
  for (const b of objects) {
    if (b.kind !== 'ClusterRoleBinding' && b.kind !== 'RoleBinding') continue;
    const ns = b.kind === 'RoleBinding' ? b.metadata.namespace : undefined;
    if (!(b.subjects ?? []).some((s) => matches(s, who, ns))) continue;
    const ref = b.roleRef!;
    const r = role(ref.kind, ref.name, ns);
    if (!r) throw new Error(`${b.kind} ${b.metadata.name} refers to ${ref.kind} ${ref.name}, which is not installed`);
    out.push(...toRules(r.rules ?? [], ns));
  }
  return out;
}
