/**
 * The expr-lang parser: precedence climbing with expr-lang's operator table (`parser/operator`),
 * comparison chains (`a < b < c`), `not in`-style negations, pipes (`x | f(y)` = `f(x, y)`), ternary and
 * `?:`, `??` (not mixable with other operators unparenthesised), `let`, `if {} else {}`, predicates
 * (`filter(xs, # > 1)`, `{.Name}`), member/index/slice access with `?.`, array and map literals.
 */
import { ExprError } from './errors.ts';
import { lex, showToken, type Token } from './lexer.ts';
import type { Node } from './ast.ts';
import { BUILTIN_NAMES, PREDICATE_ARGS } from './builtin-names.ts';

const UNARY: Record<string, number> = { not: 50, '!': 50, '-': 90, '+': 90 };
const BINARY: Record<string, number> = {
  '|': 0,
  or: 10,
  '||': 10,
  and: 15,
  '&&': 15,
  '==': 20,
  '!=': 20,
  '<': 20,
  '>': 20,
  '>=': 20,
  '<=': 20,
  in: 20,
  matches: 20,
  contains: 20,
  startsWith: 20,
  endsWith: 20,
  '..': 25,
  '+': 30,
  '-': 30,
  '*': 60,
  '/': 60,
  '%': 60,
  '**': 100,
  '^': 100,
  '??': 500,
};
const RIGHT_ASSOC = new Set(['**', '^']);
const COMPARISON = new Set(['<', '>', '<=', '>=']);
const NEGATABLE = new Set(['contains', 'matches', 'startsWith', 'endsWith', 'in']);

/** Parses an expr-lang expression; throws {@link ExprError} naming the token and position. */
export function parseExpr(source: string): Node {
  return new Parser(source).parseProgram();
}

class Parser {
  private readonly toks: Token[];
  private i = 0;
  private depth = 0;

  constructor(private readonly source: string) {
    this.toks = lex(source);
  }

  private get cur(): Token {
    return this.toks[this.i] as Token;
  }

  private is(kind: Token['kind'], value?: string): boolean {
    return this.cur.kind === kind && (value === undefined || this.cur.value === value);
  }

  private next(): void {
    if (this.i < this.toks.length - 1) this.i++;
  }

  private fail(msg: string, at: Token = this.cur): never {
    throw new ExprError(msg, this.source, at.pos);
  }

  private expect(kind: Token['kind'], value?: string): void {
    if (!this.is(kind, value)) this.fail(`unexpected token ${showToken(this.cur)}`);
    this.next();
  }

  parseProgram(): Node {
    const node = this.parseSequence();
    if (!this.is('EOF')) this.fail(`unexpected token ${showToken(this.cur)}`);
    return node;
  }

  private parseSequence(): Node {
    const nodes = [this.parseExpression(0)];
    while (this.is('Operator', ';')) {
      this.next();
      if (this.is('EOF')) break;
      nodes.push(this.parseExpression(0));
    }
    return nodes.length === 1 ? (nodes[0] as Node) : { t: 'seq', nodes, pos: nodes[0]?.pos ?? 0 };
  }

  private parseExpression(precedence: number): Node {
    if (precedence === 0 && this.is('Operator', 'let')) return this.parseLet();
    if (precedence === 0 && this.is('Operator', 'if')) return this.parseIf();
    let left = this.parsePrimary();
    let prev = '';
    for (;;) {
      let op = this.cur;
      if (op.kind !== 'Operator') break;
      const notTok = op.value === 'not' ? op : undefined;
      if (notTok) {
        const after = this.toks[this.i + 1] as Token;
        if (!NEGATABLE.has(after.value)) this.fail(`unexpected token ${showToken(after)}`, after);
        if ((BINARY[after.value] as number) < precedence) break;
        this.next();
        op = this.cur;
      }
      const prec = BINARY[op.value];
      if (prec === undefined || prec < precedence) break;
      this.next();
      if (op.value === '|') {
        const ident = this.cur;
        this.expect('Identifier');
        left = this.parseCall(ident, [left]);
      } else {
        if (prev === '??' && op.value !== '??')
          this.fail(
            `Operator (${op.value}) and coalesce expressions (??) cannot be mixed. Wrap either by parentheses.`,
            op,
          );
        if (COMPARISON.has(op.value)) {
          left = this.parseComparison(left, op, prec);
        } else {
          const right = this.parseExpression(RIGHT_ASSOC.has(op.value) ? prec : prec + 1);
          left = { t: 'binary', op: op.value, left, right, pos: op.pos };
          if (notTok) left = { t: 'unary', op: 'not', arg: left, pos: notTok.pos };
        }
      }
      prev = op.value;
    }
    return precedence === 0 ? this.parseConditional(left) : left;
  }

