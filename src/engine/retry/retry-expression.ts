/**
 * The subset of the expr language (expr-lang/expr) that `retryStrategy.expression` uses in practice:
 * literals, dotted variables (`lastRetry.status`), `== != < > <= >=`, `&& || and or ! not`, `+ - * / %`,
 * `in [..]`, `matches`, `contains`, `startsWith`, `endsWith`, parentheses, and the functions
 * `asInt`, `asFloat`, `int`, `float`, `string`, `len`.
 */

/** An expression that does not parse or evaluate. */
export class RetryExpressionError extends Error {
  override name = 'RetryExpressionError';
}

type Value = string | number | boolean | null | Value[];
type Tok = { k: 'v'; v: Value } | { k: 'id'; v: string } | { k: 'op'; v: string };

const OPS = ['==', '!=', '>=', '<=', '&&', '||', '>', '<', '!', '+', '-', '*', '/', '%', '(', ')', '[', ']', ','];

function tokenize(text: string): Tok[] {
  const out: Tok[] = [];
  let i = 0;
  while (i < text.length) {
    const c = text[i] as string;
    if (/\s/.test(c)) {
      i++;
    } else if (c === '"' || c === "'") {
      let j = i + 1;
      let s = '';
      while (j < text.length && text[j] !== c) {
        if (text[j] === '\\' && j + 1 < text.length) j++;
        s += text[j];
        j++;
      }
      if (j >= text.length) throw new RetryExpressionError(`literal not terminated in '${text}'`);
      out.push({ k: 'v', v: s });
      i = j + 1;
    } else if (/[0-9]/.test(c)) {
      const m = /^\d+(\.\d+)?/.exec(text.slice(i)) as RegExpExecArray;
      out.push({ k: 'v', v: Number(m[0]) });
      i += m[0].length;
    } else if (/[A-Za-z_$]/.test(c)) {
      const m = /^[A-Za-z_$][A-Za-z0-9_$]*(\.[A-Za-z_$][A-Za-z0-9_$]*)*/.exec(text.slice(i)) as RegExpExecArray;
      const w = m[0];
      if (w === 'true' || w === 'false') out.push({ k: 'v', v: w === 'true' });
      else if (w === 'nil') out.push({ k: 'v', v: null });
      else if (['and', 'or', 'not', 'in', 'matches', 'contains', 'startsWith', 'endsWith'].includes(w))
        out.push({ k: 'op', v: w === 'and' ? '&&' : w === 'or' ? '||' : w === 'not' ? '!' : w });
      else out.push({ k: 'id', v: w });
      i += w.length;
    } else {
      const op = OPS.find((o) => text.startsWith(o, i));
      if (!op) throw new RetryExpressionError(`unexpected token '${c}' in '${text}'`);
      out.push({ k: 'op', v: op });
      i += op.length;
    }
  }
  return out;
}

const BINARY: Record<string, number> = {
  '||': 1,
  '&&': 2,
  '==': 3,
  '!=': 3,
  '<': 4,
  '>': 4,
  '<=': 4,
  '>=': 4,
  in: 4,
  matches: 4,
  contains: 4,
  startsWith: 4,
  endsWith: 4,
  '+': 5,
  '-': 5,
  '*': 6,
  '/': 6,
  '%': 6,
};

const FUNCS: Record<string, (v: Value) => Value> = {
  asInt: (v) => toInt(v),
  int: (v) => toInt(v),
  asFloat: (v) => toNumber(v),
  float: (v) => toNumber(v),
  string: (v) => (typeof v === 'string' ? v : JSON.stringify(v)),
  len: (v) => (typeof v === 'string' || Array.isArray(v) ? v.length : 0),
};

function toNumber(v: Value): number {
  const n = typeof v === 'number' ? v : Number(v);
  if (Number.isNaN(n)) throw new RetryExpressionError(`cannot convert ${JSON.stringify(v)} to a number`);
  return n;
}

function toInt(v: Value): number {
  return Math.trunc(toNumber(v));
}

/** Variables by name: a map, or a lookup (a template scope). */
export type ExpressionVars = Record<string, string> | ((name: string) => string | undefined);

class Parser {
  private i = 0;
  constructor(
    private readonly toks: Tok[],
    private readonly vars: ExpressionVars,
  ) {}

