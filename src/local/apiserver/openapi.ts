/**
 * OpenAPI documents, as far as clients use them: kubectl reads `/openapi/v3` to learn that PATCH
 * accepts `fieldValidation` (server-side validation, so `apply` needs no `--validate=false`), and
 * whether a kind takes strategic merge patches. Strategic merge content is deliberately not
 * advertised, so kubectl computes strategic patches from its compiled-in types (exact for
 * built-ins) rather than from schemas this server does not carry.
 */
import { createHash } from 'node:crypto';
import type { ResourceRegistry } from './registry.ts';
import type { KubeObject, ResourceDef } from './resources.ts';
import { KUBE_VERSION } from './discovery.ts';

function gvPath(group: string, version: string): string {
  return group ? `apis/${group}/${version}` : `api/${version}`;
}

/** `/openapi/v3`: one entry per group-version with a content hash, like kube-apiserver's. */
export function openApiV3Root(registry: ResourceRegistry): KubeObject {
  const paths: Record<string, KubeObject> = {};
  for (const [group, versions] of registry.groups()) {
    for (const v of versions) {
      const p = gvPath(group, v);
      const hash = createHash('sha512')
        .update(JSON.stringify(openApiV3Doc(registry, group, v)))
        .digest('hex')
        .slice(0, 128)
        .toUpperCase();
      paths[p] = { serverRelativeURL: `/openapi/v3/${p}?hash=${hash}` };
    }
  }
  return { paths };
}

const FIELD_VALIDATION = {
  name: 'fieldValidation',
  in: 'query',
  description:
    'fieldValidation instructs the server on how to handle objects in the request (POST/PUT/PATCH) containing ' +
    'unknown or duplicate fields. Valid values are: - Ignore - Warn - Strict',
  schema: { type: 'string', uniqueItems: true },
};

function op(def: ResourceDef, version: string, action: string, extra: KubeObject = {}): KubeObject {
  return {
    operationId: `${action}${def.kind}`,
    tags: [def.group || 'core'],
    responses: { '200': { description: 'OK' } },
    'x-kubernetes-action': action,
    'x-kubernetes-group-version-kind': { group: def.group, version, kind: def.kind },
    ...extra,
  };
}

function resourcePaths(def: ResourceDef, version: string): Record<string, KubeObject> {
  const base = def.group ? `/apis/${def.group}/${version}` : `/api/${version}`;
  const coll = def.namespaced ? `${base}/namespaces/{namespace}/${def.resource}` : `${base}/${def.resource}`;
  const params = [{ name: 'name', in: 'path', required: true, schema: { type: 'string' } }];
  if (def.namespaced) params.push({ name: 'namespace', in: 'path', required: true, schema: { type: 'string' } });
  const body = (types: string[]) => ({
    content: Object.fromEntries(types.map((t) => [t, { schema: { type: 'object' } }])),
    required: true,
  });
  const writeParams = [FIELD_VALIDATION, { name: 'fieldManager', in: 'query', schema: { type: 'string' } }];
  const out: Record<string, KubeObject> = {
    [coll]: {
      get: op(def, version, 'list'),
      post: op(def, version, 'post', { parameters: writeParams, requestBody: body(['*/*']) }),
      parameters: params.slice(1),
    },
    [`${coll}/{name}`]: {
      get: op(def, version, 'get'),
      put: op(def, version, 'put', { parameters: writeParams, requestBody: body(['*/*']) }),
      patch: op(def, version, 'patch', {
        parameters: [...writeParams, { name: 'force', in: 'query', schema: { type: 'boolean' } }],
        requestBody: body([
          'application/json-patch+json',
          'application/merge-patch+json',
          'application/apply-patch+yaml',
        ]),
      }),
      delete: op(def, version, 'delete'),
      parameters: params,
    },
  };
  return out;
}

/** The per group-version document. */
export function openApiV3Doc(registry: ResourceRegistry, group: string, version: string): KubeObject {
  const paths: Record<string, KubeObject> = {};
  for (const def of registry.inGroupVersion(group, version)) Object.assign(paths, resourcePaths(def, version));
  return {
    openapi: '3.0.0',
    info: { title: 'Kubernetes', version: KUBE_VERSION.gitVersion },
    paths,
    components: { schemas: {} },
  };
}

/** `/openapi/v2` in JSON (clients that need protobuf fall back to compiled-in types). */
export function openApiV2(): KubeObject {
  return {
    swagger: '2.0',
    info: { title: 'Kubernetes', version: KUBE_VERSION.gitVersion },
    paths: {},
    definitions: {},
  };
}

/** The protobuf media type kubectl asks `/openapi/v2` for. */
export const OPENAPI_V2_PROTOBUF = 'application/com.github.proto-openapi.spec.v2@v1.0+protobuf';

function pbString(field: number, value: string): Buffer {
  const bytes = Buffer.from(value, 'utf8');
  return Buffer.concat([Buffer.from([(field << 3) | 2, bytes.length]), bytes]);
}

/**
 * An empty OpenAPI v2 document in gnostic's protobuf encoding (swagger = 1, info = 2 {title = 1,
 * version = 2}). kubectl parses it, finds no schema for a kind and skips client-side validation,
 * as it does for kinds a real server has no schema for.
 */
export function openApiV2Protobuf(): Buffer {
  const info = Buffer.concat([pbString(1, 'Kubernetes'), pbString(2, KUBE_VERSION.gitVersion)]);
  return Buffer.concat([pbString(1, '2.0'), Buffer.from([(2 << 3) | 2, info.length]), info]);
}
