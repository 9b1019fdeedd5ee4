/**
 * The expr-lang evaluator: walks the tree from `parser.ts` with expr-lang's runtime semantics
 * (`vm/runtime`: numbers compare across int/float, `/` is always float, `%` needs ints, `+` adds numbers
 * or concatenates strings, `in` on arrays and maps, missing map keys are nil, short-circuit `and`/`or`,
 * optional chaining, comparison chains). Runtime failures become {@link ExprError}s at the node's position.
 */
import type { Node } from './ast.ts';
import { ExprError, ExprPanic } from './errors.ts';
import { callBuiltin, type PredicateFn } from './builtins.ts';
import { binaryOp } from './operators.ts';
import { asBool, fetch, Float, goType, isNumber, num, toInt, type Value, type VMap } from './values.ts';
import {
  callTimeBuiltin,
  isTimeBuiltin,
  isTimeValue,
  timeMethod,
  timeTypeName,
  type TimeValue,
} from './time-values.ts';

/** The closure element (`#`) and reduce's `#acc`/`#index`. */
interface Pointer {
  item: Value;
  acc?: Value;
  index?: number;
}

interface Scope {
  env: VMap;
  locals?: Map<string, Value>;
  pointer?: Pointer;
}

/** Returned by an optional member on nil; the enclosing chain yields nil. */
const SHORT = Symbol('short');
type Result = Value | typeof SHORT;

/**
 * Evaluates a parsed expression against `env`; throws {@link ExprError}. `nowMs` is what `now()`
 * returns (the caller's clock; without one `now()` fails).
 */
export function evaluateNode(node: Node, env: VMap, source: string, nowMs?: number): Value {
  const ev = new Evaluator(source, nowMs);
  return ev.value(node, { env });
}

/** A Go method of a time value as an expression function (float64 results become {@link Float}). */
function boundMethod(v: TimeValue, key: Value): Value {
  const m = typeof key === 'string' ? timeMethod(v, key) : undefined;
  if (!m) throw new ExprPanic(`type ${timeTypeName(v)} has no method ${String(key)}`);
  return (...args: Value[]) => {
    const r = m(...args);
    if (r !== null && typeof r === 'object' && 'float' in r) return new Float((r as { float: number }).float);
    return r as Value;
  };
}

class Evaluator {
  constructor(
    private readonly source: string,
    private readonly nowMs?: number,
  ) {}

  value(node: Node, scope: Scope): Value {
    const r = this.at(node, scope);
    return r === SHORT ? null : r;
  }

  private at(node: Node, scope: Scope): Result {
    try {
      return this.eval(node, scope);
    } catch (e) {
      if (e instanceof ExprPanic) throw new ExprError(e.message, this.source, node.pos, { cause: e });
      throw e;
    }
  }

  private eval(node: Node, scope: Scope): Result {
    switch (node.t) {
      case 'nil':
        return null;
      case 'bool':
      case 'str':
      case 'int':
        return node.v;
      case 'float':
        return new Float(node.v);
      case 'id':
        return this.identifier(node.name, scope);
      case 'ptr':
        return this.pointer(node.name, scope);
      case 'member':
        return this.member(node, scope);
      case 'slice':
        return this.slice(node, scope);
      case 'call':
        return this.call(node, scope);
      case 'builtin':
        return this.builtin(node, scope);
      case 'predicate':
        throw new ExprPanic('predicate outside of a built-in');
      case 'unary':
        return this.unary(node.op, this.value(node.arg, scope));
      case 'binary':
        return this.binary(node, scope);
      case 'cond':
        return asBool(this.value(node.cond, scope)) ? this.at(node.a, scope) : this.at(node.b, scope);
      case 'array':
        return node.items.map((n) => this.value(n, scope));
      case 'map':
        return this.mapLiteral(node.pairs, scope);
      case 'let': {
        const locals = new Map(scope.locals);
        locals.set(node.name, this.value(node.value, scope));
        return this.at(node.body, { ...scope, locals });
      }
      case 'seq': {
        let last: Result = null;
        for (const n of node.nodes) last = this.at(n, scope);
        return last;
      }
    }
  }

  private builtin(node: Extract<Node, { t: 'builtin' }>, scope: Scope): Value {
    if (!isTimeBuiltin(node.name)) return callBuiltin(node.name, node.args, this.argEvaluator(scope));
    const args = node.args.map((a) => this.value(a, scope));
    return callTimeBuiltin(node.name, args, this.nowMs);
  }

