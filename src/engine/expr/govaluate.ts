/**
 * The subset of govaluate that Argo's `when` uses, with Argo's twist: every variable token is turned
 * into a string token, so `heads == heads` compares two strings. Supports `==`, `!=`, `<`, `>`, `<=`,
 * `>=`, `&&`, `||`, `!`, `=~`, `!~`, `+ - * /` on numbers, parentheses, quoted strings, numbers, bools,
 * and `in` over a parenthesised list (`"a" in ("a", "b")`).
 */

type Value = string | number | boolean | Value[];
type Token = { kind: 'value'; value: Value } | { kind: 'op'; op: string } | { kind: 'lparen' } | { kind: 'rparen' };

/** A `when` expression that could not be parsed or evaluated. */
export class WhenExpressionError extends Error {
  override name = 'WhenExpressionError';
}

const OPERATORS = ['==', '!=', '>=', '<=', '=~', '!~', '&&', '||', '>', '<', '!', '+', '-', '*', '/', '%'];

function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < text.length) {
    const c = text[i] as string;
    if (/\s/.test(c)) {
      i++;
      continue;
    }
    if (c === '(' || c === ')') {
      tokens.push({ kind: c === '(' ? 'lparen' : 'rparen' });
      i++;
      continue;
    }
    if (c === '"' || c === "'") {
      const end = text.indexOf(c, i + 1);
      if (end < 0) throw new WhenExpressionError(`Unclosed string literal`);
      tokens.push({ kind: 'value', value: text.slice(i + 1, end) });
      i = end + 1;
      continue;
    }
    const num = /^\d+(\.\d+)?/.exec(text.slice(i));
    if (num) {
      const after = text[i + num[0].length];
      if (after === undefined || !/[A-Za-z_]/.test(after)) {
        tokens.push({ kind: 'value', value: Number(num[0]) });
        i += num[0].length;
        continue;
      }
    }
    if (c === ',') {
      tokens.push({ kind: 'op', op: ',' });
      i++;
      continue;
    }
    const word = /^[A-Za-z0-9_][A-Za-z0-9_.]*/.exec(text.slice(i));
    if (word) {
      const w = word[0];
      if (w === 'in') {
        tokens.push({ kind: 'op', op: 'in' });
        i += 2;
        continue;
      }
      tokens.push({ kind: 'value', value: w === 'true' ? true : w === 'false' ? false : w });
      i += w.length;
      continue;
    }
    const op = OPERATORS.find((o) => text.startsWith(o, i));
    if (op) {
      tokens.push({ kind: 'op', op });
      i += op.length;
      continue;
    }
    throw new WhenExpressionError(`Invalid token: '${c}'`);
  }
  return tokens;
}

const PRECEDENCE: Record<string, number> = {
  '||': 1,
  '&&': 2,
  '==': 3,
  '!=': 3,
  '=~': 3,
  '!~': 3,
  '<': 4,
  '>': 4,
  '<=': 4,
  '>=': 4,
  in: 4,
  '+': 5,
  '-': 5,
  '*': 6,
  '/': 6,
  '%': 6,
};

class Parser {
  private pos = 0;
  constructor(private readonly tokens: Token[]) {}

  parse(): Value {
    const v = this.binary(1);
    if (this.pos < this.tokens.length) throw new WhenExpressionError('Unexpected token after end of expression');
    return v;
  }

  private binary(minPrec: number): Value {
    let left = this.unary();
    for (;;) {
      const t = this.tokens[this.pos];
      if (!t || t.kind !== 'op') return left;
      const prec = PRECEDENCE[t.op];
      if (prec === undefined || prec < minPrec) return left;
      this.pos++;
      const right = this.binary(prec + 1);
      left = applyBinary(t.op, left, right);
    }
  }

  private peekOp(op: string): boolean {
    const t = this.tokens[this.pos];
    return t?.kind === 'op' && t.op === op;
  }

