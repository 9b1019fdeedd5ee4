/**
 * The kubectl actions of `argoexec resource` (Argo's `getKubectlArguments` + `runKubectl`), done over
 * the API with the pod's token: `create`, `apply` (server-side apply here; kubectl's client-side
 * three-way merge is not reproduced), `replace`, `patch` (`--type` strategic/merge/json, by the
 * manifest or by `flags: [type, name]`), `get` and `delete` (`--ignore-not-found`, by manifest, by
 * name, or by `--selector`). Returns the object the action produced, if any.
 */
import { parseDocument } from 'yaml';
import type { HttpKubeClient } from '../../../adapters/kube/http-client.ts';
import { isNotFound } from '../../../adapters/kube/errors.ts';
import { GO_YAML_OPTIONS } from '../../../engine/yaml-go.ts';
import {
  kubectlError,
  MANIFEST_PATH,
  objectPath,
  resourceForKind,
  resourceForType,
  type ApiResource,
} from './kube-object.ts';

export interface ResourceSpec {
  action?: string;
  manifest?: string;
  mergeStrategy?: string;
  flags?: string[];
}

type Obj = Record<string, unknown> & { apiVersion?: string; kind?: string; metadata?: Record<string, unknown> };

/** What the action acted on, for waiting and outputs. */
export interface Acted {
  resource: ApiResource;
  namespace: string;
  name: string;
}

interface Flags {
  positional: string[];
  selector?: string;
}

const IGNORED = /^--(validate|ignore-not-found|wait|cascade|grace-period|now|force)(=.*)?$/;

function parseFlags(flags: string[]): Flags {
  const out: Flags = { positional: [] };
  for (let i = 0; i < flags.length; i++) {
    const f = flags[i]!;
    if (f === '--selector' || f === '-l') out.selector = flags[++i];
    else if (f.startsWith('--selector=') || f.startsWith('-l=')) out.selector = f.slice(f.indexOf('=') + 1);
    else if (IGNORED.test(f)) continue;
    else if (f.startsWith('-')) throw new Error(`flag ${f} is not supported by the local executor`);
    else out.positional.push(f);
  }
  return out;
}

function parseManifest(text: string): unknown {
  const doc = parseDocument(text, GO_YAML_OPTIONS);
  if (doc.errors.length > 0) throw new Error(`error parsing ${MANIFEST_PATH}: ${doc.errors[0]!.message}`);
  return doc.toJS() as unknown;
}

async function targetOf(c: HttpKubeClient, podNs: string, obj: Obj | undefined, flags: Flags): Promise<Acted> {
  if (flags.positional.length > 0) {
    const resource = await resourceForType(c, flags.positional[0]!);
    return { resource, namespace: podNs, name: flags.positional[1] ?? '' };
  }
  if (!obj?.apiVersion || !obj.kind)
    throw new Error('Kind and name are both required but at least one of them is missing from the manifest');
  const resource = await resourceForKind(c, obj.apiVersion, obj.kind);
  const meta = obj.metadata ?? {};
  return { resource, namespace: String(meta.namespace ?? podNs), name: String(meta.name ?? '') };
}

const PATCH_TYPES: Record<string, string> = {
  strategic: 'application/strategic-merge-patch+json',
  merge: 'application/merge-patch+json',
  json: 'application/json-patch+json',
};

async function write(c: HttpKubeClient, action: string, t: Acted, obj: Obj, patchType: string): Promise<Obj> {
  const body = {
    ...obj,
    metadata: { ...(obj.metadata ?? {}), namespace: t.resource.namespaced ? t.namespace : undefined },
  };
  switch (action) {
    case 'create':
      return c.request<Obj>({ method: 'POST', path: objectPath(t.resource, t.namespace), body });
    case 'apply':
      return c.request<Obj>({
        method: 'PATCH',
        path: objectPath(t.resource, t.namespace, t.name),
        query: { fieldManager: 'kubectl-client-side-apply', force: true },
        contentType: 'application/apply-patch+yaml',
        body,
      });
    case 'replace': {
      const cur = await c.request<Obj>({ method: 'GET', path: objectPath(t.resource, t.namespace, t.name) });
      const metadata = { ...body.metadata, resourceVersion: cur.metadata?.resourceVersion };
      return c.request<Obj>({
        method: 'PUT',
        path: objectPath(t.resource, t.namespace, t.name),
        body: { ...body, metadata },
      });
    }
    default:
      return c.request<Obj>({
        method: 'PATCH',
        path: objectPath(t.resource, t.namespace, t.name),
        contentType: PATCH_TYPES[patchType],
        body: obj,
      });
  }
}

async function remove(c: HttpKubeClient, t: Acted, selector: string | undefined): Promise<void> {
  let names = [t.name];
  if (!t.name) {
    if (!selector) throw new Error('error: resource(s) were provided, but no name was specified');
    const list = await c.request<{ items?: Obj[] }>({
      method: 'GET',
      path: objectPath(t.resource, t.namespace),
      query: { labelSelector: selector },
    });
    names = (list.items ?? []).map((o) => String(o.metadata?.name));
  }
  for (const name of names) {
    try {
      await c.request({ method: 'DELETE', path: objectPath(t.resource, t.namespace, name) });
    } catch (e) {
      if (!isNotFound(e)) throw e;
    }
  }
}

function errorContext(action: string): string {
  if (action === 'create') return `error when creating "${MANIFEST_PATH}"`;
  if (action === 'replace') return `error when replacing "${MANIFEST_PATH}"`;
  if (action === 'apply') return `error when applying "${MANIFEST_PATH}"`;
  return '';
}

/** Runs the action; returns what it acted on (undefined for delete, and for get with nothing found). */
export async function runAction(c: HttpKubeClient, podNs: string, spec: ResourceSpec): Promise<Acted | undefined> {
  const action = spec.action ?? '';
  const flags = parseFlags(spec.flags ?? []);
  if (!spec.manifest && flags.positional.length === 0)
    throw new Error('Must provide at least one of flags or manifest.');
  const patchType = spec.mergeStrategy || 'strategic';
  const parsed = spec.manifest ? parseManifest(spec.manifest) : undefined;
  const obj = parsed && !Array.isArray(parsed) ? (parsed as Obj) : undefined;
  if (action === 'patch' && !obj?.kind && flags.positional.length < 2)
    throw new Error('a patch whose manifest has no kind (a json patch, for one) needs flags: [<type>, <name>]');
  const t = await targetOf(c, podNs, obj, flags);
  try {
    if (action === 'delete') return void (await remove(c, t, flags.selector));
    if (action === 'get') {
      await c.request({ method: 'GET', path: objectPath(t.resource, t.namespace, t.name) });
      return t;
    }
    const out = await write(c, action, t, (parsed ?? {}) as Obj, patchType);
    return { ...t, name: String(out.metadata?.name ?? t.name) };
  } catch (e) {
    throw kubectlError(e, errorContext(action));
  }
}
