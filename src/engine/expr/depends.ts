/**
 * DAG `depends` expressions: task names (dashes allowed), optional `.Result`, `&&`, `||`, `!`, parentheses.
 * A bare name `A` means `(A.Succeeded || A.Skipped || A.Daemoned)` (plus `|| A.Errored` / `|| A.Failed`
 * when A has `continueOn.error` / `continueOn.failed`). `dependencies: [A, B]` is the same as `A && B`.
 */

export const DEPENDS_RESULTS = [
  'Succeeded',
  'Failed',
  'Errored',
  'Skipped',
  'Omitted',
  'Daemoned',
  'AnySucceeded',
  'AllFailed',
] as const;
export type DependsResult = (typeof DEPENDS_RESULTS)[number];

export type DependsExpr =
  | { kind: 'ref'; task: string; result?: string }
  | { kind: 'not'; expr: DependsExpr }
  | { kind: 'and' | 'or'; terms: DependsExpr[] };

/** A `depends` expression that does not parse. */
export class DependsSyntaxError extends Error {
  override name = 'DependsSyntaxError';
}

type Tok = { t: 'name'; v: string } | { t: 'op'; v: '&&' | '||' | '!' | '(' | ')' };

// Sticky regexes: tokenizing never copies the rest of the string (10k-term expressions stay linear).
const WS = /\s+/y;
const NAME = /[A-Za-z0-9_-]+(\.[A-Za-z0-9_]+)?/y;

function tokenize(text: string): Tok[] {
  const out: Tok[] = [];
  let i = 0;
  while (i < text.length) {
    WS.lastIndex = i;
    if (WS.test(text)) {
      i = WS.lastIndex;
      continue;
    }
    const two = text.slice(i, i + 2);
    if (two === '&&' || two === '||') {
      out.push({ t: 'op', v: two });
      i += 2;
      continue;
    }
    const c = text[i] as string;
    if (c === '!' || c === '(' || c === ')') {
      out.push({ t: 'op', v: c });
      i++;
      continue;
    }
    NAME.lastIndex = i;
    const name = NAME.exec(text);
    if (!name) throw new DependsSyntaxError(`unexpected character '${c}' at position ${i}`);
    out.push({ t: 'name', v: name[0] });
    i = NAME.lastIndex;
  }
  return out;
}

function ref(text: string): DependsExpr {
  const dot = text.indexOf('.');
  return dot < 0 ? { kind: 'ref', task: text } : { kind: 'ref', task: text.slice(0, dot), result: text.slice(dot + 1) };
}

/** Parses a `depends` expression (`&&`/`||` chains become n-ary nodes). Throws {@link DependsSyntaxError}. */
export function parseDepends(text: string): DependsExpr {
  const toks = tokenize(text);
  let pos = 0;
  const chain = (op: '&&' | '||', kind: 'and' | 'or', next: () => DependsExpr): DependsExpr => {
    const terms = [next()];
    while (toks[pos]?.v === op) {
      pos++;
      terms.push(next());
    }
    return terms.length === 1 ? (terms[0] as DependsExpr) : { kind, terms };
  };
  const orExpr = (): DependsExpr => chain('||', 'or', andExpr);
  const andExpr = (): DependsExpr => chain('&&', 'and', unary);
  const unary = (): DependsExpr => {
    const tok = toks[pos++];
    if (!tok) throw new DependsSyntaxError('unexpected end of expression');
    if (tok.t === 'op' && tok.v === '!') return { kind: 'not', expr: unary() };
    if (tok.t === 'op' && tok.v === '(') {
      const e = orExpr();
      if (toks[pos++]?.v !== ')') throw new DependsSyntaxError('missing closing parenthesis');
      return e;
    }
    if (tok.t === 'name') return ref(tok.v);
    throw new DependsSyntaxError(`unexpected '${tok.v}'`);
  };
  const expr = orExpr();
  if (pos < toks.length) throw new DependsSyntaxError(`unexpected '${toks[pos]?.v}'`);
  return expr;
}

/** The expression of a task: its `depends` parsed, or its `dependencies` as an n-ary `&&`. */
export function taskDependsExpr(task: { depends?: string; dependencies?: string[] }): DependsExpr | undefined {
  if (task.depends && task.depends.trim() !== '') return parseDepends(task.depends);
  const deps = task.dependencies ?? [];
  if (deps.length === 0) return undefined;
  const terms = deps.map((d) => ref(d));
  return terms.length === 1 ? terms[0] : { kind: 'and', terms };
}

function walkRefs(expr: DependsExpr, visit: (r: { task: string; result?: string }) => void): void {
  const stack = [expr];
  while (stack.length > 0) {
    const e = stack.pop() as DependsExpr;
    if (e.kind === 'ref') visit(e);
    else if (e.kind === 'not') stack.push(e.expr);
    else for (let i = e.terms.length - 1; i >= 0; i--) stack.push(e.terms[i] as DependsExpr);
  }
}

/** The tasks an expression refers to, in order of first appearance. */
export function dependsTasks(expr: DependsExpr): string[] {
  const seen = new Set<string>();
  walkRefs(expr, (r) => seen.add(r.task));
  return [...seen];
}

/** Every `.Result` used that is not one of Argo's results. */
export function unknownResults(expr: DependsExpr): string[] {
  const out: string[] = [];
  walkRefs(expr, (r) => {
    if (r.result !== undefined && !(DEPENDS_RESULTS as readonly string[]).includes(r.result)) out.push(r.result);
  });
  return out;
}

/** The observed facts about one dependency task. */
export interface TaskResults {
  phase?: string;
  daemoned?: boolean;
  anySucceeded?: boolean;
  allFailed?: boolean;
  continueOnFailed?: boolean;
  continueOnError?: boolean;
}

function result(r: TaskResults, name: string): boolean {
  switch (name) {
    case 'Succeeded':
      return r.phase === 'Succeeded';
    case 'Failed':
      return r.phase === 'Failed';
    case 'Errored':
      return r.phase === 'Error';
    case 'Skipped':
      return r.phase === 'Skipped';
    case 'Omitted':
      return r.phase === 'Omitted';
    case 'Daemoned':
      return r.daemoned === true && r.phase !== 'Pending';
    case 'AnySucceeded':
      return r.anySucceeded === true;
    case 'AllFailed':
      return r.allFailed === true;
    default:
      return false;
  }
}

/** Evaluates an expression against the results of its dependencies. */
export function evaluateDepends(expr: DependsExpr, lookup: (task: string) => TaskResults): boolean {
  switch (expr.kind) {
    case 'ref': {
      const r = lookup(expr.task);
      if (expr.result !== undefined) return result(r, expr.result);
      return (
        result(r, 'Succeeded') ||
        result(r, 'Skipped') ||
        result(r, 'Daemoned') ||
        (r.continueOnError === true && result(r, 'Errored')) ||
        (r.continueOnFailed === true && result(r, 'Failed'))
      );
    }
    case 'not':
      return !evaluateDepends(expr.expr, lookup);
    case 'and':
      return expr.terms.every((t) => evaluateDepends(t, lookup));
    case 'or':
      return expr.terms.some((t) => evaluateDepends(t, lookup));
  }
}

/** The expression of a task: its `depends`, or its `dependencies` joined with `&&`. */
export function taskDependsText(task: { depends?: string; dependencies?: string[] }): string {
  if (task.depends && task.depends.trim() !== '') return task.depends;
  return (task.dependencies ?? []).join(' && ');
}
