/**
 * `spec.templateDefaults`, merged into every template the way Argo merges them
 * (`mergedTemplateDefaultsInto`): defaults of another template type are dropped first (a `script`
 * default never turns a container template into a script), then the template is applied over the
 * defaults as a strategic merge patch — maps merge, keyed lists (`env`, `volumeMounts`, ...) merge by
 * key, other lists and scalars from the template win.
 */
import type { Template } from './types.ts';
import { TEMPLATE_TYPE_FIELDS, templateKind } from './template-kind.ts';

/** Lists Kubernetes merges by a key in a strategic merge patch. */
const MERGE_KEYS: Record<string, string> = {
  env: 'name',
  volumeMounts: 'mountPath',
  volumes: 'name',
  ports: 'containerPort',
  volumeDevices: 'devicePath',
  tolerations: '',
};

type Json = unknown;

function isObject(v: Json): v is Record<string, Json> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

function mergeList(key: string, base: Json[], patch: Json[]): Json[] {
  const mk = MERGE_KEYS[key];
  if (!mk) return patch;
  const out = base.map((b) => {
    const p = patch.find((x) => isObject(x) && isObject(b) && x[mk] === b[mk]);
    return p === undefined ? b : merge(b, p);
  });
  for (const p of patch) if (!base.some((b) => isObject(p) && isObject(b) && p[mk] === b[mk])) out.push(p);
  return out;
}

function merge(base: Json, patch: Json, key = ''): Json {
  if (patch === undefined) return base;
  if (Array.isArray(base) && Array.isArray(patch)) return mergeList(key, base, patch);
  if (!isObject(base) || !isObject(patch)) return patch;
  const out: Record<string, Json> = { ...base };
  for (const [k, v] of Object.entries(patch)) {
    if (v === null) delete out[k];
    else out[k] = merge(base[k], v, k);
  }
  return out;
}

/** The template with the workflow's `templateDefaults` applied; the same object when there are none. */
export function withTemplateDefaults(t: Template, defaults: unknown): Template {
  if (!isObject(defaults) || Object.keys(defaults).length === 0) return t;
  const kind = templateKind(t);
  const applicable: Record<string, Json> = {};
  for (const [k, v] of Object.entries(defaults))
    if (!(TEMPLATE_TYPE_FIELDS as readonly string[]).includes(k) || k === kind) applicable[k] = v;
  return merge(applicable, t) as Template;
}