  parse(): Value {
    const v = this.expr(0);
    if (this.i < this.toks.length) throw new RetryExpressionError('unexpected trailing tokens');
    return v;
  }

  private peekOp(): string | undefined {
    const t = this.toks[this.i];
    return t?.k === 'op' ? t.v : undefined;
  }

  private expect(op: string): void {
    if (this.peekOp() !== op) throw new RetryExpressionError(`expected '${op}'`);
    this.i++;
  }

  private expr(min: number): Value {
    let left = this.unary();
    for (;;) {
      const op = this.peekOp();
      const prec = op === undefined ? undefined : BINARY[op];
      if (op === undefined || prec === undefined || prec < min) break;
      this.i++;
      const right = this.expr(prec + 1);
      left = binary(op, left, right);
    }
    return left;
  }

  private unary(): Value {
    const op = this.peekOp();
    if (op === '!') {
      this.i++;
      return !truthy(this.unary());
    }
    if (op === '-') {
      this.i++;
      return -toNumber(this.unary());
    }
    return this.primary();
  }

  private primary(): Value {
    const t = this.toks[this.i++];
    if (!t) throw new RetryExpressionError('unexpected end of expression');
    if (t.k === 'v') return t.v;
    if (t.k === 'id') {
      if (this.peekOp() === '(') {
        this.i++;
        const arg = this.expr(0);
        this.expect(')');
        const f = FUNCS[t.v];
        if (!f) throw new RetryExpressionError(`unknown function ${t.v}`);
        return f(arg);
      }
      const v = typeof this.vars === 'function' ? this.vars(t.v) : this.vars[t.v];
      if (v === undefined) throw new RetryExpressionError(`unknown name ${t.v}`);
      return v;
    }
    if (t.v === '(') {
      const v = this.expr(0);
      this.expect(')');
      return v;
    }
    if (t.v === '[') {
      const items: Value[] = [];
      while (this.peekOp() !== ']') {
        items.push(this.expr(0));
        if (this.peekOp() === ',') this.i++;
      }
      this.i++;
      return items;
    }
    throw new RetryExpressionError(`unexpected '${t.v}'`);
  }
}

function truthy(v: Value): boolean {
  if (typeof v !== 'boolean') throw new RetryExpressionError(`expected bool, got ${JSON.stringify(v)}`);
  return v;
}

function binary(op: string, a: Value, b: Value): Value {
  switch (op) {
    case '||':
      return truthy(a) || truthy(b);
    case '&&':
      return truthy(a) && truthy(b);
    case '==':
      return a === b;
    case '!=':
      return a !== b;
    case '<':
      return toNumber(a) < toNumber(b);
    case '>':
      return toNumber(a) > toNumber(b);
    case '<=':
      return toNumber(a) <= toNumber(b);
    case '>=':
      return toNumber(a) >= toNumber(b);
    case 'in':
      return Array.isArray(b) ? b.includes(a) : false;
    case 'matches':
      return new RegExp(String(b)).test(String(a));
    case 'contains':
      return String(a).includes(String(b));
    case 'startsWith':
      return String(a).startsWith(String(b));
    case 'endsWith':
      return String(a).endsWith(String(b));
    case '+':
      return typeof a === 'string' && typeof b === 'string' ? a + b : toNumber(a) + toNumber(b);
    case '-':
      return toNumber(a) - toNumber(b);
    case '*':
      return toNumber(a) * toNumber(b);
    case '/':
      return toNumber(a) / toNumber(b);
    default:
      return toNumber(a) % toNumber(b);
  }
}

/**
 * Evaluates a boolean expression over string variables (`retries`, `lastRetry.exitCode`, ...).
 * Throws {@link RetryExpressionError}.
 * @example evaluateRetryExpression('asInt(lastRetry.exitCode) > 1', { 'lastRetry.exitCode': '2' }) // true
 */
export function evaluateRetryExpression(expression: string, vars: ExpressionVars): boolean {
  const v = new Parser(tokenize(expression), vars).parse();
  if (typeof v !== 'boolean') throw new RetryExpressionError(`expected bool, but got ${JSON.stringify(v)}`);
  return v;
}
