/** The expr-lang syntax tree (one node kind per expr-lang `ast` node the evaluator needs). */

/** A parsed expression node; `pos` is the UTF-16 offset used in error messages. */
export type Node =
  | { t: 'nil'; pos: number }
  | { t: 'bool'; v: boolean; pos: number }
  | { t: 'int'; v: number; pos: number }
  | { t: 'float'; v: number; pos: number }
  | { t: 'str'; v: string; pos: number }
  | { t: 'id'; name: string; pos: number }
  | { t: 'ptr'; name: string; pos: number }
  | { t: 'member'; obj: Node; prop: Node; optional: boolean; pos: number }
  | { t: 'slice'; obj: Node; from?: Node; to?: Node; pos: number }
  | { t: 'call'; callee: Node; args: Node[]; pos: number }
  | { t: 'builtin'; name: string; args: Node[]; pos: number }
  | { t: 'predicate'; body: Node; pos: number }
  | { t: 'unary'; op: string; arg: Node; pos: number }
  | { t: 'binary'; op: string; left: Node; right: Node; pos: number }
  | { t: 'cond'; cond: Node; a: Node; b: Node; pos: number }
  | { t: 'array'; items: Node[]; pos: number }
  | { t: 'map'; pairs: [Node, Node][]; pos: number }
  | { t: 'let'; name: string; value: Node; body: Node; pos: number }
  | { t: 'seq'; nodes: Node[]; pos: number };
