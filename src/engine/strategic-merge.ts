/**
 * Kubernetes strategic merge patch over plain JSON, for the Pod fields: maps merge recursively, `null`
 * deletes, lists of named things (containers, env, volumes, mounts, ports...) merge by their key with
 * `$patch: delete` items, `$patch: replace` replaces a map, other lists and scalars replace. Used by
 * the embedded API server's PATCH and by `podSpecPatch` (Argo applies it with `StrategicMergePatch`
 * over `PodSpec`, workflow/util/util.go `ApplyPodSpecPatch`).
 */
type Json = unknown;

function isObject(v: Json): v is Record<string, Json> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Merge keys of the lists strategic merge patch treats as maps (by field name, any depth). */
const MERGE_KEYS: Record<string, string> = {
  containers: 'name',
  initContainers: 'name',
  ephemeralContainers: 'name',
  env: 'name',
  volumes: 'name',
  volumeMounts: 'mountPath',
  volumeDevices: 'devicePath',
  ports: 'containerPort',
  imagePullSecrets: 'name',
  resourceClaims: 'name',
  conditions: 'type',
  ownerReferences: 'uid',
  hostAliases: 'ip',
};

/** Lists of scalars with patchStrategy "merge" (union, as the real server merges them). */
const MERGE_PRIMITIVES = new Set(['finalizers']);

/** Applies a strategic merge patch to `target` (neither is modified). */
export function strategicMerge(target: Json, patch: Json): Json {
  if (!isObject(patch)) return patch;
  if (patch['$patch'] === 'replace') {
    const rest = { ...patch };
    delete rest['$patch'];
    return rest;
  }
  const out: Record<string, Json> = isObject(target) ? { ...target } : {};
  for (const [k, v] of Object.entries(patch)) {
    if (k.startsWith('$setElementOrder/') || k === '$retainKeys' || k === '$patch') continue;
    if (k.startsWith('$deleteFromPrimitiveList/')) {
      const field = k.slice('$deleteFromPrimitiveList/'.length);
      const cur = out[field];
      if (Array.isArray(cur) && Array.isArray(v)) out[field] = cur.filter((x) => !v.includes(x));
      continue;
    }
    if (v === null) delete out[k];
    else if (Array.isArray(v) && MERGE_PRIMITIVES.has(k) && Array.isArray(out[k])) {
      out[k] = [...(out[k] as Json[]), ...v.filter((x) => !(out[k] as Json[]).includes(x))];
    } else if (Array.isArray(v) && MERGE_KEYS[k] && v.every(isObject)) out[k] = mergeList(out[k], v, MERGE_KEYS[k]);
    else if (isObject(v)) out[k] = strategicMerge(out[k], v);
    else out[k] = v;
  }
  return out;
}

function mergeList(target: Json, patch: Record<string, Json>[], key: string): Json[] {
  const out: Json[] = Array.isArray(target) ? [...target] : [];
  for (const item of patch) {
    const idx = out.findIndex((x) => isObject(x) && x[key] === item[key]);
    if (item['$patch'] === 'delete') {
      if (idx >= 0) out.splice(idx, 1);
      continue;
    }
    if (idx >= 0) out[idx] = strategicMerge(out[idx], item);
    else out.push(strategicMerge({}, item));
  }
  return out;
}
