/**
 * The PATCH flavours kube-apiserver accepts: JSON merge patch (RFC 7386), JSON patch (RFC 6902),
 * strategic merge patch (lists of named things — containers, env, volumes, ports — merge by key;
 * `$patch: delete` and `$setElementOrder`/`$retainKeys` directives are honoured or dropped) and
 * server-side apply, approximated as a strategic merge of the applied configuration.
 */
import type { KubeObject } from './resources.ts';
import { ApiError, badRequest, failure } from './status.ts';
import { strategicMerge } from '../../engine/strategic-merge.ts';

export { strategicMerge };

type Json = unknown;

function isObject(v: Json): v is Record<string, Json> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** RFC 7386: objects merge recursively, `null` deletes, everything else replaces. */
export function mergePatch(target: Json, patch: Json): Json {
  if (!isObject(patch)) return patch;
  const out: Record<string, Json> = isObject(target) ? { ...target } : {};
  for (const [k, v] of Object.entries(patch)) {
    if (v === null) delete out[k];
    else out[k] = mergePatch(out[k], v);
  }
  return out;
}

function unescape(token: string): string {
  return token.replace(/~1/g, '/').replace(/~0/g, '~');
}

function pointer(path: string): string[] {
  if (path === '') return [];
  if (!path.startsWith('/')) throw badRequest(`JSON pointer must start with '/': ${path}`);
  return path.slice(1).split('/').map(unescape);
}

function invalidPatch(message: string): ApiError {
  return new ApiError(failure(422, 'Invalid', message));
}

/** Walks to the parent container of `tokens`; returns the container and the last key. */
function parentOf(doc: Json, tokens: string[], path: string): [Record<string, Json> | Json[], string] {
  let cur: Json = doc;
  for (const t of tokens.slice(0, -1)) {
    if (Array.isArray(cur)) cur = cur[Number(t)];
    else if (isObject(cur)) cur = cur[t];
    else cur = undefined;
    if (cur === undefined)
      throw invalidPatch(
        `the server rejected our request due to an error in our request: doc is missing path: "${path}": missing value`,
      );
  }
  if (!Array.isArray(cur) && !isObject(cur)) throw invalidPatch(`doc is missing path: "${path}"`);
  return [cur, tokens[tokens.length - 1]!];
}

function getAt(doc: Json, path: string): Json {
  let cur: Json = doc;
  for (const t of pointer(path)) {
    if (Array.isArray(cur)) cur = cur[Number(t)];
    else if (isObject(cur)) cur = cur[t];
    else return undefined;
  }
  return cur;
}

function addAt(doc: Json, path: string, value: Json, replace: boolean): Json {
  const tokens = pointer(path);
  if (tokens.length === 0) return value;
  const [parent, key] = parentOf(doc, tokens, path);
  if (Array.isArray(parent)) {
    const i = key === '-' ? parent.length : Number(key);
    if (!Number.isInteger(i) || i < 0 || i > parent.length) throw invalidPatch(`index out of bounds: ${path}`);
    if (replace) parent[i] = value;
    else parent.splice(i, 0, value);
  } else {
    if (replace && !(key in parent))
      throw invalidPatch(`replace operation does not apply: doc is missing key: ${path}`);
    parent[key] = value;
  }
  return doc;
}

function removeAt(doc: Json, path: string): Json {
  const tokens = pointer(path);
  const [parent, key] = parentOf(doc, tokens, path);
  if (Array.isArray(parent)) {
    const i = Number(key);
    if (!(i >= 0 && i < parent.length))
      throw invalidPatch(`remove operation does not apply: doc is missing path: "${path}"`);
    parent.splice(i, 1);
  } else {
    if (!(key in parent))
      throw invalidPatch(`remove operation does not apply: doc is missing path: "${path}": missing value`);
    delete parent[key];
  }
  return doc;
}

/** RFC 6902 on a deep copy of `target`. */
export function jsonPatch(target: Json, ops: Json): Json {
  if (!Array.isArray(ops)) throw badRequest('json: cannot unmarshal object into Go value of type jsonpatch.Patch');
  let doc = structuredClone(target);
  for (const op of ops) {
    if (!isObject(op) || typeof op.path !== 'string') throw badRequest('invalid JSON patch operation');
    const path = op.path;
    switch (op.op) {
      case 'add':
        doc = addAt(doc, path, structuredClone(op.value), false);
        break;
      case 'replace':
        doc = addAt(doc, path, structuredClone(op.value), true);
        break;
      case 'remove':
        doc = removeAt(doc, path);
        break;
      case 'copy':
      case 'move': {
        const from = String(op.from);
        const v = structuredClone(getAt(doc, from));
        if (v === undefined) throw invalidPatch(`${op.op} operation does not apply: doc is missing from path: ${from}`);
        if (op.op === 'move') doc = removeAt(doc, from);
        doc = addAt(doc, path, v, false);
        break;
      }
      case 'test': {
        if (JSON.stringify(getAt(doc, path)) !== JSON.stringify(op.value)) {
          throw invalidPatch(
            `the server rejected our request due to an error in our request: testing value ${path} failed: test failed`,
          );
        }
        break;
      }
      default:
        throw badRequest(`Unexpected kind: ${String(op.op)}`);
    }
  }
  return doc;
}

export type PatchType = 'json' | 'merge' | 'strategic' | 'apply';

/** Maps a PATCH Content-Type to its flavour, or undefined if the server does not accept it. */
export function patchTypeOf(contentType: string | undefined): PatchType | undefined {
  const ct = (contentType ?? '').split(';')[0]!.trim().toLowerCase();
  if (ct === 'application/json-patch+json') return 'json';
  if (ct === 'application/merge-patch+json') return 'merge';
  if (ct === 'application/strategic-merge-patch+json') return 'strategic';
  if (ct === 'application/apply-patch+yaml' || ct === 'application/apply-patch+json') return 'apply';
  return undefined;
}

/** Applies a parsed patch body to `current`. */
export function applyPatch(type: PatchType, current: KubeObject, patch: Json): KubeObject {
  if (type !== 'json' && !isObject(patch)) throw badRequest('the body of the request is not a JSON object');
  let out: Json;
  if (type === 'json') out = jsonPatch(current, patch);
  else if (type === 'merge') out = mergePatch(current, patch);
  else out = strategicMerge(current, patch);
  if (!isObject(out)) throw badRequest('patch result is not an object');
  return out as KubeObject;
}
