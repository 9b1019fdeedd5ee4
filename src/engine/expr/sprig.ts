/**
 * Sprig (Masterminds/sprig v3, `GenericFuncMap` minus `env`/`expandenv`), as Argo exposes it to
 * expressions under `sprig.` — strings, lists, dicts, math (spf13/cast conversions), defaults,
 * encodings, regexes. Functions that read randomness, the environment or need hashing/semver are absent
 * and fail by name (`function uuidv4 is not supported yet`).
 */
import { ExprPanic } from './errors.ts';
import { fromBase64, toBase64 } from './base64.ts';
import { compileRegex } from './regex.ts';
import { sprigDate } from './go-time.ts';
import { Float, goJson, goString, goType, isMap, isNumber, num, type Fn, type Value, type VMap } from './values.ts';

/** spf13/cast `ToInt64`: numbers truncate, numeric strings parse, anything else is 0. */
export function castInt(v: Value): number {
  if (typeof v === 'number') return v;
  if (v instanceof Float) return Math.trunc(v.v);
  if (typeof v === 'boolean') return v ? 1 : 0;
  if (typeof v === 'string') {
    const t = v.trim();
    if (/^[+-]?\d+$/.test(t)) return Number(t);
    if (/^[+-]?0x[0-9a-f]+$/i.test(t)) return parseInt(t, 16);
    if (/^[+-]?\d*\.\d+$/.test(t)) return Math.trunc(Number(t));
    return 0;
  }
  return 0;
}

function castFloat(v: Value): number {
  if (isNumber(v)) return num(v);
  if (typeof v === 'string') {
    const f = Number(v.trim());
    return v.trim() === '' || Number.isNaN(f) ? 0 : f;
  }
  return typeof v === 'boolean' && v ? 1 : 0;
}

/** Sprig's `strval` / `toString`. */
function str(v: Value): string {
  return typeof v === 'string' ? v : goString(v);
}

function list(v: Value): Value[] {
  if (Array.isArray(v)) return v;
  if (v === null) return [];
  throw new ExprPanic(`Cannot find first on type ${goType(v)}`);
}

/** Sprig's `empty`. */
function isEmpty(v: Value): boolean {
  if (v === null || v === false || v === '') return true;
  if (isNumber(v)) return num(v) === 0;
  if (Array.isArray(v)) return v.length === 0;
  if (isMap(v) && typeof v !== 'function') return Object.keys(v).length === 0;
  return false;
}

function dict(...kv: Value[]): VMap {
  const out: VMap = {};
  for (let i = 0; i < kv.length; i += 2) out[str(kv[i] as Value)] = i + 1 < kv.length ? (kv[i + 1] as Value) : '';
  return out;
}

function asMap(v: Value): VMap {
  return isMap(v) && typeof v !== 'function' ? v : {};
}

function regexReplace(re: Value, s: Value, repl: Value, literal: boolean): string {
  const r = compileRegex(str(re), true);
  if (literal) return str(s).replace(r, () => str(repl));
  return str(s).replace(
    r,
    str(repl).replace(/\$\{(\w+)\}/g, (_m, g: string) => (/^\d+$/.test(g) ? `$${g}` : `$<${g}>`)),
  );
}

