/**
 * The expr-lang lexer (github.com/expr-lang/expr v1.17.8, the version Argo pins): the same token kinds,
 * keyword operators (`and`, `in`, `not in`, `matches`, ...), Go string escapes, backtick raw strings,
 * number forms (`0x2A`, `1_000`, `.5`, `1e3`) and comments. Positions are UTF-16 offsets into the source.
 */
import { ExprError } from './errors.ts';

/** Token kinds, named as expr-lang names them (they appear in its error messages). */
export type TokenKind = 'Identifier' | 'Number' | 'String' | 'Operator' | 'Bracket' | 'EOF';

/** One token with its start offset. */
export interface Token {
  kind: TokenKind;
  value: string;
  pos: number;
}

/** `Operator("{")` as expr-lang prints a token (Go's `%#v` of the value). */
export function showToken(t: Token): string {
  return t.value === '' ? t.kind : `${t.kind}(${JSON.stringify(t.value)})`;
}

const WORD_OPERATORS = new Set([
  'in',
  'or',
  'and',
  'matches',
  'contains',
  'startsWith',
  'endsWith',
  'let',
  'if',
  'else',
]);
const NEGATABLE = new Set(['in', 'matches', 'contains', 'startsWith', 'endsWith']);

function isIdentChar(c: string | undefined): boolean {
  return c !== undefined && /[\p{L}\p{Nd}_$]/u.test(c);
}

/** Splits `source` into tokens ending with EOF; throws {@link ExprError} on a bad character or literal. */
export function lex(source: string): Token[] {
  const out: Token[] = [];
  let i = 0;
  const fail = (msg: string, at: number): never => {
    throw new ExprError(msg, source, at);
  };
  while (i < source.length) {
    const c = source[i] as string;
    const start = i;
    if (/\s/.test(c)) {
      i++;
    } else if (c === '"' || c === "'") {
      i = scanQuoted(source, i, out, fail);
    } else if (c === '`') {
      const end = source.indexOf('`', i + 1);
      if (end < 0) fail('literal not terminated', source.length);
      out.push({ kind: 'String', value: source.slice(i + 1, end), pos: start });
      i = end + 1;
    } else if (/[0-9]/.test(c) || (c === '.' && /[0-9]/.test(source[i + 1] ?? ''))) {
      i = scanNumber(source, i, out, fail);
    } else if (c === '/' && (source[i + 1] === '/' || source[i + 1] === '*')) {
      i = skipComment(source, i, fail);
    } else if (c === '#') {
      out.push({ kind: 'Operator', value: '#', pos: start });
      i++;
      let j = i;
      while (isIdentChar(source[j])) j++;
      if (j > i) out.push({ kind: 'Identifier', value: source.slice(i, j), pos: i });
      i = j;
    } else if (isIdentChar(c)) {
      i = scanWord(source, i, out);
    } else {
      i = scanOperator(source, i, out, fail);
    }
  }
  out.push({ kind: 'EOF', value: '', pos: source.length });
  return out;
}

function scanQuoted(source: string, i: number, out: Token[], fail: (m: string, at: number) => never): number {
  const quote = source[i] as string;
  let j = i + 1;
  while (j < source.length && source[j] !== quote) {
    if (source[j] === '\\') j++;
    if (source[j] === '\n') fail('literal not terminated', j);
    j++;
  }
  if (j >= source.length) fail('literal not terminated', source.length);
  out.push({ kind: 'String', value: unescape(source.slice(i + 1, j), source, i, fail), pos: i });
  return j + 1;
}

const SIMPLE_ESCAPES: Record<string, string> = {
  a: '\x07',
  b: '\b',
  f: '\f',
  n: '\n',
  r: '\r',
  t: '\t',
  v: '\v',
  '\\': '\\',
  "'": "'",
  '"': '"',
};