  private identifier(name: string, scope: Scope): Value {
    if (scope.locals?.has(name)) return scope.locals.get(name) as Value;
    if (name === '$env') return scope.env;
    if (Object.prototype.hasOwnProperty.call(scope.env, name)) return scope.env[name] as Value;
    throw new ExprPanic(`unknown name ${name}`);
  }

  private pointer(name: string, scope: Scope): Value {
    const p = scope.pointer;
    if (!p) throw new ExprPanic('cannot use pointer accessor outside predicate');
    if (name === '') return p.item;
    if (name === 'acc') return p.acc ?? null;
    if (name === 'index') return p.index ?? null;
    throw new ExprPanic(`unknown pointer #${name}`);
  }

  private member(node: Extract<Node, { t: 'member' }>, scope: Scope): Result {
    const obj = this.at(node.obj, scope);
    if (obj === SHORT) return SHORT;
    if (obj === null && node.optional) return SHORT;
    const key = this.value(node.prop, scope);
    if (isTimeValue(obj)) return boundMethod(obj, key);
    return fetch(obj, key);
  }

  private slice(node: Extract<Node, { t: 'slice' }>, scope: Scope): Result {
    const obj = this.at(node.obj, scope);
    if (obj === SHORT) return SHORT;
    if (!Array.isArray(obj) && typeof obj !== 'string') throw new ExprPanic(`cannot slice ${goType(obj)}`);
    const len = obj.length;
    const clamp = (v: number): number => Math.min(Math.max(v < 0 ? len + v : v, 0), len);
    const from = node.from ? clamp(toInt(this.value(node.from, scope))) : 0;
    const to = node.to ? clamp(toInt(this.value(node.to, scope))) : len;
    return obj.slice(Math.min(from, to), to);
  }

  private call(node: Extract<Node, { t: 'call' }>, scope: Scope): Result {
    const fn = this.at(node.callee, scope);
    if (fn === SHORT) return SHORT;
    if (typeof fn !== 'function') {
      const name = node.callee.t === 'member' && node.callee.prop.t === 'str' ? node.callee.prop.v : undefined;
      if (fn === null && name !== undefined) throw new ExprPanic(`function ${name} is not supported yet`);
      throw new ExprPanic(`${goType(fn)} is not a function`);
    }
    return fn(...node.args.map((a) => this.value(a, scope)));
  }

  private unary(op: string, v: Value): Value {
    if (op === 'not' || op === '!') return !asBool(v);
    if (!isNumber(v)) throw new ExprPanic(`invalid operation: ${op} ${goType(v)}`);
    if (op === '+') return v;
    return v instanceof Float ? new Float(-v.v) : -v;
  }

  private binary(node: Extract<Node, { t: 'binary' }>, scope: Scope): Value {
    const op = node.op;
    if (op === '??') {
      const left = this.guarded(node.left, scope);
      return left !== null ? left : this.value(node.right, scope);
    }
    const left = this.value(node.left, scope);
    if (op === 'and' || op === '&&') return asBool(left) ? asBool(this.value(node.right, scope)) : false;
    if (op === 'or' || op === '||') return asBool(left) ? true : asBool(this.value(node.right, scope));
    return binaryOp(op, left, this.value(node.right, scope));
  }

  /**
   * The left side of `??`: a member chain over an unknown name or through nil is nil (expr-lang treats
   * `a.b.c ?? x` as nil-safe; Argo relies on it for outputs of skipped steps).
   */
  private guarded(node: Node, scope: Scope): Value {
    if (node.t === 'id' && !scope.locals?.has(node.name) && !Object.prototype.hasOwnProperty.call(scope.env, node.name))
      return null;
    if (node.t === 'member') {
      const obj = this.guarded(node.obj, scope);
      if (obj === null) return null;
      return fetch(obj, this.value(node.prop, scope));
    }
    return this.value(node, scope);
  }

  private mapLiteral(pairs: [Node, Node][], scope: Scope): VMap {
    const out: VMap = {};
    for (const [k, v] of pairs) {
      const key = this.value(k, scope);
      out[typeof key === 'string' ? key : String(isNumber(key) ? num(key) : key)] = this.value(v, scope);
    }
    return out;
  }

  private argEvaluator(scope: Scope): (arg: Node) => Value | PredicateFn {
    return (arg) => {
      if (arg.t !== 'predicate') return this.value(arg, scope);
      return (item: Value, extra?: { acc?: Value; index?: number }) =>
        this.value(arg.body, { ...scope, pointer: { item, ...extra } });
    };
  }
}
