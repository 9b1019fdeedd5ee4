/**
 * expr-lang's built-in functions (`builtin/builtin.go`, `builtin/lib.go`): predicates (`filter`, `map`,
 * `all`, `any`, `none`, `one`, `count`, `sum`, `find*`, `groupBy`, `sortBy`, `reduce`), strings, numbers,
 * arrays, maps, conversions and JSON/base64. `now`, `date`, `duration` and `timezone` are in
 * time-values.ts (`now()` is the caller's clock, never the wall clock).
 */
import type { Node } from './ast.ts';
import { ExprPanic } from './errors.ts';
import { fetch } from './values.ts';
import { fromBase64, toBase64 } from './base64.ts';
import {
  asBool,
  asString,
  equal,
  exprType,
  Float,
  fromGoJson,
  goJson,
  goString,
  goType,
  isMap,
  isNumber,
  num,
  type Value,
  type VMap,
} from './values.ts';

/** A compiled predicate: called per element (`#`), with `#acc`/`#index` for reduce. */
export type PredicateFn = (item: Value, extra?: { acc?: Value; index?: number }) => Value;
type ArgEval = (arg: Node) => Value | PredicateFn;

function array(name: string, v: Value): Value[] {
  if (Array.isArray(v)) return v;
  throw new ExprPanic(`cannot use ${goType(v)} as argument (type []interface {}) to call ${name} `);
}

function predicateBuiltin(name: string, xs: Value[], p: PredicateFn, rest: Value[]): Value {
  switch (name) {
    case 'all':
      return xs.every((x) => asBool(p(x)));
    case 'any':
      return xs.some((x) => asBool(p(x)));
    case 'none':
      return !xs.some((x) => asBool(p(x)));
    case 'one':
      return xs.filter((x) => asBool(p(x))).length === 1;
    case 'filter':
      return xs.filter((x) => asBool(p(x)));
    case 'map':
      return xs.map((x, i) => p(x, { index: i }));
    case 'count':
      return xs.filter((x) => asBool(p(x))).length;
    case 'sum':
      return sum(xs.map((x) => p(x)));
    case 'find':
      return xs.find((x) => asBool(p(x))) ?? null;
    case 'findIndex':
      return xs.findIndex((x) => asBool(p(x)));
    case 'findLast':
      return [...xs].reverse().find((x) => asBool(p(x))) ?? null;
    case 'findLastIndex': {
      for (let i = xs.length - 1; i >= 0; i--) if (asBool(p(xs[i] as Value))) return i;
      return -1;
    }
    case 'groupBy': {
      const out: VMap = {};
      for (const x of xs) ((out[goString(p(x))] ??= []) as Value[]).push(x);
      return out;
    }
    case 'sortBy': {
      const keyed = xs.map((x) => ({ x, k: p(x) }));
      const desc = rest[0] === 'desc';
      keyed.sort((a, b) => order(a.k, b.k) * (desc ? -1 : 1));
      return keyed.map((e) => e.x);
    }
    default:
      return reduce(xs, p, rest);
  }
}

function reduce(xs: Value[], p: PredicateFn, rest: Value[]): Value {
  let start = 0;
  let acc: Value;
  if (rest.length > 0) acc = rest[0] as Value;
  else {
    if (xs.length === 0) throw new ExprPanic('reduce of empty array with no initial value');
    acc = xs[0] as Value;
    start = 1;
  }
  for (let i = start; i < xs.length; i++) acc = p(xs[i] as Value, { acc, index: i });
  return acc;
}

function order(a: Value, b: Value): number {
  if (isNumber(a) && isNumber(b)) return num(a) - num(b);
  if (typeof a === 'string' && typeof b === 'string') return a < b ? -1 : a > b ? 1 : 0;
  throw new ExprPanic(`invalid operation: < (mismatched types ${goType(a)} and ${goType(b)})`);
}

function sum(xs: Value[]): Value {
  let total = 0;
  let float = false;
  for (const x of xs) {
    if (!isNumber(x)) throw new ExprPanic(`invalid operation: + (mismatched types int and ${goType(x)})`);
    if (x instanceof Float) float = true;
    total += num(x);
  }
  return float ? new Float(total) : total;
}

/** Calls built-in `name` with its argument nodes (predicates stay unevaluated). */
export function callBuiltin(name: string, args: Node[], evalArg: ArgEval): Value {
  const vals = args.map(evalArg);
  if (vals.length >= 2 && typeof vals[1] === 'function' && args[1]?.t === 'predicate') {
    const xs = array(name, vals[0] as Value);
    return predicateBuiltin(name, xs, vals[1] as PredicateFn, vals.slice(2) as Value[]);
  }
  if (name === 'count' || name === 'sum') {
    const xs = array(name, vals[0] as Value);
    return name === 'sum' ? sum(xs) : xs.filter((x) => asBool(x)).length;
  }
  const fn = SIMPLE[name];
  if (!fn) throw new ExprPanic(`function ${name} is not supported yet`);
  return fn(...(vals as Value[]));
}