const STRINGS: Record<string, Fn> = {
  upper: (s) => str(s).toUpperCase(),
  lower: (s) => str(s).toLowerCase(),
  title: (s) => str(s).replace(/(^|[\s])(\p{L})/gu, (_m, a: string, b: string) => a + b.toUpperCase()),
  untitle: (s) => str(s).replace(/(^|[\s])(\p{L})/gu, (_m, a: string, b: string) => a + b.toLowerCase()),
  trim: (s) => str(s).trim(),
  trimAll: (cut, s) =>
    str(s).replace(new RegExp(`^[${escapeClass(str(cut))}]+|[${escapeClass(str(cut))}]+$`, 'gu'), ''),
  trimPrefix: (p, s) => (str(s).startsWith(str(p)) ? str(s).slice(str(p).length) : str(s)),
  trimSuffix: (p, s) => (str(p) !== '' && str(s).endsWith(str(p)) ? str(s).slice(0, -str(p).length) : str(s)),
  trunc: (n, s) => {
    const c = castInt(n);
    const t = str(s);
    return c < 0 ? (-c < t.length ? t.slice(t.length + c) : t) : t.slice(0, c);
  },
  substr: (a, b, s) => {
    const t = str(s);
    const start = castInt(a);
    const end = castInt(b);
    if (start < 0) return t.slice(0, end);
    if (end < 0 || end > t.length) return t.slice(start);
    return t.slice(start, end);
  },
  repeat: (n, s) => str(s).repeat(Math.max(0, castInt(n))),
  replace: (o, n, s) => str(s).split(str(o)).join(str(n)),
  contains: (sub, s) => str(s).includes(str(sub)),
  hasPrefix: (p, s) => str(s).startsWith(str(p)),
  hasSuffix: (p, s) => str(s).endsWith(str(p)),
  quote: (...xs) =>
    xs
      .filter((x) => x !== null)
      .map((x) => JSON.stringify(str(x)))
      .join(' '),
  squote: (...xs) =>
    xs
      .filter((x) => x !== null)
      .map((x) => `'${str(x)}'`)
      .join(' '),
  cat: (...xs) =>
    xs
      .filter((x) => x !== null)
      .map(str)
      .join(' '),
  indent: (n, s) => indent(castInt(n), str(s)),
  nindent: (n, s) => `\n${indent(castInt(n), str(s))}`,
  nospace: (s) => str(s).replace(/\s/g, ''),
  toString: (v: Value) => str(v),
  toStrings: (v) => list(v).map(str),
  splitList: (sep, s) => str(s).split(str(sep)),
  split: (sep, s) =>
    Object.fromEntries(
      str(s)
        .split(str(sep))
        .map((p, i) => [`_${i}`, p]),
    ),
  join: (sep, v) => (Array.isArray(v) ? v.map(str) : [str(v)]).join(str(sep)),
  sortAlpha: (v) => list(v).map(str).sort(),
  snakecase: (s) => words(str(s)).join('_').toLowerCase(),
  kebabcase: (s) => words(str(s)).join('-').toLowerCase(),
  camelcase: (s) =>
    str(s)
      .split('_')
      .map((w) => (w ? (w[0] as string).toUpperCase() + w.slice(1) : ''))
      .join(''),
  b64enc: (s) => toBase64(str(s)),
  b64dec: (s) => {
    try {
      return fromBase64(str(s));
    } catch (e) {
      return (e as Error).message;
    }
  },
  regexMatch: (re, s) => compileRegex(str(re)).test(str(s)),
  regexFind: (re, s) => compileRegex(str(re)).exec(str(s))?.[0] ?? '',
  regexFindAll: (re, s, n) => {
    const all = Array.from(str(s).matchAll(compileRegex(str(re), true)), (m) => m[0]);
    return castInt(n) < 0 ? all : all.slice(0, castInt(n));
  },
  regexReplaceAll: (re, s, r) => regexReplace(re, s, r, false),
  regexReplaceAllLiteral: (re, s, r) => regexReplace(re, s, r, true),
  regexSplit: (re, s, n) => {
    const parts = str(s).split(compileRegex(str(re), true));
    return castInt(n) < 0 ? parts : parts.slice(0, castInt(n));
  },
  regexQuoteMeta: (s) => str(s).replace(/[\\.+*?()|[\]{}^$]/g, '\\$&'),
};

function escapeClass(s: string): string {
  return s.replace(/[\\\]^-]/g, '\\$&');
}

function indent(n: number, s: string): string {
  const pad = ' '.repeat(Math.max(0, n));
  return pad + s.replace(/\n/g, `\n${pad}`);
}

function words(s: string): string[] {
  return s
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .split(/[\s_-]+/)
    .filter((w) => w !== '');
}

const MATH: Record<string, Fn> = {
  add: (...xs) => xs.reduce<number>((a, x) => a + castInt(x), 0),
  add1: (x) => castInt(x) + 1,
  sub: (a, b) => castInt(a) - castInt(b),
  mul: (...xs) => xs.reduce<number>((a, x) => a * castInt(x), 1),
  div: (a, b) => {
    if (castInt(b) === 0) throw new ExprPanic('runtime error: integer divide by zero');
    return Math.trunc(castInt(a) / castInt(b));
  },
  mod: (a, b) => {
    if (castInt(b) === 0) throw new ExprPanic('runtime error: integer divide by zero');
    return castInt(a) % castInt(b);
  },
  max: (a, ...xs) => xs.reduce<number>((m, x) => Math.max(m, castInt(x)), castInt(a)),
  min: (a, ...xs) => xs.reduce<number>((m, x) => Math.min(m, castInt(x)), castInt(a)),
  addf: (...xs) => new Float(xs.reduce<number>((a, x) => a + castFloat(x), 0)),
  subf: (a, ...xs) => new Float(xs.reduce<number>((m, x) => m - castFloat(x), castFloat(a))),
  mulf: (a, ...xs) => new Float(xs.reduce<number>((m, x) => m * castFloat(x), castFloat(a))),
  divf: (a, ...xs) => new Float(xs.reduce<number>((m, x) => m / castFloat(x), castFloat(a))),
  floor: (x) => new Float(Math.floor(castFloat(x))),
  ceil: (x) => new Float(Math.ceil(castFloat(x))),
  round: (x, p) => {
    const f = 10 ** castInt(p ?? 0);
    return new Float(Math.round(castFloat(x) * f) / f);
  },
  atoi: (s) => (/^[+-]?\d+$/.test(str(s)) ? Number(str(s)) : 0),
  int: (v) => castInt(v),
  int64: (v) => castInt(v),
  float64: (v) => new Float(castFloat(v)),
  seq: (...xs) => seq(xs.map(castInt)),
  until: (n) => Array.from({ length: Math.max(0, castInt(n)) }, (_v, i) => i),
  untilStep: (a, b, s) => untilStep(castInt(a), castInt(b), castInt(s)),
};

