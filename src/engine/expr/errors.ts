/**
 * Errors of the expr-lang evaluator, printed as expr-lang prints its `file.Error`: the problem, the
 * 1-based `(line:column)`, then the offending source line with a caret under the column.
 */

/** A parse or evaluation error at a position of an expression. */
export class ExprError extends Error {
  override name = 'ExprError';
  /** The problem alone, without position. */
  readonly problem: string;
  /** 1-based line and column of the problem. */
  readonly line: number;
  readonly column: number;

  constructor(problem: string, source: string, pos: number, options?: { cause?: unknown }) {
    const { line, column, snippet } = locate(source, pos);
    super(snippet === '' ? problem : `${problem} (${line}:${column + 1})${snippet}`, options);
    this.problem = problem;
    this.line = line;
    this.column = column + 1;
  }
}

function locate(source: string, pos: number): { line: number; column: number; snippet: string } {
  let line = 1;
  let column = 0;
  let lineStart = 0;
  const chars = Array.from(source);
  let offset = 0;
  for (const ch of chars) {
    if (offset >= pos) break;
    if (ch === '\n') {
      line++;
      column = 0;
      lineStart = offset + 1;
    } else {
      column++;
    }
    offset += ch.length;
  }
  let lineEnd = source.indexOf('\n', lineStart);
  if (lineEnd < 0) lineEnd = source.length;
  if (lineStart === lineEnd) return { line, column, snippet: '' };
  const text = source.slice(lineStart, lineEnd).replace(/\t/g, ' ');
  return { line, column, snippet: `\n | ${text}\n | ${'.'.repeat(column)}^` };
}

/** A runtime failure raised inside a function or operator; the evaluator adds the position. */
export class ExprPanic extends Error {
  override name = 'ExprPanic';
}

/** True for the evaluator's own errors (by name: the embedded mode may load two copies of a module). */
export function isExprError(e: unknown): e is ExprError {
  return e instanceof Error && e.name === 'ExprError';
}
