/**
 * The review resources, answered and never stored: SelfSubjectAccessReview (what `kubectl auth
 * can-i` asks), SelfSubjectRulesReview (`can-i --list`), SelfSubjectReview (`kubectl auth whoami`),
 * plus pods/binding (what the scheduler posts).
 */
import type { Authenticator, Principal } from './rbac.ts';
import type { ClusterState } from './objects.ts';
import type { KubeObject } from './resources.ts';
import { ApiError, badRequest, failure } from './status.ts';

export function selfSubjectAccessReview(auth: Authenticator, p: Principal, body: KubeObject): KubeObject {
  const spec = body.spec ?? {};
  let allowed: boolean;
  const ra = spec.resourceAttributes;
  if (ra) {
    allowed = auth.isAllowed(p, {
      verb: ra.verb ?? '',
      group: ra.group ?? '',
      resource: ra.resource ?? '',
      subresource: ra.subresource || undefined,
      namespace: ra.namespace || undefined,
      name: ra.name || undefined,
    });
  } else if (spec.nonResourceAttributes) {
    allowed = true;
  } else {
    throw new ApiError(
      failure(
        422,
        'Invalid',
        'SelfSubjectAccessReview.authorization.k8s.io "" is invalid: spec.resourceAttributes: Invalid value: "null": exactly one of nonResourceAttributes or resourceAttributes must be specified',
        { kind: 'SelfSubjectAccessReview', group: 'authorization.k8s.io' },
      ),
    );
  }
  const status: KubeObject = { allowed };
  if (allowed && p.rules) status.reason = `RBAC: allowed by rules of identity "${p.name}"`;
  if (allowed && !p.rules)
    status.reason = 'RBAC: allowed by ClusterRoleBinding "cluster-admin" of ClusterRole "cluster-admin"';
  return {
    kind: 'SelfSubjectAccessReview',
    apiVersion: 'authorization.k8s.io/v1',
    metadata: { creationTimestamp: null },
    spec,
    status,
  };
}

export function selfSubjectRulesReview(auth: Authenticator, p: Principal, body: KubeObject): KubeObject {
  const ns = body.spec?.namespace ?? 'default';
  const resourceRules = auth.rulesFor(p, ns).map((r) => ({
    verbs: r.verbs,
    apiGroups: r.apiGroups ?? ['*'],
    resources: r.resources,
  }));
  return {
    kind: 'SelfSubjectRulesReview',
    apiVersion: 'authorization.k8s.io/v1',
    metadata: { creationTimestamp: null },
    spec: { namespace: ns },
    status: {
      resourceRules,
      nonResourceRules: [
        {
          verbs: ['get'],
          nonResourceURLs: [
            '/api',
            '/api/*',
            '/apis',
            '/apis/*',
            '/version',
            '/openapi',
            '/openapi/*',
            '/healthz',
            '/livez',
            '/readyz',
          ],
        },
      ],
      incomplete: false,
    },
  };
}

export function selfSubjectReview(p: Principal): KubeObject {
  return {
    kind: 'SelfSubjectReview',
    apiVersion: 'authentication.k8s.io/v1',
    metadata: { creationTimestamp: null },
    status: {
      userInfo: {
        username: p.name,
        groups: p.rules ? ['system:authenticated'] : ['kubeadm:cluster-admins', 'system:authenticated'],
      },
    },
  };
}

/** pods/binding: assigns a node, as the scheduler does; 409 if the pod is already bound. */
export function bindPod(state: ClusterState, namespace: string, name: string, node: string): KubeObject {
  const podDef = state.registry.byKey('/pods')!;
  const pod = state.get(podDef, namespace, name);
  if (!node) throw badRequest('Binding target name is required');
  if (pod.spec?.nodeName) {
    throw new ApiError(
      failure(
        409,
        'Conflict',
        `Operation cannot be fulfilled on pods/binding "${name}": pod ${name} is already assigned to node "${pod.spec.nodeName}"`,
        { name, kind: 'pods/binding' },
      ),
    );
  }
  const conditions = (pod.status?.conditions ?? []).filter((c: KubeObject) => c.type !== 'PodScheduled');
  conditions.push({
    type: 'PodScheduled',
    status: 'True',
    lastProbeTime: null,
    lastTransitionTime: new Date().toISOString().replace(/\.\d{3}Z$/, 'Z'),
  });
  return state.store.replace('/pods', {
    ...pod,
    spec: { ...pod.spec, nodeName: node },
    status: { ...pod.status, conditions },
  });
}
