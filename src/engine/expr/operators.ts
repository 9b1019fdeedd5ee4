/**
 * expr-lang's binary operators on dynamic values (`vm/runtime`): mismatched types fail with its
 * `invalid operation: <op> (mismatched types <T> and <U>)` message.
 */
import { ExprPanic } from './errors.ts';
import { compileRegex } from './regex.ts';
import { equal, Float, goType, isMap, isNumber, num, type Value } from './values.ts';
import { isTimeValue, timeArithmetic, timeCompare } from './time-values.ts';

function mismatch(op: string, a: Value, b: Value): ExprPanic {
  return new ExprPanic(`invalid operation: ${op} (mismatched types ${goType(a)} and ${goType(b)})`);
}

function arithmetic(op: string, a: Value, b: Value): Value {
  if (isTimeValue(a) || isTimeValue(b)) return timeArithmetic(op, a, b) as Value;
  if (!isNumber(a) || !isNumber(b)) throw mismatch(op, a, b);
  const x = num(a);
  const y = num(b);
  const ints = typeof a === 'number' && typeof b === 'number';
  switch (op) {
    case '+':
      return ints ? x + y : new Float(x + y);
    case '-':
      return ints ? x - y : new Float(x - y);
    case '*':
      return ints ? x * y : new Float(x * y);
    case '/':
      return new Float(x / y);
    case '%':
      if (!ints) throw mismatch(op, a, b);
      if (y === 0) throw new ExprPanic('integer divide by zero');
      return x % y;
    default:
      return new Float(x ** y);
  }
}

function compare(op: string, a: Value, b: Value): boolean {
  let c: number;
  const t = timeCompare(a, b);
  if (t !== undefined) c = t;
  else if (isNumber(a) && isNumber(b)) c = num(a) - num(b);
  else if (typeof a === 'string' && typeof b === 'string') c = a < b ? -1 : a > b ? 1 : 0;
  else throw mismatch(op, a, b);
  if (op === '<') return c < 0;
  if (op === '>') return c > 0;
  if (op === '<=') return c <= 0;
  return c >= 0;
}

function inOp(a: Value, b: Value): boolean {
  if (b === null) return false;
  if (Array.isArray(b)) return b.some((x) => equal(x, a));
  if (isMap(b) && typeof b !== 'function') {
    return typeof a === 'string' || isNumber(a) ? Object.prototype.hasOwnProperty.call(b, String(num0(a))) : false;
  }
  throw new ExprPanic(`operator "in" not defined on ${goType(b)}`);
}

function num0(a: Value): Value {
  return isNumber(a) ? num(a) : a;
}

function strings(op: string, a: Value, b: Value): [string, string] {
  if (typeof a !== 'string' || typeof b !== 'string') throw mismatch(op, a, b);
  return [a, b];
}

function range(a: Value, b: Value): number[] {
  if (typeof a !== 'number' || typeof b !== 'number') throw mismatch('..', a, b);
  const out: number[] = [];
  for (let i = a; i <= b; i++) out.push(i);
  return out;
}

/** Applies a non-short-circuit binary operator. */
export function binaryOp(op: string, a: Value, b: Value): Value {
  switch (op) {
    case '==':
      return equal(a, b);
    case '!=':
      return !equal(a, b);
    case '<':
    case '>':
    case '<=':
    case '>=':
      return compare(op, a, b);
    case 'in':
      return inOp(a, b);
    case 'matches': {
      const [s, re] = strings(op, a, b);
      return compileRegex(re).test(s);
    }
    case 'contains': {
      const [s, sub] = strings(op, a, b);
      return s.includes(sub);
    }
    case 'startsWith': {
      const [s, p] = strings(op, a, b);
      return s.startsWith(p);
    }
    case 'endsWith': {
      const [s, p] = strings(op, a, b);
      return s.endsWith(p);
    }
    case '..':
      return range(a, b);
    case '+':
      if (typeof a === 'string' && typeof b === 'string') return a + b;
      return arithmetic(op, a, b);
    case '-':
    case '*':
    case '/':
    case '%':
    case '**':
    case '^':
      return arithmetic(op, a, b);
    default:
      throw new ExprPanic(`unknown operator ${op}`);
  }
}