/** expr-lang's `int()` (Argo's `asInt`). */
export function toIntValue(x: Value): Value {
  if (typeof x === 'number') return x;
  if (x instanceof Float) return Math.trunc(x.v);
  if (typeof x === 'string') {
    if (!/^[+-]?\d+$/.test(x)) throw new ExprPanic(`invalid operation: int(${x})`);
    return Number(x);
  }
  throw new ExprPanic(`invalid operation: int(${goType(x)})`);
}

/** expr-lang's `float()` (Argo's `asFloat`). */
export function toFloatValue(x: Value): Value {
  if (isNumber(x)) return new Float(num(x));
  if (typeof x === 'string') {
    const t = x.trim() === x ? x : '';
    const f = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$|^[+-]?(Inf|inf|NaN)$/.test(t)
      ? Number(t.replace(/inf/i, 'Infinity'))
      : NaN;
    if (Number.isNaN(f) && !/nan/i.test(t)) throw new ExprPanic(`invalid operation: float(${x})`);
    return new Float(f);
  }
  throw new ExprPanic(`invalid operation: float(${goType(x)})`);
}

function len(v: Value): number {
  if (typeof v === 'string') return Array.from(v).length;
  if (Array.isArray(v)) return v.length;
  if (isMap(v) && typeof v !== 'function') return Object.keys(v).length;
  throw new ExprPanic(`invalid argument for len (type ${goType(v)})`);
}

function minMax(name: string, args: Value[]): Value {
  const flat: Value[] = [];
  for (const a of args) flat.push(...(Array.isArray(a) ? a : [a]));
  let best: Value = null;
  for (const x of flat) {
    if (!isNumber(x)) throw new ExprPanic(`invalid argument for ${name} (type ${goType(x)})`);
    if (best === null || (name === 'max' ? num(x) > num(best) : num(x) < num(best))) best = x;
  }
  return best;
}

function numbers(name: string, v: Value): number[] {
  return (Array.isArray(v) ? v : [v]).map((x) => {
    if (!isNumber(x)) throw new ExprPanic(`invalid argument for ${name} (type ${goType(x)})`);
    return num(x);
  });
}

function roundFn(name: string, f: (x: number) => number): (x: Value) => Value {
  return (x) => {
    if (!isNumber(x)) throw new ExprPanic(`invalid argument for ${name} (type ${goType(x)})`);
    return new Float(f(num(x)));
  };
}

function splitN(s: string, sep: string, n: number | undefined, after: boolean): string[] {
  const parts = sep === '' ? Array.from(s) : s.split(sep);
  const withSep = after && sep !== '' ? parts.map((p, i) => (i < parts.length - 1 ? p + sep : p)) : parts;
  if (n === undefined || n < 0 || withSep.length <= n) return n === 0 ? [] : withSep;
  const head = withSep.slice(0, n - 1);
  const tail = withSep.slice(n - 1).join(after ? '' : sep);
  return [...head, tail];
}

function sortValues(xs: Value, dir: Value = 'asc'): Value {
  if (dir !== 'asc' && dir !== 'desc') throw new ExprPanic(`unknown order, use asc or desc`);
  const copy = [...array('sort', xs)];
  copy.sort((a, b) => order(a, b) * (dir === 'desc' ? -1 : 1));
  return copy;
}

function mean(xs: Value): Value {
  const ns = numbers('mean', xs);
  return new Float(ns.length === 0 ? 0 : ns.reduce((a, b) => a + b, 0) / ns.length);
}

function median(xs: Value): Value {
  const ns = numbers('median', xs).sort((a, b) => a - b);
  if (ns.length === 0) return new Float(0);
  const mid = Math.floor(ns.length / 2);
  return new Float(ns.length % 2 === 1 ? (ns[mid] as number) : ((ns[mid - 1] as number) + (ns[mid] as number)) / 2);
}

function flatten(xs: Value): Value[] {
  const out: Value[] = [];
  for (const x of array('flatten', xs)) out.push(...(Array.isArray(x) ? flatten(x) : [x]));
  return out;
}

function mapOf(name: string, v: Value): VMap {
  if (isMap(v) && typeof v !== 'function') return v;
  throw new ExprPanic(`cannot use ${goType(v)} as argument (type map[string]interface {}) to call ${name} `);
}

