/**
 * A container's environment as the kubelet builds it: `envFrom` (ConfigMaps, Secrets), then `env`
 * with literal values, `$(VAR)` expansion, and `valueFrom` (downward API fields, secret and
 * configmap keys) resolved from the cluster's store.
 */
import type { ClusterState } from '../apiserver/objects.ts';
import type { KubeObject } from '../apiserver/resources.ts';

export class EnvError extends Error {
  override readonly name = 'EnvError';
  constructor(
    readonly reason: 'CreateContainerConfigError',
    message: string,
  ) {
    super(message);
  }
}

function fieldRef(pod: KubeObject, path: string): string {
  const m = /^metadata\.(labels|annotations)\['(.+)'\]$/.exec(path);
  if (m) return pod.metadata[m[1]!]?.[m[2]!] ?? '';
  const simple: Record<string, string | undefined> = {
    'metadata.name': pod.metadata.name,
    'metadata.namespace': pod.metadata.namespace,
    'metadata.uid': pod.metadata.uid,
    'spec.nodeName': pod.spec?.nodeName,
    'spec.serviceAccountName': pod.spec?.serviceAccountName,
    'status.hostIP': pod.status?.hostIP,
    'status.podIP': pod.status?.podIP,
  };
  return simple[path] ?? '';
}

function keyRef(state: ClusterState, ns: string, kind: 'secrets' | 'configmaps', ref: KubeObject): string | undefined {
  const obj = state.store.get(`/${kind}`, ns, ref.name);
  const label = kind === 'secrets' ? 'secret' : 'configmap';
  if (!obj) {
    if (ref.optional) return undefined;
    throw new EnvError('CreateContainerConfigError', `${label} "${ref.name}" not found`);
  }
  const raw = obj.data?.[ref.key];
  if (raw === undefined) {
    if (ref.optional) return undefined;
    throw new EnvError(
      'CreateContainerConfigError',
      `couldn't find key ${ref.key} in ${kind === 'secrets' ? 'Secret' : 'ConfigMap'} ${ns}/${ref.name}`,
    );
  }
  return kind === 'secrets' ? Buffer.from(String(raw), 'base64').toString('utf8') : String(raw);
}

function expand(value: string, env: Record<string, string>): string {
  return value.replace(/\$\$|\$\(([A-Za-z_][A-Za-z0-9_.-]*)\)/g, (m, name: string | undefined) =>
    m === '$$' ? '$' : name !== undefined && env[name] !== undefined ? env[name] : m,
  );
}

/** Resolves the environment of `container` in `pod`; throws EnvError like the kubelet's config errors. */
export function resolveEnv(state: ClusterState, pod: KubeObject, container: KubeObject): Record<string, string> {
  const ns: string = pod.metadata.namespace;
  const env: Record<string, string> = {};
  for (const src of container.envFrom ?? []) {
    const kind = src.secretRef ? 'secrets' : 'configmaps';
    const ref = src.secretRef ?? src.configMapRef;
    const obj = state.store.get(`/${kind}`, ns, ref?.name);
    if (!obj) {
      if (ref?.optional) continue;
      throw new EnvError(
        'CreateContainerConfigError',
        `${kind === 'secrets' ? 'secret' : 'configmap'} "${ref?.name}" not found`,
      );
    }
    for (const [k, v] of Object.entries(obj.data ?? {})) {
      env[`${src.prefix ?? ''}${k}`] =
        kind === 'secrets' ? Buffer.from(String(v), 'base64').toString('utf8') : String(v);
    }
  }
  for (const e of container.env ?? []) {
    if (e.value !== undefined) env[e.name] = expand(String(e.value), env);
    else if (e.valueFrom?.fieldRef) env[e.name] = fieldRef(pod, e.valueFrom.fieldRef.fieldPath);
    else if (e.valueFrom?.secretKeyRef) {
      const v = keyRef(state, ns, 'secrets', e.valueFrom.secretKeyRef);
      if (v !== undefined) env[e.name] = v;
    } else if (e.valueFrom?.configMapKeyRef) {
      const v = keyRef(state, ns, 'configmaps', e.valueFrom.configMapKeyRef);
      if (v !== undefined) env[e.name] = v;
    } else env[e.name] = '';
  }
  return env;
}
