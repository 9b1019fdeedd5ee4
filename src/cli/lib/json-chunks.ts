/**
 * `JSON.stringify(value, null, 2) + '\n'` (what `argo get -o json` prints) in pieces of about 64 KiB,
 * the same bytes. A 10,000-node workflow is 7.6 MB of JSON: made in one go it is one string, then one
 * buffer of that size, and nothing reaches the reader until both exist. Here the top levels (the
 * workflow, its status, the node map) are walked and each value below them is stringified on its own.
 */

/** Levels walked key by key; values deeper (each node of `status.nodes`) are stringified whole. */
const WALKED_DEPTH = 3;
/** Pieces are joined into chunks of about this many characters. */
const CHUNK_CHARS = 1 << 16;

/** A plain object JSON.stringify would print key by key (no toJSON, not an array or a boxed value). */
function isPlainObject(v: unknown): v is Record<string, unknown> {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) return false;
  const proto = Object.getPrototypeOf(v) as unknown;
  return (proto === Object.prototype || proto === null) && typeof (v as { toJSON?: unknown }).toJSON !== 'function';
}

/** JSON.stringify's 2-space text of a value printed at `depth` (its lines after the first indented). */
function indented(value: unknown, depth: number): string | undefined {
  const text = JSON.stringify(value, null, 2) as string | undefined;
  return text === undefined || depth === 0 ? text : text.replaceAll('\n', '\n' + '  '.repeat(depth));
}

function* pieces(value: unknown, depth: number): Generator<string> {
  if (depth >= WALKED_DEPTH || !isPlainObject(value)) {
    // Only object members can be absent; the callers below never pass one at the top.
    yield indented(value, depth) ?? 'null';
    return;
  }
  const inner = '\n' + '  '.repeat(depth + 1);
  let first = true;
  for (const key of Object.keys(value)) {
    const v = value[key];
    const walked = depth + 1 < WALKED_DEPTH && isPlainObject(v);
    // Members JSON.stringify leaves out (undefined, functions, symbols) are left out here too.
    const text = walked ? '' : indented(v, depth + 1);
    if (!walked && text === undefined) continue;
    yield `${first ? '{' : ','}${inner}${JSON.stringify(key)}: `;
    first = false;
    if (walked) yield* pieces(v, depth + 1);
    else yield text!;
  }
  yield first ? '{}' : `\n${'  '.repeat(depth)}}`;
}

/**
 * The chunks of `JSON.stringify(value, null, 2) + '\n'`; joined, they are exactly that text. A value
 * JSON.stringify prints as `undefined` (a function, a symbol) is not supported.
 */
export function* jsonChunks(value: unknown): Generator<string> {
  let buf: string[] = [];
  let size = 0;
  for (const p of pieces(value, 0)) {
    buf.push(p);
    size += p.length;
    if (size >= CHUNK_CHARS) {
      yield buf.join('');
      buf = [];
      size = 0;
    }
  }
  buf.push('\n');
  yield buf.join('');
}