  private parseComparison(first: Node, firstOp: Token, prec: number): Node {
    let left = first;
    let op = firstOp;
    let root: Node | undefined;
    for (;;) {
      const right = this.parseExpression(prec + 1);
      const cmp: Node = { t: 'binary', op: op.value, left, right, pos: op.pos };
      root = root ? { t: 'binary', op: '&&', left: root, right: cmp, pos: op.pos } : cmp;
      left = right;
      op = this.cur;
      if (!(op.kind === 'Operator' && COMPARISON.has(op.value))) break;
      this.next();
    }
    return root;
  }

  private parseLet(): Node {
    this.expect('Operator', 'let');
    const name = this.cur;
    this.expect('Identifier');
    this.expect('Operator', '=');
    const value = this.parseExpression(0);
    this.expect('Operator', ';');
    return { t: 'let', name: name.value, value, body: this.parseSequence(), pos: name.pos };
  }

  private parseIf(): Node {
    const at = this.cur.pos;
    this.next();
    const cond = this.parseExpression(0);
    this.expect('Bracket', '{');
    const a = this.parseSequence();
    this.expect('Bracket', '}');
    this.expect('Operator', 'else');
    let b: Node;
    if (this.is('Operator', 'if')) {
      b = this.parseIf();
    } else {
      this.expect('Bracket', '{');
      b = this.parseSequence();
      this.expect('Bracket', '}');
    }
    return { t: 'cond', cond, a, b, pos: at };
  }

  private parseConditional(node: Node): Node {
    while (this.is('Operator', '?')) {
      this.next();
      let a: Node;
      let b: Node;
      if (!this.is('Operator', ':')) {
        a = this.parseExpression(0);
        this.expect('Operator', ':');
        b = this.parseExpression(0);
      } else {
        this.next();
        a = node;
        b = this.parseExpression(0);
      }
      node = { t: 'cond', cond: node, a, b, pos: node.pos };
    }
    return node;
  }

  private parsePrimary(): Node {
    const tok = this.cur;
    if (tok.kind === 'Operator' && UNARY[tok.value] !== undefined) {
      this.next();
      const arg = this.parseExpression(UNARY[tok.value] as number);
      return this.parsePostfix({ t: 'unary', op: tok.value, arg, pos: tok.pos });
    }
    if (this.is('Bracket', '(')) {
      this.next();
      const e = this.parseSequence();
      this.expect('Bracket', ')');
      return this.parsePostfix(e);
    }
    if (this.depth > 0 && tok.kind === 'Operator' && (tok.value === '#' || tok.value === '.')) {
      let name = '';
      if (tok.value === '#') {
        this.next();
        if (this.is('Identifier')) {
          name = this.cur.value;
          this.next();
        }
      }
      return this.parsePostfix({ t: 'ptr', name, pos: tok.pos });
    }
    return this.parseSecondary();
  }

  private parseSecondary(): Node {
    const tok = this.cur;
    let node: Node;
    switch (tok.kind) {
      case 'Identifier':
        this.next();
        if (tok.value === 'true' || tok.value === 'false') return { t: 'bool', v: tok.value === 'true', pos: tok.pos };
        if (tok.value === 'nil') return { t: 'nil', pos: tok.pos };
        node = this.is('Bracket', '(') ? this.parseCall(tok, []) : { t: 'id', name: tok.value, pos: tok.pos };
        break;
      case 'Number':
        this.next();
        return this.numberNode(tok);
      case 'String':
        this.next();
        node = { t: 'str', v: tok.value, pos: tok.pos };
        break;
      default:
        if (this.is('Bracket', '[')) node = this.parseArray();
        else if (this.is('Bracket', '{')) node = this.parseMap();
        else this.fail(`unexpected token ${showToken(tok)}`);
    }
    return this.parsePostfix(node);
  }

  private numberNode(tok: Token): Node {
    const text = tok.value.replace(/_/g, '');
    const lower = text.toLowerCase();
    if (lower.startsWith('0x') || lower.startsWith('0b') || lower.startsWith('0o')) {
      const base = lower[1] === 'x' ? 16 : lower[1] === 'b' ? 2 : 8;
      return { t: 'int', v: parseInt(text.slice(2), base), pos: tok.pos };
    }
    if (/[.e]/.test(lower)) return { t: 'float', v: Number(text), pos: tok.pos };
    const v = Number(text);
    if (!Number.isSafeInteger(v)) this.fail('integer literal is too large', tok);
    return { t: 'int', v, pos: tok.pos };
  }