  private unary(): Value {
    const t = this.tokens[this.pos++];
    if (!t) throw new WhenExpressionError('Unexpected end of expression');
    if (t.kind === 'op' && t.op === '!') {
      const v = this.unary();
      if (typeof v !== 'boolean') throw new WhenExpressionError(`Value '${v}' cannot be used with the modifier '!'`);
      return !v;
    }
    if (t.kind === 'op' && t.op === '-') {
      const v = this.unary();
      if (typeof v !== 'number') throw new WhenExpressionError(`Value '${v}' cannot be used with the modifier '-'`);
      return -v;
    }
    if (t.kind === 'lparen') {
      let v = this.binary(1);
      if (this.peekOp(',')) {
        const items: Value[] = [v];
        while (this.peekOp(',')) {
          this.pos++;
          items.push(this.binary(1));
        }
        v = items;
      }
      const close = this.tokens[this.pos++];
      if (!close || close.kind !== 'rparen') throw new WhenExpressionError('Unbalanced parenthesis');
      return v;
    }
    if (t.kind === 'value') return t.value;
    throw new WhenExpressionError(`Unexpected token`);
  }
}

function applyBinary(op: string, a: Value, b: Value): Value {
  switch (op) {
    case '&&':
    case '||':
      if (typeof a !== 'boolean' || typeof b !== 'boolean')
        throw new WhenExpressionError(
          `Value '${typeof a === 'boolean' ? b : a}' cannot be used with the comparator '${op}', it is not a bool`,
        );
      return op === '&&' ? a && b : a || b;
    case '==':
      return a === b;
    case '!=':
      return a !== b;
    case 'in':
      if (!Array.isArray(b))
        throw new WhenExpressionError(
          `Value '${String(b)}' cannot be used with the comparator 'in', it is not an array`,
        );
      return b.includes(a);
    case '=~':
    case '!~': {
      const matched = new RegExp(String(b)).test(String(a));
      return op === '=~' ? matched : !matched;
    }
    case '+':
      if (typeof a === 'string' || typeof b === 'string') return String(a) + String(b);
      return numeric(op, a, b);
    default:
      return numeric(op, a, b);
  }
}

function numeric(op: string, a: Value, b: Value): Value {
  const bothStrings = typeof a === 'string' && typeof b === 'string';
  if (bothStrings && ['<', '>', '<=', '>='].includes(op)) return compare(op, a, b);
  if (typeof a !== 'number' || typeof b !== 'number') {
    const bad = typeof a !== 'number' ? a : b;
    throw new WhenExpressionError(`Value '${bad}' cannot be used with the modifier '${op}', it is not a number`);
  }
  switch (op) {
    case '+':
      return a + b;
    case '-':
      return a - b;
    case '*':
      return a * b;
    case '/':
      return a / b;
    case '%':
      return a % b;
    default:
      return compare(op, a, b);
  }
}

function compare(op: string, a: string | number, b: string | number): boolean {
  if (op === '<') return a < b;
  if (op === '>') return a > b;
  if (op === '<=') return a <= b;
  return a >= b;
}

/** Parses without evaluating; throws {@link WhenExpressionError} on a syntax error (for validation). */
export function parseWhen(expression: string): void {
  const tokens = tokenize(expression);
  if (tokens.length === 0) return;
  new Parser(tokens).parse();
}

/**
 * Argo's `shouldExecute`: empty ⇒ true; otherwise the boolean value of the expression.
 * Throws {@link WhenExpressionError} with Argo's message on failure.
 */
export function shouldExecute(when: string | undefined): boolean {
  if (!when) return true;
  let result: Value;
  try {
    const tokens = tokenize(when);
    result = new Parser(tokens).parse();
  } catch (e) {
    const msg = e instanceof Error ? e.message : String(e);
    const hint = msg.includes('Invalid token') ? ' (hint: try wrapping the affected expression in quotes ("))' : '';
    throw new WhenExpressionError(`Invalid 'when' expression '${when}': ${msg}${hint}`, { cause: e });
  }
  if (typeof result !== 'boolean')
    throw new WhenExpressionError(`Expected boolean evaluation for '${when}'. Got ${String(result)}`);
  return result;
}
