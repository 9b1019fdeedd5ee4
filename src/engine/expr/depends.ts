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
  | { kind: 'and' | 'or'; left: DependsExpr; right: DependsExpr };

/** A `depends` expression that does not parse. */
export class DependsSyntaxError extends Error {
  override name = 'DependsSyntaxError';
}

type Tok = { t: 'name'; v: string } | { t: 'op'; v: '&&' | '||' | '!' | '(' | ')' };

function tokenize(text: string): Tok[] {
  const out: Tok[] = [];
  let i = 0;
  while (i < text.length) {
    const rest = text.slice(i);
    const ws = /^\s+/.exec(rest);
    if (ws) {
      i += ws[0].length;
      continue;
    }
    if (rest.startsWith('&&') || rest.startsWith('||')) {
      out.push({ t: 'op', v: rest.slice(0, 2) as '&&' | '||' });
      i += 2;
      continue;
    }
    const c = rest[0] as string;
    if (c === '!' || c === '(' || c === ')') {
      out.push({ t: 'op', v: c });
      i++;
      continue;
    }
    const name = /^[A-Za-z0-9_-]+(\.[A-Za-z0-9_]+)?/.exec(rest);
    if (!name) throw new DependsSyntaxError(`unexpected character '${c}' at position ${i}`);
    out.push({ t: 'name', v: name[0] });
    i += name[0].length;
  }
  return out;
}

/** Parses a `depends` expression. Throws {@link DependsSyntaxError}. */
export function parseDepends(text: string): DependsExpr {
  const toks = tokenize(text);
  let pos = 0;
  const peek = (): Tok | undefined => toks[pos];
  const orExpr = (): DependsExpr => {
    let left = andExpr();
    while (peek()?.v === '||') {
      pos++;
      left = { kind: 'or', left, right: andExpr() };
    }
    return left;
  };
  const andExpr = (): DependsExpr => {
    let left = unary();
    while (peek()?.v === '&&') {
      pos++;
      left = { kind: 'and', left, right: unary() };
    }
    return left;
  };
  const unary = (): DependsExpr => {
    const tok = toks[pos++];
    if (!tok) throw new DependsSyntaxError('unexpected end of expression');
    if (tok.t === 'op' && tok.v === '!') return { kind: 'not', expr: unary() };
    if (tok.t === 'op' && tok.v === '(') {
      const e = orExpr();
      if (toks[pos++]?.v !== ')') throw new DependsSyntaxError('missing closing parenthesis');
      return e;
    }
    if (tok.t === 'name') {
      const dot = tok.v.indexOf('.');
      return dot < 0
        ? { kind: 'ref', task: tok.v }
        : { kind: 'ref', task: tok.v.slice(0, dot), result: tok.v.slice(dot + 1) };
    }
    throw new DependsSyntaxError(`unexpected '${tok.v}'`);
  };
  const expr = orExpr();
  if (pos < toks.length) throw new DependsSyntaxError(`unexpected '${toks[pos]?.v}'`);
  return expr;
}

/** The tasks an expression refers to, in order of first appearance. */
export function dependsTasks(expr: DependsExpr, out: string[] = []): string[] {
  if (expr.kind === 'ref') {
    if (!out.includes(expr.task)) out.push(expr.task);
  } else if (expr.kind === 'not') dependsTasks(expr.expr, out);
  else {
    dependsTasks(expr.left, out);
    dependsTasks(expr.right, out);
  }
  return out;
}

/** Every `.Result` used that is not one of Argo's results. */
export function unknownResults(expr: DependsExpr, out: string[] = []): string[] {
  if (expr.kind === 'ref') {
    if (expr.result !== undefined && !(DEPENDS_RESULTS as readonly string[]).includes(expr.result))
      out.push(expr.result);
  } else if (expr.kind === 'not') unknownResults(expr.expr, out);
  else {
    unknownResults(expr.left, out);
    unknownResults(expr.right, out);
  }
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
      return evaluateDepends(expr.left, lookup) && evaluateDepends(expr.right, lookup);
    case 'or':
      return evaluateDepends(expr.left, lookup) || evaluateDepends(expr.right, lookup);
  }
}

/** The expression of a task: its `depends`, or its `dependencies` joined with `&&`. */
export function taskDependsText(task: { depends?: string; dependencies?: string[] }): string {
  if (task.depends && task.depends.trim() !== '') return task.depends;
  return (task.dependencies ?? []).join(' && ');
}