function unescape(body: string, source: string, at: number, fail: (m: string, at: number) => never): string {
  if (!body.includes('\\')) return body;
  let out = '';
  for (let k = 0; k < body.length; k++) {
    const ch = body[k] as string;
    if (ch !== '\\') {
      out += ch;
      continue;
    }
    const e = body[++k] ?? '';
    const simple = SIMPLE_ESCAPES[e];
    if (simple !== undefined) {
      out += simple;
    } else if (e === 'x' || e === 'u' || e === 'U') {
      const n = e === 'x' ? 2 : e === 'u' ? 4 : 8;
      const hex = body.slice(k + 1, k + 1 + n);
      if (!new RegExp(`^[0-9a-fA-F]{${n}}$`).test(hex)) fail('invalid char escape', at + k);
      out += String.fromCodePoint(parseInt(hex, 16));
      k += n;
    } else if (/[0-7]/.test(e)) {
      const oct = body.slice(k, k + 3);
      if (!/^[0-7]{3}$/.test(oct)) fail('invalid char escape', at + k);
      out += String.fromCodePoint(parseInt(oct, 8));
      k += 2;
    } else {
      fail('invalid char escape', at + k);
    }
  }
  void source;
  return out;
}

function scanNumber(source: string, i: number, out: Token[], fail: (m: string, at: number) => never): number {
  const start = i;
  let digits = /[0-9_]/;
  if (source[i] === '0' && /[xXoObB]/.test(source[i + 1] ?? '')) {
    const base = (source[i + 1] as string).toLowerCase();
    digits = base === 'x' ? /[0-9a-fA-F_]/ : base === 'o' ? /[0-7_]/ : /[01_]/;
    i += 2;
  }
  while (digits.test(source[i] ?? '')) i++;
  // `1..3` is a range: the dot belongs to the operator.
  if (source[i] === '.' && source[i + 1] !== '.') {
    i++;
    while (digits.test(source[i] ?? '')) i++;
  }
  if (/[eE]/.test(source[i] ?? '') && digits.source === '[0-9_]') {
    i++;
    if (/[+-]/.test(source[i] ?? '')) i++;
    while (digits.test(source[i] ?? '')) i++;
  }
  if (isIdentChar(source[i])) fail(`bad number syntax: ${JSON.stringify(source.slice(start, i + 1))}`, i);
  out.push({ kind: 'Number', value: source.slice(start, i), pos: start });
  return i;
}

function skipComment(source: string, i: number, fail: (m: string, at: number) => never): number {
  if (source[i + 1] === '/') {
    const end = source.indexOf('\n', i);
    return end < 0 ? source.length : end + 1;
  }
  const end = source.indexOf('*/', i + 2);
  if (end < 0) fail('unclosed comment', source.length);
  return end + 2;
}

function scanWord(source: string, i: number, out: Token[]): number {
  let j = i;
  while (isIdentChar(source[j])) j++;
  const word = source.slice(i, j);
  if (word === 'not') {
    out.push({ kind: 'Operator', value: 'not', pos: i });
    // `not in`, `not matches`, ...: the next word is an operator too.
    let k = j;
    while (/\s/.test(source[k] ?? '')) k++;
    let m = k;
    while (isIdentChar(source[m])) m++;
    if (NEGATABLE.has(source.slice(k, m))) {
      out.push({ kind: 'Operator', value: source.slice(k, m), pos: k });
      return m;
    }
    return j;
  }
  out.push({ kind: WORD_OPERATORS.has(word) ? 'Operator' : 'Identifier', value: word, pos: i });
  return j;
}

const OPERATORS = ['?.', '??', '::', '..', '&&', '||', '==', '!=', '<=', '>=', '**'];

function scanOperator(source: string, i: number, out: Token[], fail: (m: string, at: number) => never): number {
  const c = source[i] as string;
  const two = OPERATORS.find((op) => source.startsWith(op, i));
  if (two) {
    out.push({ kind: 'Operator', value: two, pos: i });
    return i + 2;
  }
  if ('([{)]}'.includes(c)) {
    out.push({ kind: 'Bracket', value: c, pos: i });
  } else if (',;%+-^|:?!=*<>/.&'.includes(c)) {
    out.push({ kind: 'Operator', value: c, pos: i });
  } else {
    const cp = c.codePointAt(0) ?? 0;
    fail(`unrecognized character: U+${cp.toString(16).toUpperCase().padStart(4, '0')} '${c}'`, i);
  }
  return i + 1;
}
