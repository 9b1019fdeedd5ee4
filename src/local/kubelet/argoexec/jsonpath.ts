/**
 * `kubectl get -o jsonpath=…` for resource template outputs (`valueFrom.jsonPath`): text with `{…}`
 * expressions; an expression is `.field`, `['field']`, `[n]` and `[*]` steps from the object (`$` or
 * nothing at the start). Strings print as they are, other values as JSON, several results separated by
 * spaces, as kubectl prints them. Filters, ranges and recursive descent are refused by name.
 */

/** A JSONPath expression this implementation does not understand. */
export class JsonPathError extends Error {
  override name = 'JsonPathError';
}

type Step = { field: string } | { index: number } | { all: true };

function parseSteps(expr: string): Step[] {
  const steps: Step[] = [];
  let rest = expr.trim().replace(/^\$/, '');
  while (rest.length > 0) {
    let m: RegExpExecArray | null;
    if ((m = /^\.([A-Za-z0-9_\-/]+)/.exec(rest))) steps.push({ field: m[1]! });
    else if ((m = /^\[\*\]/.exec(rest)) || (m = /^\.\*/.exec(rest))) steps.push({ all: true });
    else if ((m = /^\[(-?\d+)\]/.exec(rest))) steps.push({ index: Number(m[1]) });
    else if ((m = /^\[['"]([^'"]+)['"]\]/.exec(rest))) steps.push({ field: m[1]! });
    else if (rest === '.') break;
    else
      throw new JsonPathError(`jsonpath expression '{${expr}}' is not supported by the local executor near '${rest}'`);
    rest = rest.slice(m ? m[0].length : rest.length);
  }
  return steps;
}

function step(values: unknown[], s: Step): unknown[] {
  const out: unknown[] = [];
  for (const v of values) {
    if ('field' in s) {
      if (v && typeof v === 'object' && !Array.isArray(v) && Object.hasOwn(v, s.field))
        out.push((v as Record<string, unknown>)[s.field]);
    } else if ('index' in s) {
      if (Array.isArray(v)) {
        const i = s.index < 0 ? v.length + s.index : s.index;
        if (i >= 0 && i < v.length) out.push(v[i]);
      }
    } else if (Array.isArray(v)) out.push(...v);
    else if (v && typeof v === 'object') out.push(...Object.values(v));
  }
  return out;
}

function print(v: unknown): string {
  return typeof v === 'string' ? v : JSON.stringify(v);
}

/** Evaluates a kubectl JSONPath template against an object; throws {@link JsonPathError}. */
export function evalJsonPath(template: string, doc: unknown): string {
  let out = '';
  let rest = template;
  while (rest.length > 0) {
    const open = rest.indexOf('{');
    if (open < 0) return out + rest;
    out += rest.slice(0, open);
    const close = rest.indexOf('}', open);
    if (close < 0) throw new JsonPathError(`unclosed action in jsonpath '${template}'`);
    const expr = rest.slice(open + 1, close);
    if (/^\s*(range|end|@|\.\.)/.test(expr) || expr.includes('?(') || expr.includes('..'))
      throw new JsonPathError(
        `jsonpath '{${expr}}' (filters, ranges, recursive descent) is not supported by the local executor`,
      );
    const found = parseSteps(expr).reduce<unknown[]>((vals, s) => step(vals, s), [doc]);
    out += found.map(print).join(' ');
    rest = rest.slice(close + 1);
  }
  return out;
}

/** Go's json.Marshal of decoded JSON: object keys sorted, compact. */
export function goJson(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(goJson).join(',')}]`;
  if (v && typeof v === 'object')
    return `{${Object.keys(v)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${goJson((v as Record<string, unknown>)[k])}`)
      .join(',')}}`;
  return JSON.stringify(v);
}
