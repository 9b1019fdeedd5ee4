/**
 * What kube-apiserver's registry strategies and default admission plugins do to an object before it
 * is stored: API defaults for pods, `stringData` folded into `data` for secrets, namespace status,
 * and the ServiceAccount admission check that rejects pods naming a missing ServiceAccount.
 */
import type { KubeObject, ResourceDef } from './resources.ts';
import { forbidden } from './status.ts';
import { defaultClaim } from './validate-claim.ts';
import { admitResourceQuota } from './quota.ts';

function imagePullPolicy(image: string): string {
  const lastSegment = image.split('/').pop() ?? '';
  const tag = lastSegment.includes('@') ? 'digest' : lastSegment.split(':')[1];
  return tag === undefined || tag === 'latest' ? 'Always' : 'IfNotPresent';
}

function defaultContainer(c: KubeObject): KubeObject {
  return {
    terminationMessagePath: '/dev/termination-log',
    terminationMessagePolicy: 'File',
    imagePullPolicy: imagePullPolicy(String(c.image ?? '')),
    resources: {},
    ...c,
    ...(Array.isArray(c.ports) ? { ports: c.ports.map((p: KubeObject) => ({ protocol: 'TCP', ...p })) } : {}),
  };
}

/** The QoS class kube-apiserver derives from containers' requests and limits. */
export function qosClass(containers: KubeObject[]): 'Guaranteed' | 'Burstable' | 'BestEffort' {
  const all = containers.map((c) => c.resources ?? {});
  const any = all.some((r) => Object.keys(r.requests ?? {}).length || Object.keys(r.limits ?? {}).length);
  if (!any) return 'BestEffort';
  const guaranteed = all.every((r) =>
    ['cpu', 'memory'].every((k) => r.limits?.[k] !== undefined && (r.requests?.[k] ?? r.limits[k]) === r.limits[k]),
  );
  return guaranteed ? 'Guaranteed' : 'Burstable';
}

/** What the DefaultTolerationSeconds admission plugin adds to every pod. */
function defaultTolerations(existing: KubeObject[] | undefined): KubeObject[] {
  const out = [...(existing ?? [])];
  for (const key of ['node.kubernetes.io/not-ready', 'node.kubernetes.io/unreachable']) {
    if (!out.some((t) => t.key === key)) {
      out.push({ key, operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 300 });
    }
  }
  return out;
}

/** Pod API defaults (the subset clients read back) and a fresh Pending status. */
export function defaultPod(pod: KubeObject): KubeObject {
  const spec = pod.spec ?? {};
  const sa = spec.serviceAccountName ?? spec.serviceAccount ?? 'default';
  return {
    ...pod,
    spec: {
      restartPolicy: 'Always',
      terminationGracePeriodSeconds: 30,
      dnsPolicy: 'ClusterFirst',
      securityContext: {},
      schedulerName: 'default-scheduler',
      enableServiceLinks: true,
      priority: 0,
      preemptionPolicy: 'PreemptLowerPriority',
      ...spec,
      serviceAccountName: sa,
      serviceAccount: sa,
      tolerations: defaultTolerations(spec.tolerations),
      containers: (spec.containers ?? []).map(defaultContainer),
      ...(spec.initContainers ? { initContainers: spec.initContainers.map(defaultContainer) } : {}),
    },
    status: { phase: 'Pending', qosClass: qosClass(spec.containers ?? []) },
  };
}

/** Secrets: `stringData` entries overwrite `data` (base64-encoded), then `stringData` is dropped. */
export function foldStringData(secret: KubeObject): KubeObject {
  const out: KubeObject = { type: 'Opaque', ...secret };
  if (secret.stringData && typeof secret.stringData === 'object') {
    const data: Record<string, string> = { ...(secret.data ?? {}) };
    for (const [k, v] of Object.entries(secret.stringData as Record<string, unknown>)) {
      data[k] = Buffer.from(String(v), 'utf8').toString('base64');
    }
    out.data = data;
    delete out.stringData;
  }
  return out;
}

export function defaultNamespace(ns: KubeObject): KubeObject {
  const name = ns.metadata.name;
  return {
    ...ns,
    metadata: { ...ns.metadata, labels: { ...(ns.metadata.labels ?? {}), 'kubernetes.io/metadata.name': name } },
    spec: { finalizers: ['kubernetes'], ...(ns.spec ?? {}) },
    status: { phase: 'Active' },
  };
}

/** Applies create-time defaults for built-in kinds. */
export function admitCreate(def: ResourceDef, object: KubeObject): KubeObject {
  if (def.custom || def.group !== '') return object;
  if (def.resource === 'pods') return defaultPod(object);
  if (def.resource === 'secrets') return foldStringData(object);
  if (def.resource === 'namespaces') return defaultNamespace(object);
  if (def.resource === 'persistentvolumeclaims') return defaultClaim(object);
  if (def.resource === 'resourcequotas') return admitResourceQuota(object);
  return object;
}

/** Applies update-time defaults for built-in kinds. */
export function admitUpdate(def: ResourceDef, object: KubeObject): KubeObject {
  if (!def.custom && def.group === '' && def.resource === 'secrets') return foldStringData(object);
  if (!def.custom && def.group === '' && def.resource === 'resourcequotas') return admitResourceQuota(object);
  return object;
}

/** The ServiceAccount admission plugin's check, with its exact message. */
export function checkServiceAccount(pod: KubeObject, namespace: string, exists: (sa: string) => boolean): void {
  const sa: string = pod.spec?.serviceAccountName ?? 'default';
  if (exists(sa)) return;
  throw forbidden(
    { resource: 'pods', group: '' },
    pod.metadata.name,
    `error looking up service account ${namespace}/${sa}: serviceaccount "${sa}" not found`,
  );
}

/** The PriorityClasses every cluster has (the embedded server serves no others). */
const SYSTEM_PRIORITY_CLASSES: Record<string, number> = {
  'system-cluster-critical': 2000000000,
  'system-node-critical': 2000001000,
};

/** The Priority admission plugin: a named class must exist; its value becomes `spec.priority`. */
export function admitPriorityClass(pod: KubeObject): void {
  const name: string | undefined = pod.spec?.priorityClassName;
  if (!name) return;
  const value = SYSTEM_PRIORITY_CLASSES[name];
  if (value === undefined)
    throw forbidden({ resource: 'pods', group: '' }, pod.metadata.name, `no PriorityClass with name ${name} was found`);
  pod.spec.priority = value;
}
