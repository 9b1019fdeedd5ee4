/**
 * `{{...}}` substitution the way Argo's fasttemplate pass applies it: known tags are replaced,
 * unknown ones are left verbatim (they may be resolved later, e.g. `{{steps.X...}}` at group time).
 * Expression tags (`{{= ...}}`, up to the first `}}` as fasttemplate cuts them) are evaluated with
 * expr-lang over the same variables (`expr/expression-tag.ts`); one naming a variable that is not
 * available yet is left verbatim too. A failing expression throws `ExpressionTagError`.
 */
import { evaluateExpressionTag } from './expr/expression-tag.ts';
import { ABSENT_OPTIONAL, absentOptionalError } from './expr/absent.ts';

/** Looks a tag (e.g. `inputs.parameters.msg`) up; `undefined` = unknown here. */
export type Resolver = (tag: string) => string | undefined;

const TAG = /\{\{\s*([^{}]*?)\s*\}\}/g;
const SIMPLE_AT = /\{\{\s*([^{}]*?)\s*\}\}/y;

/**
 * Substitutes tags in one string. Throws `ExpressionTagError` for a failing `{{=...}}` and
 * `AbsentOptionalError` for a simple tag naming an absent optional (expr/absent.ts).
 */
export function substituteString(text: string, resolve: Resolver): string {
  if (!text.includes('{{')) return text;
  let out = '';
  let i = 0;
  for (let open = text.indexOf('{{'); open >= 0; open = text.indexOf('{{', i)) {
    out += text.slice(i, open);
    const close = text.indexOf('}}', open + 2);
    const body = close < 0 ? '' : text.slice(open + 2, close).trim();
    if (body.startsWith('=')) {
      out += evaluateExpressionTag(body.slice(1), resolve) ?? text.slice(open, close + 2);
      i = close + 2;
      continue;
    }
    SIMPLE_AT.lastIndex = open;
    const m = SIMPLE_AT.exec(text);
    if (!m) {
      out += '{{';
      i = open + 2;
      continue;
    }
    const value = resolve(m[1] as string);
    if (value === ABSENT_OPTIONAL) throw absentOptionalError(m[1] as string);
    out += value ?? m[0];
    i = open + m[0].length;
  }
  return out + text.slice(i);
}

/** Substitutes tags in every string of a JSON-like value (keys included), returning a new value. */
export function substituteDeep<T>(value: T, resolve: Resolver): T {
  return walk(value, resolve) as T;
}

function walk(value: unknown, resolve: Resolver): unknown {
  if (typeof value === 'string') return substituteString(value, resolve);
  if (Array.isArray(value)) return value.map((v) => walk(v, resolve));
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[substituteString(k, resolve)] = walk(v, resolve);
    return out;
  }
  return value;
}

/** A resolver over a plain map. */
export function mapResolver(map: Record<string, string>): Resolver {
  return (tag) => (Object.prototype.hasOwnProperty.call(map, tag) ? map[tag] : undefined);
}

/** Tries resolvers in order; the first that knows the tag wins. */
export function chainResolvers(...resolvers: Resolver[]): Resolver {
  return (tag) => {
    for (const r of resolvers) {
      const v = r(tag);
      if (v !== undefined) return v;
    }
    return undefined;
  };
}

/** All tags referenced in a string. */
export function tagsIn(text: string): string[] {
  const out: string[] = [];
  for (const m of text.matchAll(TAG)) out.push(m[1] ?? '');
  return out;
}

/** An argument that is nothing but one reference to a sibling's output. */
const PURE_OUTPUT_REF = /^\{\{\s*((?:steps|tasks)\.[^{}\s]+\.outputs\.[^{}\s]+)\s*\}\}$/;

/**
 * Argo's markAbsentOptionalArgs: an argument that is nothing but a reference to an absent optional
 * carries the marker instead, so the consumer's input default applies (template.ts processInputs).
 */
export function markAbsentArgs<P extends { value?: unknown }>(params: P[], resolve: Resolver): P[] {
  return params.map((p) => {
    const m = typeof p.value === 'string' ? PURE_OUTPUT_REF.exec(p.value) : null;
    return m && resolve(m[1] as string) === ABSENT_OPTIONAL ? { ...p, value: ABSENT_OPTIONAL } : p;
  });
}