function untilStep(start: number, stop: number, step: number): number[] {
  const out: number[] = [];
  if (step === 0) return out;
  for (let i = start; step > 0 ? i < stop : i > stop; i += step) out.push(i);
  return out;
}

function seq(xs: number[]): string {
  const [a, b, c] = xs;
  if (xs.length === 1) return untilStep(1, (a as number) + 1, 1).join(' ');
  if (xs.length === 2) return untilStep(a as number, (b as number) + (a! <= b! ? 1 : -1), a! <= b! ? 1 : -1).join(' ');
  if (xs.length === 3)
    return untilStep(a as number, (c as number) + ((b as number) > 0 ? 1 : -1), b as number).join(' ');
  return '';
}

const LISTS: Record<string, Fn> = {
  list: (...xs) => xs,
  first: (v) => list(v)[0] ?? null,
  last: (v) => list(v)[list(v).length - 1] ?? null,
  rest: (v) => list(v).slice(1),
  initial: (v) => list(v).slice(0, -1),
  append: (v, x) => [...list(v), x],
  prepend: (v, x) => [x, ...list(v)],
  concat: (...vs) => vs.flatMap(list),
  reverse: (v) => [...list(v)].reverse(),
  uniq: (v) => list(v).filter((x, i, all) => all.findIndex((y) => goJson(y) === goJson(x)) === i),
  without: (v, ...xs) => list(v).filter((x) => !xs.some((y) => goJson(y) === goJson(x))),
  has: (needle, v) => list(v).some((x) => goJson(x) === goJson(needle)),
  compact: (v) => list(v).filter((x) => !isEmpty(x)),
  slice: (v, ...ix) =>
    list(v).slice(ix[0] === undefined ? 0 : castInt(ix[0]), ix[1] === undefined ? undefined : castInt(ix[1])),
  dict: (...kv) => dict(...kv),
  get: (d, k) => asMap(d)[str(k)] ?? '',
  set: (d, k, v) => Object.assign(asMap(d), { [str(k)]: v }),
  unset: (d, k) => Object.fromEntries(Object.entries(asMap(d)).filter(([key]) => key !== str(k))),
  hasKey: (d, k) => Object.prototype.hasOwnProperty.call(asMap(d), str(k)),
  keys: (...ds) => ds.flatMap((d) => Object.keys(asMap(d))),
  values: (d) => Object.values(asMap(d)),
  pick: (d, ...ks) => Object.fromEntries(Object.entries(asMap(d)).filter(([k]) => ks.map(str).includes(k))),
  omit: (d, ...ks) => Object.fromEntries(Object.entries(asMap(d)).filter(([k]) => !ks.map(str).includes(k))),
  merge: (d, ...ss) => ss.reduce<VMap>((acc, s) => ({ ...asMap(s), ...acc }), asMap(d)),
  default: (d, ...given) => (given.length === 0 || isEmpty(given[0] as Value) ? d : (given[0] as Value)),
  empty: (v) => isEmpty(v),
  coalesce: (...xs) => xs.find((x) => !isEmpty(x)) ?? null,
  ternary: (t, f, c) => (c === true ? t : f),
  fail: (msg) => {
    throw new ExprPanic(str(msg));
  },
  toJson: (v) => goJson(v),
  toPrettyJson: (v) => goJson(v, '  '),
  toRawJson: (v) =>
    goJson(v)
      .replace(/\\u003c/g, '<')
      .replace(/\\u003e/g, '>')
      .replace(/\\u0026/g, '&'),
  typeOf: (v) => goType(v),
  kindOf: (v) => kindOf(v),
  typeIs: (t, v) => str(t) === goType(v),
  kindIs: (k, v) => str(k) === kindOf(v),
  deepEqual: (a, b) => goJson(a) === goJson(b),
};

function kindOf(v: Value): string {
  if (v === null) return 'invalid';
  if (typeof v === 'number') return 'int';
  if (v instanceof Float) return 'float64';
  if (Array.isArray(v)) return 'slice';
  if (typeof v === 'function') return 'func';
  if (typeof v === 'object') return 'map';
  return typeof v === 'boolean' ? 'bool' : 'string';
}

/** The `sprig` map of an expression environment; `nowMs` feeds the date functions. */
export function sprigFunctions(nowMs: number): VMap {
  return { ...STRINGS, ...MATH, ...LISTS, date: (layout, when) => sprigDate(str(layout), when, nowMs) };
}