function bits(f: (a: bigint, b: bigint) => bigint): (a: Value, b: Value) => Value {
  return (a, b) => Number(BigInt.asIntN(64, f(BigInt(toIntValue(a) as number), BigInt(toIntValue(b) as number))));
}

const SIMPLE: Record<string, (...a: Value[]) => Value> = {
  len: (v) => len(v),
  type: (v) => exprType(v),
  abs: (x) =>
    x instanceof Float ? new Float(Math.abs(x.v)) : isNumber(x) ? Math.abs(x) : (numbers('abs', x)[0] ?? null),
  ceil: roundFn('ceil', Math.ceil),
  floor: roundFn('floor', Math.floor),
  round: roundFn('round', (x) => Math.sign(x) * Math.round(Math.abs(x))),
  int: (x) => toIntValue(x),
  float: (x) => toFloatValue(x),
  string: (x) => goString(x),
  trim: (s, chars) => (chars === undefined ? asString(s).trim() : trimChars(asString(s), asString(chars))),
  trimPrefix: (s, p) => (asString(s).startsWith(asString(p)) ? asString(s).slice(asString(p).length) : asString(s)),
  trimSuffix: (s, p) =>
    asString(s).endsWith(asString(p)) && asString(p) !== '' ? asString(s).slice(0, -asString(p).length) : asString(s),
  upper: (s) => asString(s).toUpperCase(),
  lower: (s) => asString(s).toLowerCase(),
  split: (s, sep, n) => splitN(asString(s), asString(sep), n === undefined ? undefined : num(n), false),
  splitAfter: (s, sep, n) => splitN(asString(s), asString(sep), n === undefined ? undefined : num(n), true),
  replace: (s, o, n) => asString(s).split(asString(o)).join(asString(n)),
  repeat: (s, n) => asString(s).repeat(Math.max(0, toIntValue(n) as number)),
  join: (xs, sep = '') => array('join', xs).map(asString).join(asString(sep)),
  indexOf: (s, sub) => asString(s).indexOf(asString(sub)),
  lastIndexOf: (s, sub) => asString(s).lastIndexOf(asString(sub)),
  hasPrefix: (s, p) => asString(s).startsWith(asString(p)),
  hasSuffix: (s, p) => asString(s).endsWith(asString(p)),
  max: (...xs) => minMax('max', xs),
  min: (...xs) => minMax('min', xs),
  mean: (xs) => mean(xs),
  median: (xs) => median(xs),
  toJSON: (v) => goJson(v, '  '),
  fromJSON: (s) => fromGoJson(asString(s)),
  toBase64: (s) => toBase64(asString(s)),
  fromBase64: (s) => fromBase64(asString(s)),
  first: (xs) => (Array.isArray(xs) ? (xs[0] ?? null) : null),
  last: (xs) => (Array.isArray(xs) ? (xs[xs.length - 1] ?? null) : null),
  get: (v, k) => {
    try {
      return fetch(v, k);
    } catch {
      return null;
    }
  },
  take: (xs, n) => array('take', xs).slice(0, Math.max(0, toIntValue(n) as number)),
  keys: (m) => Object.keys(mapOf('keys', m)),
  values: (m) => Object.values(mapOf('values', m)),
  toPairs: (m) => Object.entries(mapOf('toPairs', m)).map(([k, v]) => [k, v]),
  fromPairs: (xs) => Object.fromEntries(array('fromPairs', xs).map((p) => [goString(fetch(p, 0)), fetch(p, 1)])),
  reverse: (xs) => [...array('reverse', xs)].reverse(),
  uniq: (xs) => array('uniq', xs).filter((x, i, all) => all.findIndex((y) => equal(x, y)) === i),
  concat: (...xss) => xss.flatMap((xs) => array('concat', xs)),
  flatten: (xs) => flatten(xs),
  sort: (xs, dir) => sortValues(xs, dir),
  bitand: bits((a, b) => a & b),
  bitor: bits((a, b) => a | b),
  bitxor: bits((a, b) => a ^ b),
  bitnand: bits((a, b) => a & ~b),
  bitshl: bits((a, b) => a << b),
  bitshr: bits((a, b) => a >> b),
  bitushr: bits((a, b) => BigInt.asUintN(64, a) >> b),
  bitnot: (a) => ~(toIntValue(a) as number),
};

function trimChars(s: string, chars: string): string {
  let a = 0;
  let b = s.length;
  while (a < b && chars.includes(s[a] as string)) a++;
  while (b > a && chars.includes(s[b - 1] as string)) b--;
  return s.slice(a, b);
}

export { asBool };
