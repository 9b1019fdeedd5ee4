/**
 * Object semantics of one cluster, shared by the HTTP handlers and the in-process kubelet: create
 * (generateName, uid, timestamps, defaults, admission), update with optimistic concurrency, the
 * status subresource split, generation, size limits, and CRD/namespace side effects. Deletion
 * (finalizers, graceful pod deletion, cascading) lives in deletion.ts.
 */
import { randomUUID, randomInt } from 'node:crypto';
import { admitCreate, admitPriorityClass, admitUpdate, checkServiceAccount } from './admission.ts';
import { admitQuota } from './quota.ts';
import { prune } from './crd-schema.ts';
import { crdStatus, defFromCrd, validateCrd } from './crds.ts';
import { ResourceRegistry } from './registry.ts';
import { type KubeObject, type ResourceDef, apiVersionOf, resourceKey } from './resources.ts';
import { ObjectStore } from './store.ts';
import { ApiError, alreadyExists, badRequest, conflict, failure, forbidden, notFound } from './status.ts';
import { validateObject, validatePodUpdate } from './validation.ts';
import { validateClaimUpdate } from './validate-claim.ts';
import { sameJson } from './same-json.ts';

/** etcd's default request limit; kube-apiserver stores objects up to this size. */
export const MAX_OBJECT_BYTES = 1.5 * 1024 * 1024;

export interface WriteOptions {
  /** `?dryRun=All`: validate and admit, answer with the result, store nothing. */
  dryRun?: boolean;
}

export interface ClusterStateOptions {
  /** Events kept for watch replay; older resourceVersions get 410 Gone. Default 10000. */
  historySize?: number;
  /** Create a missing namespace instead of answering 404 (convenience; off = like the real server). */
  autoCreateNamespaces?: boolean;
  now?: () => Date;
}

