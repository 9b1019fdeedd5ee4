/**
 * `successCondition`/`failureCondition` of resource templates as Argo's executor evaluates them: the
 * text is a Kubernetes label selector (`status.succeeded > 2, status.phase in (Failed, Error)`),
 * parsed as `labels.Parse` does, and each requirement's key is a gjson path into the object's JSON
 * (`gjsonLabels` in workflow/executor/resource.go). Values are read as gjson's `String()` reads them.
 */

export type Operator = '=' | '==' | '!=' | 'in' | 'notin' | 'exists' | '!' | '>' | '<';

export interface Requirement {
  key: string;
  op: Operator;
  values: string[];
}

/** A condition that does not parse (the node fails with Argo's message). */
export class ConditionError extends Error {
  override name = 'ConditionError';
}

/** Splits on commas outside parentheses. */
function splitTop(text: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let cur = '';
  for (const ch of text) {
    if (ch === '(') depth++;
    if (ch === ')') depth--;
    if (ch === ',' && depth === 0) {
      parts.push(cur);
      cur = '';
    } else cur += ch;
  }
  parts.push(cur);
  return parts.map((p) => p.trim());
}

const KEY = String.raw`[A-Za-z0-9_.\-/#*?\\]+`;
const SET = new RegExp(`^(${KEY})\\s+(in|notin)\\s*\\((.*)\\)$`);
const CMP = new RegExp(`^(${KEY})\\s*(==|!=|=|>|<)\\s*(.*)$`);
const EXISTS = new RegExp(`^(!?)\\s*(${KEY})$`);

function parseOne(part: string): Requirement {
  let m = SET.exec(part);
  if (m) return { key: m[1]!, op: m[2] as Operator, values: m[3]!.split(',').map((v) => v.trim()) };
  m = CMP.exec(part);
  if (m) {
    const op = m[2] as Operator;
    const value = m[3]!.trim();
    if ((op === '>' || op === '<') && !/^-?\d+$/.test(value))
      throw new ConditionError(`for 'Gt', 'Lt' operators, the value must be an integer: '${value}'`);
    if (/\s/.test(value)) throw new ConditionError(`found '${value.split(/\s/)[1]}', expected: ',' or 'end of string'`);
    return { key: m[1]!, op, values: [value] };
  }
  m = EXISTS.exec(part);
  if (m) return { key: m[2]!, op: m[1] ? '!' : 'exists', values: [] };
  throw new ConditionError(`unable to parse requirement: '${part}'`);
}

/** Parses a condition; throws {@link ConditionError}. */
export function parseCondition(text: string): Requirement[] {
  return splitTop(text)
    .filter((p) => p !== '')
    .map(parseOne);
}

/** The requirement as labels.Requirement.String() prints it (used in Argo's messages). */
export function requirementText(r: Requirement): string {
  if (r.op === 'exists') return r.key;
  if (r.op === '!') return `!${r.key}`;
  if (r.op === 'in' || r.op === 'notin') return `${r.key} ${r.op} (${r.values.join(',')})`;
  return `${r.key}${r.op}${r.values[0]}`;
}

/** gjson path segments: dots separate, `\.` escapes a dot. */
function segments(path: string): string[] {
  const out: string[] = [];
  let cur = '';
  for (let i = 0; i < path.length; i++) {
    const ch = path[i]!;
    if (ch === '\\' && i + 1 < path.length) cur += path[++i];
    else if (ch === '.') {
      out.push(cur);
      cur = '';
    } else cur += ch;
  }
  out.push(cur);
  return out;
}

/** The value at a gjson path (`a.b.0.c`, `items.#` for a length), or undefined when it does not exist. */
export function gjsonGet(doc: unknown, path: string): unknown {
  let cur: unknown = doc;
  for (const seg of segments(path)) {
    if (Array.isArray(cur)) {
      if (seg === '#') cur = cur.length;
      else if (/^\d+$/.test(seg)) cur = cur[Number(seg)];
      else return undefined;
    } else if (cur && typeof cur === 'object' && Object.hasOwn(cur, seg)) cur = (cur as Record<string, unknown>)[seg];
    else return undefined;
    if (cur === undefined) return undefined;
  }
  return cur;
}

/** gjson's `String()`: strings as is, null as empty, everything else as its JSON. */
export function gjsonString(v: unknown): string {
  if (typeof v === 'string') return v;
  if (v === null || v === undefined) return '';
  return JSON.stringify(v);
}

/** labels.Requirement.Matches over the object's JSON. */
export function matches(r: Requirement, doc: unknown): boolean {
  const v = gjsonGet(doc, r.key);
  const has = v !== undefined;
  const s = gjsonString(v);
  switch (r.op) {
    case '=':
    case '==':
    case 'in':
      return has && r.values.includes(s);
    case '!=':
    case 'notin':
      return !has || !r.values.includes(s);
    case 'exists':
      return has;
    case '!':
      return !has;
    case '>':
    case '<': {
      if (!has || !/^-?\d+$/.test(s)) return false;
      const n = Number(s);
      const want = Number(r.values[0]);
      return r.op === '>' ? n > want : n < want;
    }
  }
}

/** Argo's `matchConditions`: 'failed' (with Argo's message), 'succeeded', or 'waiting'. */
export function conditionState(
  doc: unknown,
  success: Requirement[],
  failure: Requirement[],
): { state: 'failed'; message: string } | { state: 'succeeded' | 'waiting' } {
  for (const r of failure)
    if (matches(r, doc))
      return { state: 'failed', message: `failure condition '${requirementText(r)}' evaluated true` };
  return success.every((r) => matches(r, doc)) ? { state: 'succeeded' } : { state: 'waiting' };
}
