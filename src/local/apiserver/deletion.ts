/**
 * Deletion as kube-apiserver and the garbage collector do it: preconditions, graceful pod deletion
 * (the kubelet confirms with a zero grace period), finalizers keeping a deleted object until they
 * are removed, cascading (background) deletion through ownerReferences, orphaning, namespaces that
 * terminate and take their contents with them, and deletecollection.
 */
import type { ClusterState } from './objects.ts';
import { kubeTime } from './objects.ts';
import { type KubeObject, type ResourceDef, resourceKey } from './resources.ts';
import { ApiError, failure } from './status.ts';

export interface DeleteOptions {
  gracePeriodSeconds?: number;
  propagationPolicy?: 'Orphan' | 'Background' | 'Foreground';
  preconditions?: { uid?: string; resourceVersion?: string };
}

export interface DeleteResult {
  object: KubeObject;
  /** True when the object left the store; false when finalizers or a grace period keep it. */
  removed: boolean;
}

function isGracefulPod(def: ResourceDef, o: KubeObject): boolean {
  if (def.custom || def.group !== '' || def.resource !== 'pods') return false;
  const phase = o.status?.phase;
  return !!o.spec?.nodeName && phase !== 'Succeeded' && phase !== 'Failed';
}

function checkPreconditions(def: ResourceDef, o: KubeObject, p: DeleteOptions['preconditions']): void {
  if (p?.uid && p.uid !== o.metadata.uid) {
    const msg = `Precondition failed: UID in precondition: ${p.uid}, UID in object meta: ${o.metadata.uid}`;
    throw new ApiError(failure(409, 'Conflict', msg, { name: o.metadata.name, group: def.group, kind: def.resource }));
  }
  if (p?.resourceVersion && p.resourceVersion !== o.metadata.resourceVersion) {
    const msg =
      `Precondition failed: ResourceVersion in precondition: ${p.resourceVersion}, ` +
      `ResourceVersion in object meta: ${o.metadata.resourceVersion}`;
    throw new ApiError(failure(409, 'Conflict', msg, { name: o.metadata.name, group: def.group, kind: def.resource }));
  }
}

/** Deletes one object; see {@link DeleteResult}. */
export function deleteObject(
  state: ClusterState,
  def: ResourceDef,
  namespace: string,
  name: string,
  opts: DeleteOptions = {},
): DeleteResult {
  const current = state.get(def, namespace, name);
  checkPreconditions(def, current, opts.preconditions);
  const rk = resourceKey(def.group, def.resource);
  const ns = current.metadata.namespace ?? '';
  let grace = 0;
  if (isGracefulPod(def, current)) grace = opts.gracePeriodSeconds ?? current.spec?.terminationGracePeriodSeconds ?? 30;
  const meta = { ...current.metadata };
  if (opts.propagationPolicy === 'Orphan') orphanDependents(state, meta.uid);
  if (def.group === '' && def.resource === 'namespaces' && !def.custom) return terminateNamespace(state, current);
  const pendingGrace: number = meta.deletionGracePeriodSeconds ?? 0;
  const finalizers: string[] = meta.finalizers ?? [];
  if (grace > 0 || finalizers.length > 0) {
    // Already terminating and this request does not shorten the grace period: nothing changes.
    if (meta.deletionTimestamp && !(grace < pendingGrace)) return { object: current, removed: false };
    meta.deletionTimestamp = kubeTime(new Date(state.now().getTime() + grace * 1000));
    meta.deletionGracePeriodSeconds = grace;
    const stored = state.store.replace(rk, { ...current, metadata: meta });
    return { object: stored, removed: false };
  }
  const removed = state.store.remove(rk, ns, name)!;
  state.afterRemove(def, removed);
  return { object: removed, removed: true };
}

/** Removes an owner's reference from its dependents (propagationPolicy Orphan). */
function orphanDependents(state: ClusterState, uid: string): void {
  for (const [rk, ns, name] of state.store.dependents(uid)) {
    const o = state.store.get(rk, ns, name);
    if (!o) continue;
    const refs = (o.metadata.ownerReferences ?? []).filter((r: KubeObject) => r.uid !== uid);
    state.store.replace(rk, { ...o, metadata: { ...o.metadata, ownerReferences: refs } });
  }
}

/**
 * Namespace deletion as kube-apiserver and the namespace controller do it: the namespace turns
 * `Terminating` (new content is refused), its contents are deleted (pods gracefully, finalizers
 * honoured), and the namespace goes once it is empty.
 */
function terminateNamespace(state: ClusterState, ns: KubeObject): DeleteResult {
  if (ns.metadata.deletionTimestamp) return { object: ns, removed: false };
  const now = kubeTime(state.now());
  const stored = state.store.replace('/namespaces', {
    ...ns,
    metadata: { ...ns.metadata, deletionTimestamp: now, deletionGracePeriodSeconds: 0 },
    status: { ...ns.status, phase: 'Terminating' },
  });
  setImmediate(() => drainNamespace(state, ns.metadata.name, ns.metadata.uid));
  return { object: stored, removed: false };
}

function drainNamespace(state: ClusterState, name: string, uid: string): void {
  const ns = state.store.get('/namespaces', '', name);
  if (!ns || ns.metadata.uid !== uid) return;
  let remaining = 0;
  for (const def of state.registry.all()) {
    if (!def.namespaced) continue;
    for (const o of state.store.list(resourceKey(def.group, def.resource), name)) {
      remaining++;
      if (o.metadata.deletionTimestamp) continue;
      try {
        deleteObject(state, def, name, o.metadata.name, { propagationPolicy: 'Background' });
      } catch {
        // Gone meanwhile.
      }
    }
  }
  if (remaining === 0) {
    const removed = state.store.remove('/namespaces', '', name);
    if (removed) state.afterRemove(state.registry.byKey('/namespaces')!, removed);
    return;
  }
  setTimeout(() => drainNamespace(state, name, uid), 50).unref();
}

/**
 * Background cascading deletion: once an owner is gone, dependents whose every owner is gone are
 * deleted; dependents with other owners lose just this reference. Runs after the response, like
 * the garbage collector.
 */
export function installGarbageCollector(state: ClusterState): void {
  state.onRemoved = (_def, removed) => {
    const uid = removed.metadata.uid;
    const dependents = state.store.dependents(uid);
    if (dependents.length === 0) return;
    setImmediate(() => {
      for (const [rk, ns, name] of dependents) {
        const dep = state.store.get(rk, ns, name);
        const depDef = state.registry.byKey(rk);
        if (!dep || !depDef) continue;
        const refs = (dep.metadata.ownerReferences ?? []).filter((r: KubeObject) => r.uid !== uid);
        try {
          if (refs.length > 0)
            state.store.replace(rk, { ...dep, metadata: { ...dep.metadata, ownerReferences: refs } });
          else deleteObject(state, depDef, ns, name, { propagationPolicy: 'Background' });
        } catch {
          // The dependent changed or vanished meanwhile; the collector is best-effort like the real one.
        }
      }
    });
  };
}

/** deletecollection: deletes every object `select` accepts. */
export function deleteCollection(
  state: ClusterState,
  def: ResourceDef,
  namespace: string | undefined,
  select: (o: KubeObject) => boolean,
  opts: DeleteOptions = {},
): KubeObject[] {
  const rk = resourceKey(def.group, def.resource);
  const out: KubeObject[] = [];
  for (const o of state.store.list(rk, def.namespaced ? namespace : undefined)) {
    if (!select(o)) continue;
    out.push(deleteObject(state, def, o.metadata.namespace ?? '', o.metadata.name, opts).object);
  }
  return out;
}