/** RFC 3339 with second precision, as Kubernetes serialises metav1.Time. */
export function kubeTime(d: Date): string {
  return d.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

const NAME_CHARS = 'bcdfghjklmnpqrstvwxz2456789';

function randomSuffix(): string {
  let s = '';
  for (let i = 0; i < 5; i++) s += NAME_CHARS[randomInt(NAME_CHARS.length)];
  return s;
}

export class ClusterState {
  readonly store: ObjectStore;
  readonly registry = new ResourceRegistry();
  readonly now: () => Date;

  constructor(readonly options: ClusterStateOptions = {}) {
    this.store = new ObjectStore(options.historySize ?? 10000);
    this.now = options.now ?? (() => new Date());
  }

  /** Reads an object or throws 404. */
  get(def: ResourceDef, namespace: string, name: string): KubeObject {
    const o = this.store.get(resourceKey(def.group, def.resource), def.namespaced ? namespace : '', name);
    if (!o) throw notFound(def, name);
    return o;
  }

  find(def: ResourceDef, namespace: string, name: string): KubeObject | undefined {
    return this.store.get(resourceKey(def.group, def.resource), def.namespaced ? namespace : '', name);
  }

  /** Creates an object as POST does. */
  create(def: ResourceDef, namespace: string, body: KubeObject, opts: WriteOptions = {}): KubeObject {
    const meta = { ...(body.metadata ?? {}) };
    if (def.namespaced) {
      if (meta.namespace && meta.namespace !== namespace) {
        throw badRequest('the namespace of the provided object does not match the namespace sent on the request');
      }
      meta.namespace = namespace;
      this.ensureNamespace(namespace, def, String(meta.name ?? meta.generateName ?? ''));
    } else delete meta.namespace;
    const rk = resourceKey(def.group, def.resource);
    this.assignName(def, rk, meta);
    delete meta.resourceVersion;
    delete meta.deletionTimestamp;
    meta.uid = randomUUID();
    meta.creationTimestamp = kubeTime(this.now());
    if (def.custom) meta.generation = 1;
    const version = String(body.apiVersion ?? '')
      .split('/')
      .pop()!;
    const apiVersion = apiVersionOf(def, def.versions.includes(version) ? version : def.versions[0]);
    let object: KubeObject = { ...body, apiVersion, kind: def.kind, metadata: meta };
    if (def.custom && def.subresources.includes('status')) delete object.status;
    if (def.schema) object = prune(object, def.schema, true) as KubeObject;
    object = admitCreate(def, object);
    validateObject(def, object);
    if (def.resource === 'customresourcedefinitions') validateCrd(object);
    if (this.store.get(rk, meta.namespace ?? '', meta.name)) throw alreadyExists(def, meta.name);
    if (def.resource === 'pods' && !def.custom) {
      checkServiceAccount(object, namespace, (sa) => this.serviceAccountExists(namespace, sa));
      admitPriorityClass(object);
    }
    if (def.namespaced) this.admitQuota(def, namespace, object);
    if (def.resource === 'customresourcedefinitions') object.status = crdStatus(object, meta.creationTimestamp);
    this.checkSize(object);
    if (opts.dryRun) return object;
    const stored = this.store.insert(rk, object);
    this.afterWrite(def, stored);
    return stored;
  }

  /**
   * Replaces an object as PUT does (or as the final step of PATCH). `subresource` `status` keeps
   * everything but status from the stored object; the main resource keeps the stored status when
   * the resource has a status subresource.
   */
  update(
    def: ResourceDef,
    namespace: string,
    name: string,
    body: KubeObject,
    subresource?: string,
    opts: WriteOptions = {},
  ): KubeObject {
    if (body.metadata?.name !== undefined && body.metadata.name !== name) {
      throw badRequest(`the name of the object (${body.metadata.name}) does not match the name on the URL (${name})`);
    }
    const current = this.get(def, namespace, name);
    const rv = body.metadata?.resourceVersion;
    if (rv !== undefined && rv !== '' && rv !== current.metadata.resourceVersion) throw conflict(def, name);
    let next = this.merged(def, current, body, subresource);
    if (def.schema) next = prune(next, def.schema, true) as KubeObject;
    next = admitUpdate(def, next);
    validateObject(def, next);
    if (def.resource === 'pods' && !def.custom && subresource !== 'status') validatePodUpdate(current, next);
    if (def.resource === 'persistentvolumeclaims' && !def.custom) validateClaimUpdate(current, next);
    if (sameJson(next, current)) return current; // no-op writes keep their version
    this.checkSize(next);
    if (opts.dryRun) return next;
    if (this.isRemovable(next)) {
      const gone = this.store.remove(resourceKey(def.group, def.resource), next.metadata.namespace ?? '', name);
      this.afterRemove(def, gone!);
      return gone!;
    }
    const stored = this.store.replace(resourceKey(def.group, def.resource), next);
    this.afterWrite(def, stored);
    return stored;
  }

  /** Builds the object a write produces, honouring immutable metadata and the status split. */
  private merged(def: ResourceDef, current: KubeObject, body: KubeObject, subresource?: string): KubeObject {
    const hasStatus = def.subresources.includes('status');
    if (subresource === 'status') {
      const out: KubeObject = { ...current };
      if (body.status === undefined) delete out.status;
      else out.status = body.status;
      return out;
    }
    const keep = current.metadata;
    const meta: KubeObject = {
      ...(body.metadata ?? {}),
      name: keep.name,
      uid: keep.uid,
      creationTimestamp: keep.creationTimestamp,
      resourceVersion: keep.resourceVersion,
    };
    if (keep.namespace !== undefined) meta.namespace = keep.namespace;
    for (const k of ['deletionTimestamp', 'deletionGracePeriodSeconds', 'generation'] as const) {
      if (keep[k] !== undefined) meta[k] = keep[k];
      else delete meta[k];
    }
    const next: KubeObject = { ...body, apiVersion: current.apiVersion, kind: current.kind, metadata: meta };
    if (hasStatus) {
      if (current.status === undefined) delete next.status;
      else next.status = current.status;
    }
    // As apiextensions' strategy: everything but metadata counts, and status only when it is not a
    // subresource (a CRD without one bumps generation on status writes too).
    const content = hasStatus ? withoutMetaStatus : withoutMeta;
    if (meta.generation !== undefined && !sameJson(content(next), content(current))) {
      meta.generation = Number(meta.generation) + 1;
    }
    return next;
  }

  /** True once a deleted object has no finalizers and no pending graceful termination. */
  isRemovable(o: KubeObject): boolean {
    const m = o.metadata;
    return !!m.deletionTimestamp && (m.finalizers ?? []).length === 0 && !(m.deletionGracePeriodSeconds > 0);
  }

  /** Called after a CRD or namespace is written; CRDs become served resources. */
  private afterWrite(def: ResourceDef, stored: KubeObject): void {
    if (def.group === 'apiextensions.k8s.io' && def.resource === 'customresourcedefinitions') {
      this.registry.add(defFromCrd(stored));
    }
    if (def.group === '' && def.resource === 'namespaces' && !stored.metadata.deletionTimestamp) {
      this.ensureDefaultServiceAccount(stored.metadata.name);
    }
  }

  /** Side effects of an object leaving the store (deletion.ts calls it too). */
  afterRemove(def: ResourceDef, removed: KubeObject): void {
    if (def.group === 'apiextensions.k8s.io' && def.resource === 'customresourcedefinitions') {
      const spec = removed.spec;
      const rk = resourceKey(spec.group, spec.names.plural);
      for (const o of this.store.list(rk)) this.store.remove(rk, o.metadata.namespace ?? '', o.metadata.name);
      this.registry.remove(spec.group, spec.names.plural);
    }
    this.onRemoved?.(def, removed);
  }

  /** Hook set by deletion.ts for cascading deletion. */
  onRemoved?: (def: ResourceDef, removed: KubeObject) => void;

  private checkSize(object: KubeObject): void {
    if (Buffer.byteLength(JSON.stringify(object)) > MAX_OBJECT_BYTES) {
      throw new ApiError(
        failure(413, 'RequestEntityTooLarge', 'Request entity too large: etcdserver: request is too large'),
      );
    }
  }

  /** The object's name: `generateName` plus a suffix free in the store, else the required `name`. */
  private assignName(def: ResourceDef, rk: string, meta: KubeObject): void {
    if (!meta.name && meta.generateName) {
      do meta.name = `${meta.generateName}${randomSuffix()}`;
      while (this.store.get(rk, meta.namespace ?? '', meta.name));
    }
    if (!meta.name) {
      throw new ApiError(
        failure(
          422,
          'Invalid',
          `${def.kind} "" is invalid: metadata.name: Required value: name or generateName is required`,
          {
            kind: def.kind,
            causes: [
              {
                reason: 'FieldValueRequired',
                message: 'Required value: name or generateName is required',
                field: 'metadata.name',
              },
            ],
          },
        ),
      );
    }
  }

  /** ResourceQuota admission (quota.ts): only namespaces holding a quota pay for listing. */
  private admitQuota(def: ResourceDef, namespace: string, object: KubeObject): void {
    const quotas = this.store.list('/resourcequotas', namespace);
    if (quotas.length === 0) return;
    admitQuota(def, object, quotas, (d) => this.store.list(resourceKey(d.group, d.resource), namespace));
  }

  private serviceAccountExists(namespace: string, sa: string): boolean {
    return !!this.store.get('/serviceaccounts', namespace, sa);
  }

  /** Namespaces must exist before objects go in them (NamespaceLifecycle admission). */
  private ensureNamespace(namespace: string, def: ResourceDef, name: string): void {
    const ns = this.store.get('/namespaces', '', namespace);
    if (ns?.metadata.deletionTimestamp) {
      const msg = `unable to create new content in namespace ${namespace} because it is being terminated`;
      throw forbidden(def, name || undefined, msg);
    }
    if (ns) return;
    const nsDef = this.registry.byKey('/namespaces')!;
    if (this.options.autoCreateNamespaces) {
      this.create(nsDef, '', { metadata: { name: namespace } });
      return;
    }
    throw notFound(nsDef, namespace);
  }

  /** The ServiceAccount controller's job: every namespace has `default`. */
  private ensureDefaultServiceAccount(namespace: string): void {
    if (this.store.get('/serviceaccounts', namespace, 'default')) return;
    const saDef = this.registry.byKey('/serviceaccounts')!;
    this.create(saDef, namespace, { metadata: { name: 'default' } });
  }
}

function withoutMeta(o: KubeObject): KubeObject {
  const { metadata: _m, ...rest } = o;
  return rest;
}

function withoutMetaStatus(o: KubeObject): KubeObject {
  const { metadata: _m, status: _s, ...rest } = o;
  return rest;
}
