/**
 * Argo's `jsonpath(json, path)` (evilmonkeyinc/jsonpath): `$`, `.key`, `['key']`, `[n]` (negative
 * counts from the end), `[a:b]`, `[*]`/`.*`, `..key`, unions `[0,1]` and filters `[?(@.age > 42)]`
 * (evaluated as expr-lang with `@` the element). A definite path (names and indexes only) returns one
 * value; any other returns the array of matches.
 */
import { ExprPanic } from './errors.ts';
import { fromGoJson, isMap, type Value, type VMap } from './values.ts';
import { parseExpr } from './parser.ts';
import { evaluateNode } from './evaluate.ts';

type Segment =
  | { k: 'key'; key: string }
  | { k: 'index'; index: number }
  | { k: 'all' }
  | { k: 'deep'; key: string }
  | { k: 'slice'; from?: number; to?: number }
  | { k: 'union'; keys: (string | number)[] }
  | { k: 'filter'; expr: string };

function parseBracket(body: string): Segment {
  const t = body.trim();
  if (t === '*') return { k: 'all' };
  if (t.startsWith('?(') && t.endsWith(')')) return { k: 'filter', expr: t.slice(2, -1) };
  if (/^-?\d*:-?\d*$/.test(t)) {
    const [a, b] = t.split(':') as [string, string];
    return { k: 'slice', from: a === '' ? undefined : Number(a), to: b === '' ? undefined : Number(b) };
  }
  const keys = t.split(',').map((p) => {
    const s = p.trim();
    if (/^-?\d+$/.test(s)) return Number(s);
    if (/^(['"]).*\1$/.test(s)) return s.slice(1, -1);
    throw new ExprPanic(`jsonpath: invalid subscript '${t}'`);
  });
  if (keys.length === 1)
    return typeof keys[0] === 'number' ? { k: 'index', index: keys[0] } : { k: 'key', key: keys[0] as string };
  return { k: 'union', keys };
}

function closingBracket(path: string, open: number): number {
  let depth = 0;
  let quote = '';
  for (let i = open; i < path.length; i++) {
    const c = path[i] as string;
    if (quote) {
      if (c === quote) quote = '';
    } else if (c === "'" || c === '"') quote = c;
    else if (c === '[' || c === '(') depth++;
    else if ((c === ']' || c === ')') && --depth === 0 && c === ']') return i;
  }
  throw new ExprPanic(`jsonpath: unclosed '[' in '${path}'`);
}

function parsePath(path: string): Segment[] {
  if (!path.startsWith('$')) throw new ExprPanic(`jsonpath: path must start with '$': '${path}'`);
  const out: Segment[] = [];
  let i = 1;
  while (i < path.length) {
    if (path.startsWith('..', i)) {
      const m = /^[\w-]+|^\*/.exec(path.slice(i + 2));
      if (!m) throw new ExprPanic(`jsonpath: invalid path '${path}'`);
      out.push({ k: 'deep', key: m[0] });
      i += 2 + m[0].length;
    } else if (path[i] === '.') {
      const m = /^[\w-]+|^\*/.exec(path.slice(i + 1));
      if (!m) throw new ExprPanic(`jsonpath: invalid path '${path}'`);
      out.push(m[0] === '*' ? { k: 'all' } : { k: 'key', key: m[0] });
      i += 1 + m[0].length;
    } else if (path[i] === '[') {
      const end = closingBracket(path, i);
      out.push(parseBracket(path.slice(i + 1, end)));
      i = end + 1;
    } else {
      throw new ExprPanic(`jsonpath: invalid path '${path}'`);
    }
  }
  return out;
}

function children(v: Value): Value[] {
  if (Array.isArray(v)) return v;
  if (isMap(v) && typeof v !== 'function')
    return Object.keys(v)
      .sort()
      .map((k) => v[k] as Value);
  return [];
}

function pick(v: Value, key: string | number): Value[] {
  if (typeof key === 'number' && Array.isArray(v)) {
    const i = key < 0 ? v.length + key : key;
    return i >= 0 && i < v.length ? [v[i] as Value] : [];
  }
  if (typeof key === 'string' && isMap(v) && typeof v !== 'function' && Object.prototype.hasOwnProperty.call(v, key))
    return [v[key] as Value];
  return [];
}

function deep(v: Value, key: string): Value[] {
  const here = key === '*' ? children(v) : pick(v, key);
  return [...here, ...children(v).flatMap((c) => deep(c, key))];
}

function filter(v: Value, expr: string): Value[] {
  const node = parseExpr(expr.replace(/@/g, '__at'));
  return children(v).filter((item) => {
    try {
      return evaluateNode(node, { __at: item } as VMap, expr) === true;
    } catch {
      return false;
    }
  });
}

function step(v: Value, s: Segment): Value[] {
  switch (s.k) {
    case 'key':
      return pick(v, s.key);
    case 'index':
      return pick(v, s.index);
    case 'all':
      return children(v);
    case 'deep':
      return deep(v, s.key);
    case 'union':
      return s.keys.flatMap((k) => pick(v, k));
    case 'slice': {
      if (!Array.isArray(v)) return [];
      const n = v.length;
      const norm = (x: number | undefined, d: number): number =>
        x === undefined ? d : x < 0 ? Math.max(0, n + x) : Math.min(x, n);
      return v.slice(norm(s.from, 0), norm(s.to, n));
    }
    default:
      return filter(v, s.expr);
  }
}

/** Queries a JSON document with a JSONPath. */
export function jsonPath(json: string, path: string): Value {
  const doc = fromGoJson(json);
  const segments = parsePath(path);
  let current: Value[] = [doc];
  for (const s of segments) current = current.flatMap((v) => step(v, s));
  const definite = segments.every((s) => s.k === 'key' || s.k === 'index');
  if (!definite) return current;
  if (current.length === 0) throw new ExprPanic(`jsonpath: '${path}' not found`);
  return current[0] as Value;
}
