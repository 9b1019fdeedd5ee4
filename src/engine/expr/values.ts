/**
 * expr-lang values in JavaScript. Go distinguishes `int` from `float64`; so does expr-lang (`type(1.0)`,
 * `%` on ints only, `%v` printing `1e+06` for a float). Integers are JS numbers; floats are wrapped in
 * {@link Float}. Arrays are JS arrays, maps plain objects, `nil` is `null`, functions are JS functions.
 */
import { ExprPanic } from './errors.ts';
import {
  formatGoDuration,
  goTimeString,
  GoDuration,
  GoLocation,
  GoTime,
  isTimeValue,
  timeEqual,
  timeTypeName,
  type TimeValue,
} from './time-values.ts';

/** A Go float64. */
export class Float {
  constructor(readonly v: number) {}
  /** JSON.stringify sees the number. */
  toJSON(): number {
    return this.v;
  }
}

/** A function callable from expressions (env functions, sprig, methods). */
export type Fn = (...args: Value[]) => Value;

/** Any expr-lang value (time values: time-values.ts). */
export type Value = null | boolean | number | Float | string | Value[] | VMap | Fn | TimeValue;

/** A map value (Go `map[string]any`). */
export interface VMap {
  [key: string]: Value;
}

/** True for int or float. */
export function isNumber(v: unknown): v is number | Float {
  return typeof v === 'number' || v instanceof Float;
}

/** The numeric value of an int or float. */
export function num(v: Value): number {
  if (typeof v === 'number') return v;
  if (v instanceof Float) return v.v;
  throw new ExprPanic(`invalid operation: float64(${goType(v)})`);
}

/** True for a map value. */
export function isMap(v: unknown): v is VMap {
  return v !== null && typeof v === 'object' && !Array.isArray(v) && !(v instanceof Float) && !isTimeValue(v);
}

/** Go's `%T` of a value, as it appears in expr-lang's messages. */
export function goType(v: Value | undefined): string {
  if (v === null || v === undefined) return '<nil>';
  if (typeof v === 'boolean') return 'bool';
  if (typeof v === 'number') return 'int';
  if (v instanceof Float) return 'float64';
  if (typeof v === 'string') return 'string';
  if (isTimeValue(v)) return timeTypeName(v);
  if (Array.isArray(v)) return '[]interface {}';
  if (typeof v === 'function') return 'func(...interface {}) interface {}';
  return 'map[string]interface {}';
}

/** expr-lang's `type(v)`. */
export function exprType(v: Value): string {
  if (v === null) return 'nil';
  if (typeof v === 'number') return 'int';
  if (v instanceof Float) return 'float';
  if (isTimeValue(v)) return timeTypeName(v);
  if (Array.isArray(v)) return 'array';
  if (typeof v === 'function') return 'func';
  if (isMap(v)) return 'map';
  return typeof v === 'boolean' ? 'bool' : 'string';
}

/** Go's `strconv.FormatFloat(f, 'g', -1, 64)` (what `%v` prints for a float64). */
export function formatFloatG(f: number): string {
  if (Number.isNaN(f)) return 'NaN';
  if (!Number.isFinite(f)) return f > 0 ? '+Inf' : '-Inf';
  if (f === 0) return Object.is(f, -0) ? '-0' : '0';
  // Shortest precision decides with precision 6: exponent < -4 or >= 6 prints as %e.
  const e = Number(f.toExponential().split('e')[1]);
  if (e < -4 || e >= 6) return goExponent(f.toExponential());
  return String(f);
}

function goExponent(js: string): string {
  const [mant, exp] = js.split('e') as [string, string];
  const sign = exp.startsWith('-') ? '-' : '+';
  const digits = exp.replace(/^[+-]/, '');
  return `${mant}e${sign}${digits.padStart(2, '0')}`;
}

/** Go's `fmt.Sprintf("%v", v)`, which expr-lang's `string()` uses. */
export function goString(v: Value): string {
  if (v === null) return '<nil>';
  if (typeof v === 'string') return v;
  if (typeof v === 'boolean' || typeof v === 'number') return String(v);
  if (v instanceof Float) return formatFloatG(v.v);
  if (v instanceof GoTime) return goTimeString(v);
  if (v instanceof GoDuration) return formatGoDuration(v.ns);
  if (v instanceof GoLocation) return v.name || 'UTC';
  if (Array.isArray(v)) return `[${v.map(goString).join(' ')}]`;
  if (typeof v === 'function') return '0x0';
  const keys = Object.keys(v).sort();
  return `map[${keys.map((k) => `${k}:${goString(v[k] as Value)}`).join(' ')}]`;
}

function jsonString(s: string): string {
  let out = '"';
  for (const ch of s) {
    const c = ch.codePointAt(0) as number;
    if (ch === '"') out += '\\"';
    else if (ch === '\\') out += '\\\\';
    else if (ch === '\n') out += '\\n';
    else if (ch === '\r') out += '\\r';
    else if (ch === '\t') out += '\\t';
    else if (ch === '\b') out += '\\b';
    else if (ch === '\f') out += '\\f';
    else if (c < 0x20 || ch === '<' || ch === '>' || ch === '&' || c === 0x2028 || c === 0x2029)
      out += `\\u${c.toString(16).padStart(4, '0')}`;
    else out += ch;
  }
  return `${out}"`;
}