  private parseCall(tok: Token, args: Node[]): Node {
    const shape = PREDICATE_ARGS[tok.value];
    if (shape) {
      this.expect('Bracket', '(');
      const rest = shape.slice(args.length);
      for (let k = 0; k < rest.length; k++) {
        const kind = rest[k] as string;
        if (this.is('Bracket', ')')) {
          if (kind.endsWith('?')) break;
          this.fail(`expected at least ${rest.length} arguments`);
        }
        if (k > 0) this.expect('Operator', ',');
        args.push(kind.startsWith('predicate') ? this.parsePredicate() : this.parseExpression(0));
      }
      if (this.is('Operator', ',')) this.next();
      this.expect('Bracket', ')');
      return { t: 'builtin', name: tok.value, args, pos: tok.pos };
    }
    const all = this.parseArguments(args);
    if (BUILTIN_NAMES.has(tok.value)) return { t: 'builtin', name: tok.value, args: all, pos: tok.pos };
    return { t: 'call', callee: { t: 'id', name: tok.value, pos: tok.pos }, args: all, pos: tok.pos };
  }

  private parseArguments(args: Node[]): Node[] {
    const offset = args.length;
    this.expect('Bracket', '(');
    while (!this.is('Bracket', ')')) {
      if (args.length > offset) this.expect('Operator', ',');
      if (this.is('Bracket', ')')) break;
      args.push(this.parseExpression(0));
    }
    this.expect('Bracket', ')');
    return args;
  }

  private parsePredicate(): Node {
    const start = this.cur;
    const braces = this.is('Bracket', '{');
    if (braces) this.next();
    this.depth++;
    const body = braces ? this.parseSequence() : this.parseExpression(0);
    if (!braces && this.is('Operator', ';')) this.fail('wrap predicate with brackets { and }');
    this.depth--;
    if (braces) this.expect('Bracket', '}');
    return { t: 'predicate', body, pos: start.pos };
  }

  private parseArray(): Node {
    const at = this.cur.pos;
    this.expect('Bracket', '[');
    const items: Node[] = [];
    while (!this.is('Bracket', ']')) {
      if (items.length > 0) {
        this.expect('Operator', ',');
        if (this.is('Bracket', ']')) break;
      }
      items.push(this.parseExpression(0));
    }
    this.expect('Bracket', ']');
    return { t: 'array', items, pos: at };
  }

  private parseMap(): Node {
    const at = this.cur.pos;
    this.expect('Bracket', '{');
    const pairs: [Node, Node][] = [];
    while (!this.is('Bracket', '}')) {
      if (pairs.length > 0) {
        this.expect('Operator', ',');
        if (this.is('Bracket', '}')) break;
      }
      let key: Node;
      if (this.is('Number') || this.is('String') || this.is('Identifier')) {
        key = { t: 'str', v: this.cur.value, pos: this.cur.pos };
        this.next();
      } else if (this.is('Bracket', '(')) {
        key = this.parseExpression(0);
      } else {
        this.fail(
          `a map key must be a quoted string, a number, a identifier, or an expression enclosed in parentheses (unexpected token ${showToken(this.cur)})`,
        );
      }
      this.expect('Operator', ':');
      pairs.push([key, this.parseExpression(0)]);
    }
    this.expect('Bracket', '}');
    return { t: 'map', pairs, pos: at };
  }

  private parsePostfix(start: Node): Node {
    let node = start;
    for (;;) {
      const tok = this.cur;
      const optional = tok.value === '?.';
      if (tok.kind === 'Operator' && (tok.value === '.' || optional)) {
        this.next();
        if (optional && this.is('Bracket', '[')) {
          node = this.parseIndex(node, true);
          continue;
        }
        const prop = this.cur;
        this.next();
        if (prop.kind !== 'Identifier' && !(prop.kind === 'Operator' && /^[A-Za-z_$][\w$]*$/.test(prop.value)))
          this.fail('expected name', prop);
        node = { t: 'member', obj: node, prop: { t: 'str', v: prop.value, pos: prop.pos }, optional, pos: prop.pos };
        if (this.is('Bracket', '(')) node = { t: 'call', callee: node, args: this.parseArguments([]), pos: prop.pos };
      } else if (tok.kind === 'Bracket' && tok.value === '[') {
        node = this.parseIndex(node, false);
      } else {
        return node;
      }
    }
  }

  private parseIndex(obj: Node, optional: boolean): Node {
    const at = this.cur.pos;
    this.expect('Bracket', '[');
    let from: Node | undefined;
    if (!this.is('Operator', ':')) {
      from = this.parseExpression(0);
      if (!this.is('Operator', ':')) {
        this.expect('Bracket', ']');
        return { t: 'member', obj, prop: from, optional, pos: at };
      }
    }
    this.next();
    const to = this.is('Bracket', ']') ? undefined : this.parseExpression(0);
    this.expect('Bracket', ']');
    return { t: 'slice', obj, from, to, pos: at };
  }
}
