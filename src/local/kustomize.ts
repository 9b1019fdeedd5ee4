/**
 * Renders the kustomize overlays in infra/k8s the way `kustomize build` does, for the subset of
 * kustomize those overlays use: `resources` (files and directories), `components`, `namespace`,
 * `labels` (without selectors), `images` and inline JSON 6902 `patches` with a kind/name target.
 * Local mode renders the overlays with it to install the same RBAC a deployment installs; any other
 * kustomization field is refused by name rather than ignored. The deploy tests compare its output
 * with `kubectl kustomize` for every overlay.
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseAllDocuments, parse } from 'yaml';

export interface KObject {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; labels?: Record<string, string>; [k: string]: unknown };
  [key: string]: unknown;
}

interface Kustomization {
  kind?: string;
  namespace?: string;
  resources?: string[];
  components?: string[];
  labels?: { pairs: Record<string, string>; includeSelectors?: boolean; includeTemplates?: boolean }[];
  images?: { name: string; newName?: string; newTag?: string; digest?: string }[];
  patches?: { target?: { kind?: string; name?: string }; patch?: string; path?: string }[];
}

const SUPPORTED = new Set([
  'apiVersion',
  'kind',
  'namespace',
  'resources',
  'components',
  'labels',
  'images',
  'patches',
]);

/** Kinds kustomize leaves without a namespace. */
const CLUSTER_SCOPED = new Set([
  'Namespace',
  'ClusterRole',
  'ClusterRoleBinding',
  'CustomResourceDefinition',
  'PersistentVolume',
  'StorageClass',
]);

export class KustomizeError extends Error {
  override readonly name = 'KustomizeError';
}

function readKustomization(dir: string): Kustomization {
  const file = ['kustomization.yaml', 'kustomization.yml', 'Kustomization'].map((f) => join(dir, f)).find(existsSync);
  if (!file) throw new KustomizeError(`${dir}: no kustomization.yaml`);
  const k = (parse(readFileSync(file, 'utf8')) ?? {}) as Record<string, unknown>;
  for (const key of Object.keys(k)) {
    if (!SUPPORTED.has(key)) throw new KustomizeError(`${file}: field "${key}" is not supported yet`);
  }
  for (const [i, l] of ((k.labels ?? []) as Kustomization['labels'])!.entries()) {
    if (l.includeSelectors || l.includeTemplates)
      throw new KustomizeError(`${file}: labels[${i}].includeSelectors/includeTemplates is not supported yet`);
  }
  return k as Kustomization;
}

function readObjects(file: string): KObject[] {
  return parseAllDocuments(readFileSync(file, 'utf8'))
    .map((d) => d.toJS() as KObject | null)
    .filter((o): o is KObject => !!o && typeof o === 'object');
}

/** Renders the kustomization in `dir` (an absolute or relative directory). */
export function renderKustomization(dir: string): KObject[] {
  const root = resolve(dir);
  const k = readKustomization(root);
  let objects: KObject[] = [];
  for (const r of k.resources ?? []) {
    const p = resolve(root, r);
    if (!existsSync(p)) throw new KustomizeError(`${root}: resource ${r} does not exist`);
    objects.push(...(statSync(p).isDirectory() ? renderKustomization(p) : readObjects(p)));
  }
  for (const c of k.components ?? []) {
    const comp = readKustomization(resolve(root, c));
    if (comp.kind !== 'Component') throw new KustomizeError(`${c}: a component must have kind Component`);
    objects = transform(objects, comp, resolve(root, c));
  }
  return transform(objects, k, root);
}

function transform(objects: KObject[], k: Kustomization, dir: string): KObject[] {
  let out = objects.map((o) => structuredClone(o));
  if (k.namespace) out = out.map((o) => setNamespace(o, k.namespace!));
  for (const l of k.labels ?? []) {
    for (const o of out) o.metadata.labels = { ...o.metadata.labels, ...l.pairs };
  }
  for (const image of k.images ?? []) for (const o of out) setImage(o, image);
  for (const p of k.patches ?? []) {
    if (p.path || !p.patch) throw new KustomizeError(`${dir}: only inline JSON 6902 patches are supported yet`);
    const ops = parse(p.patch) as JsonPatchOp[];
    if (!Array.isArray(ops)) throw new KustomizeError(`${dir}: only JSON 6902 patches are supported yet`);
    const hits = out.filter(
      (o) => (!p.target?.kind || o.kind === p.target.kind) && (!p.target?.name || o.metadata.name === p.target.name),
    );
    for (const o of hits) for (const op of ops) applyOp(o, op, dir);
  }
  return out;
}

function setNamespace(o: KObject, ns: string): KObject {
  if (CLUSTER_SCOPED.has(o.kind)) return o;
  const before = o.metadata.namespace;
  o.metadata.namespace = ns;
  if (o.kind === 'RoleBinding' || o.kind === 'ClusterRoleBinding') {
    // As kustomize: ServiceAccount subjects that pointed at the old namespace (or none) follow.
    for (const s of (o.subjects ?? []) as { kind: string; namespace?: string }[]) {
      if (s.kind === 'ServiceAccount' && (!s.namespace || s.namespace === before)) s.namespace = ns;
    }
  }
  return o;
}

function setImage(o: KObject, image: NonNullable<Kustomization['images']>[number]): void {
  const spec = (o.spec as { template?: { spec?: Record<string, unknown> } } | undefined)?.template?.spec;
  if (!spec) return;
  for (const field of ['containers', 'initContainers']) {
    for (const c of (spec[field] ?? []) as { image?: string }[]) {
      const m = /^([^@:]+(?::\d+\/[^@:]+)?)(?::([^@]+))?(?:@(.+))?$/.exec(c.image ?? '');
      if (!m || m[1] !== image.name) continue;
      const tag = image.digest ? `@${image.digest}` : image.newTag ? `:${image.newTag}` : m[2] ? `:${m[2]}` : '';
      c.image = `${image.newName ?? m[1]}${tag}`;
    }
  }
}

interface JsonPatchOp {
  op: string;
  path: string;
  value?: unknown;
}

function applyOp(o: KObject, op: JsonPatchOp, dir: string): void {
  const parts = op.path
    .split('/')
    .slice(1)
    .map((p) => p.replace(/~1/g, '/').replace(/~0/g, '~'));
  const last = parts.pop();
  if (last === undefined) throw new KustomizeError(`${dir}: patch path ${op.path} is not supported yet`);
  let at: Record<string, unknown> = o;
  for (const p of parts) {
    const next = at[p];
    if (!next || typeof next !== 'object') throw new KustomizeError(`${dir}: patch path ${op.path} does not exist`);
    at = next as Record<string, unknown>;
  }
  if (op.op === 'add' || op.op === 'replace') {
    if (Array.isArray(at) && last === '-') (at as unknown[]).push(structuredClone(op.value));
    else at[last] = structuredClone(op.value);
  } else if (op.op === 'remove') delete at[last];
  else throw new KustomizeError(`${dir}: patch op "${op.op}" is not supported yet`);
}