function jsonFloat(f: number): string {
  if (!Number.isFinite(f)) throw new ExprPanic(`json: unsupported value: ${formatFloatG(f)}`);
  return String(f);
}

/** Go's `json.Marshal` (sorted map keys, HTML-safe escapes); `indent` as `json.MarshalIndent`. */
export function goJson(v: Value, indent = '', depth = 0): string {
  if (v === null) return 'null';
  if (typeof v === 'string') return jsonString(v);
  if (typeof v === 'boolean' || typeof v === 'number') return String(v);
  if (v instanceof Float) return jsonFloat(v.v);
  if (v instanceof GoTime) return jsonString(v.toJSON());
  if (v instanceof GoDuration) return String(v.ns);
  if (v instanceof GoLocation) return '{}';
  if (typeof v === 'function') throw new ExprPanic('json: unsupported type: func(...interface {}) interface {}');
  const nl = indent ? `\n${indent.repeat(depth + 1)}` : '';
  const end = indent ? `\n${indent.repeat(depth)}` : '';
  const sep = indent ? ': ' : ':';
  if (Array.isArray(v)) {
    if (v.length === 0) return '[]';
    return `[${v.map((x) => nl + goJson(x, indent, depth + 1)).join(',')}${end}]`;
  }
  const keys = Object.keys(v).sort();
  if (keys.length === 0) return '{}';
  return `{${keys.map((k) => nl + jsonString(k) + sep + goJson(v[k] as Value, indent, depth + 1)).join(',')}${end}}`;
}

/** Go's `json.Unmarshal` into `any`: numbers become float64. */
export function fromGoJson(text: string): Value {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new ExprPanic(goJsonError(text));
  }
  return fromPlain(parsed, true);
}

/** Go's message for JSON that does not parse (the common cases). */
function goJsonError(text: string): string {
  const t = text.trim();
  if (t === '' || /^[[{"]/.test(t)) return 'unexpected end of JSON input';
  return `invalid character '${t[0] ?? ''}' looking for beginning of value`;
}

/** Converts plain JS data to values (`floats`: every number a float64, as Go's JSON decoding does). */
export function fromPlain(x: unknown, floats: boolean): Value {
  if (x === null || x === undefined) return null;
  if (typeof x === 'number') return floats || !Number.isInteger(x) ? new Float(x) : x;
  if (typeof x === 'string' || typeof x === 'boolean') return x;
  if (Array.isArray(x)) return x.map((e) => fromPlain(e, floats));
  if (typeof x === 'object') {
    const out: VMap = {};
    for (const [k, e] of Object.entries(x)) out[k] = fromPlain(e, floats);
    return out;
  }
  return null;
}

/** expr-lang's `==`: numbers compare across int/float; otherwise Go's reflect.DeepEqual. */
export function equal(a: Value, b: Value): boolean {
  if (isNumber(a) && isNumber(b)) return num(a) === num(b);
  const t = timeEqual(a, b);
  if (t !== undefined) return t;
  return deepEqual(a, b);
}

function deepEqual(a: Value, b: Value): boolean {
  if (a === b) return true;
  if (a instanceof Float || b instanceof Float) return a instanceof Float && b instanceof Float && a.v === b.v;
  if (Array.isArray(a) || Array.isArray(b)) {
    if (!Array.isArray(a) || !Array.isArray(b) || a.length !== b.length) return false;
    return a.every((x, i) => deepEqual(x, b[i] as Value));
  }
  if (isMap(a) && isMap(b) && typeof a !== 'function' && typeof b !== 'function') {
    const ka = Object.keys(a);
    if (ka.length !== Object.keys(b).length) return false;
    return ka.every((k) => Object.prototype.hasOwnProperty.call(b, k) && deepEqual(a[k] as Value, b[k] as Value));
  }
  return false;
}

/** A Go bool, or the panic Go's type assertion raises. */
export function asBool(v: Value): boolean {
  if (typeof v === 'boolean') return v;
  throw new ExprPanic(`interface conversion: interface {} is ${v === null ? 'nil' : goType(v)}, not bool`);
}

/** A Go string argument, or the panic Go's type assertion raises. */
export function asString(v: Value): string {
  if (typeof v === 'string') return v;
  throw new ExprPanic(`interface conversion: interface {} is ${goType(v)}, not string`);
}

/** expr-lang's `runtime.Fetch`: arrays/strings by (negative) index, maps by key (missing ⇒ nil). */
export function fetch(obj: Value, key: Value): Value {
  if (Array.isArray(obj) || typeof obj === 'string') {
    const len = obj.length;
    let i = toInt(key);
    if (i < 0) i += len;
    if (i < 0 || i >= len) throw new ExprPanic(`index out of range: ${i} (array length is ${len})`);
    return typeof obj === 'string' ? obj.charCodeAt(i) : (obj[i] as Value);
  }
  if (isMap(obj) && typeof obj !== 'function') {
    const k = typeof key === 'string' ? key : String(key);
    return Object.prototype.hasOwnProperty.call(obj, k) ? (obj[k] as Value) : null;
  }
  throw new ExprPanic(`cannot fetch ${key === null ? '<nil>' : String(key)} from ${goType(obj)}`);
}

/** expr-lang's `runtime.ToInt`. */
export function toInt(v: Value): number {
  if (typeof v === 'number') return v;
  if (v instanceof Float) return Math.trunc(v.v);
  throw new ExprPanic(`invalid operation: int(${goType(v)})`);
}
