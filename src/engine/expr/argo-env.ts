/**
 * The environment Argo gives expressions (`util/expr/env`): its flat variables (`inputs.parameters.x`,
 * `workflow.name`, `item.key`, ...) expanded into nested maps (a parent whose children exist is a map,
 * not its JSON), plus `asInt`, `asFloat`, `jsonpath`, `toJson` and `sprig`. Variables come from a
 * resolver, so only the ones an expression names are looked up (large DAGs stay linear).
 */
import type { Node } from './ast.ts';
import { toFloatValue, toIntValue } from './builtins.ts';
import { ExprPanic } from './errors.ts';
import { jsonPath } from './jsonpath.ts';
import { sprigFunctions } from './sprig.ts';
import { goJson, goString, isMap, type Value, type VMap } from './values.ts';
import { ABSENT_OPTIONAL } from './absent.ts';

/** Looks a flat variable (`inputs.parameters.msg`) up; `undefined` = not available here. */
export type VariableLookup = (name: string) => string | undefined;

/** Argo's functions (besides expr-lang's built-ins). */
export function argoFunctions(nowMs: number): VMap {
  return {
    asInt: (x) => toIntValue(x),
    asFloat: (x) => toFloatValue(x),
    jsonpath: (json, path) => jsonPath(stringArg(json), stringArg(path)),
    toJson: (v) => goJson(v),
    sprig: sprigFunctions(nowMs),
  };
}

function stringArg(v: Value): string {
  if (typeof v === 'string') return v;
  throw new ExprPanic(`cannot use ${goString(v)} as argument (type string)`);
}

/** The static variable paths an expression reads (`a.b["c-d"]` ⇒ `a.b.c-d`), minus locals. */
export function variablePaths(node: Node): string[] {
  const out = new Set<string>();
  walk(node, new Set(), out);
  return [...out];
}

function staticPath(node: Node): string | undefined {
  if (node.t === 'id') return node.name;
  if (node.t === 'member' && !node.optional && node.prop.t === 'str') {
    const base = staticPath(node.obj);
    return base === undefined ? undefined : `${base}.${node.prop.v}`;
  }
  return undefined;
}

function walk(node: Node, locals: Set<string>, out: Set<string>): void {
  const path = staticPath(node);
  if (path !== undefined) {
    if (!locals.has(path.split('.')[0] as string)) out.add(path);
    return;
  }
  switch (node.t) {
    case 'member':
      walk(node.obj, locals, out);
      walk(node.prop, locals, out);
      return;
    case 'let':
      walk(node.value, locals, out);
      walk(node.body, new Set([...locals, node.name]), out);
      return;
    case 'call':
      if (node.callee.t !== 'id') walk(node.callee, locals, out);
      else if (!locals.has(node.callee.name)) out.add(node.callee.name);
      node.args.forEach((a) => walk(a, locals, out));
      return;
    default:
      for (const child of childNodes(node)) walk(child, locals, out);
  }
}

function childNodes(node: Node): Node[] {
  switch (node.t) {
    case 'slice':
      return [node.obj, ...(node.from ? [node.from] : []), ...(node.to ? [node.to] : [])];
    case 'builtin':
      return node.args;
    case 'predicate':
      return [node.body];
    case 'unary':
      return [node.arg];
    case 'binary':
      return [node.left, node.right];
    case 'cond':
      return [node.cond, node.a, node.b];
    case 'array':
      return node.items;
    case 'map':
      return node.pairs.flat();
    case 'seq':
      return node.nodes;
    default:
      return [];
  }
}

/** The environment for `paths`, and the paths that are not available (Argo leaves such tags as they are). */
export function buildEnv(paths: string[], lookup: VariableLookup, nowMs: number): { env: VMap; missing: string[] } {
  const env = argoFunctions(nowMs);
  for (const path of paths) {
    const parts = path.split('.');
    if (parts[0] === 'sprig' || parts[0] === '$env' || (parts.length === 1 && path in env)) continue;
    for (let n = parts.length; n > 0; n--) {
      const key = parts.slice(0, n).join('.');
      const value = lookup(key);
      if (value === undefined) continue;
      // An absent optional (a skipped producer's output without default) is nil, so `??` applies.
      insert(env, parts.slice(0, n), value === ABSENT_OPTIONAL ? null : parentValue(key, value, lookup));
      break;
    }
  }
  return { env, missing: paths.filter((p) => p !== '$env' && !hasPath(env, p.split('.'))) };
}

function isObjectJson(text: string): boolean {
  return text.startsWith('{') || text.startsWith('[');
}

/** Argo's `hasVarInEnv`: every part is reachable through maps. */
function hasPath(env: VMap, parts: string[]): boolean {
  let cur: Value = env;
  for (const p of parts) {
    if (!isMap(cur) || typeof cur === 'function' || !Object.prototype.hasOwnProperty.call(cur, p)) return false;
    cur = cur[p] as Value;
  }
  return true;
}

/**
 * A variable whose children also exist is a map in Argo's environment (its JSON form is dropped):
 * `item` of a map item, `inputs.parameters` (by name), `workflow.parameters`.
 */
function parentValue(key: string, value: string, lookup: VariableLookup): Value {
  if (!isObjectJson(value)) return value;
  let parsed: unknown;
  try {
    parsed = JSON.parse(value);
  } catch {
    return value;
  }
  const names = Array.isArray(parsed)
    ? key.endsWith('.parameters')
      ? parsed.map((p) => (p as { name?: unknown })?.name).filter((n): n is string => typeof n === 'string')
      : []
    : parsed !== null && typeof parsed === 'object'
      ? Object.keys(parsed)
      : [];
  if (names.length === 0 || lookup(`${key}.${names[0]}`) === undefined) return value;
  const out: VMap = {};
  for (const n of names) {
    const v = lookup(`${key}.${n}`);
    if (v !== undefined) out[n] = v;
  }
  return out;
}

function insert(env: VMap, parts: string[], value: Value): void {
  let cur = env;
  for (const p of parts.slice(0, -1)) {
    const next = cur[p];
    if (!isMap(next) || typeof next === 'function') cur[p] = {};
    cur = cur[p] as VMap;
  }
  const last = parts[parts.length - 1] as string;
  const existing = cur[last];
  if (isMap(existing) && typeof existing !== 'function' && !isMap(value)) return;
  cur[last] = value;
}
