/**
 * Loop expansion (`withItems`, `withParam`, `withSequence`) and the item-related names and values:
 * node-name suffix `(<i>:<value>)`, `{{item}}` and `{{item.KEY}}`.
 */
import type { Sequence } from './types.ts';
import type { Resolver } from './substitute.ts';

/** A loop that could not be expanded (bad JSON, bad sequence); the message is Argo's. */
export class LoopExpansionError extends Error {
  override name = 'LoopExpansionError';
}

/** The loop fields of a step or task, already substituted with the surrounding scope. */
export interface LoopSpec {
  withItems?: unknown[];
  withParam?: string;
  withSequence?: Sequence;
}

/** Whether a step/task loops at all. */
export function hasLoop(spec: LoopSpec): boolean {
  return spec.withItems !== undefined || spec.withParam !== undefined || spec.withSequence !== undefined;
}

/** The items of a loop (Argo order). Throws {@link LoopExpansionError}. */
export function expandLoop(spec: LoopSpec): unknown[] {
  if (spec.withItems !== undefined) return spec.withItems;
  if (spec.withParam !== undefined) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(spec.withParam);
    } catch (e) {
      const why = e instanceof Error ? e.message : String(e);
      throw new LoopExpansionError(`withParam value could not be parsed as a JSON list: ${spec.withParam}: ${why}`);
    }
    if (!Array.isArray(parsed))
      throw new LoopExpansionError(
        `withParam value could not be parsed as a JSON list: ${spec.withParam}: json: cannot unmarshal ${typeof parsed} into Go value of type []v1alpha1.Item`,
      );
    return parsed;
  }
  if (spec.withSequence !== undefined) return expandSequence(spec.withSequence);
  return [];
}

function toInt(value: string | number | undefined, field: string): number {
  const text = String(value ?? '').trim();
  if (!/^[-+]?\d+$/.test(text))
    throw new LoopExpansionError(`strconv.Atoi: parsing "${text}": invalid syntax (withSequence.${field})`);
  return Number(text);
}

/** Argo's `expandSequence`: items are strings; `end < start` counts down; `count: 0` ⇒ none. */
export function expandSequence(seq: Sequence): string[] {
  const start = seq.start !== undefined ? toInt(seq.start, 'start') : 0;
  let end: number;
  if (seq.end !== undefined) end = toInt(seq.end, 'end');
  else if (seq.count !== undefined) {
    const count = toInt(seq.count, 'count');
    if (count === 0) return [];
    end = start + count - 1;
  } else throw new LoopExpansionError('neither end nor count was specified in withSequence');
  const format = seq.format ?? '%d';
  const out: string[] = [];
  if (start <= end) for (let i = start; i <= end; i++) out.push(sprintfInt(format, i));
  else for (let i = start; i >= end; i--) out.push(sprintfInt(format, i));
  return out;
}

/** A small Go `fmt.Sprintf` for one integer argument (`%d %x %X %o %b`, flags `-0+ `, width). */
export function sprintfInt(format: string, n: number): string {
  return format.replace(/%([-0+ ]*)(\d*)([dxXobs%])/g, (_m, flags: string, width: string, verb: string) => {
    if (verb === '%') return '%';
    const neg = n < 0;
    const abs = Math.abs(n);
    let digits =
      verb === 'x'
        ? abs.toString(16)
        : verb === 'X'
          ? abs.toString(16).toUpperCase()
          : verb === 'o'
            ? abs.toString(8)
            : verb === 'b'
              ? abs.toString(2)
              : String(abs);
    const sign = neg ? '-' : flags.includes('+') ? '+' : flags.includes(' ') ? ' ' : '';
    const w = width ? Number(width) : 0;
    if (flags.includes('-')) return (sign + digits).padEnd(w, ' ');
    if (flags.includes('0')) {
      digits = digits.padStart(Math.max(0, w - sign.length), '0');
      return sign + digits;
    }
    return (sign + digits).padStart(w, ' ');
  });
}

/** Go's `%v` of a JSON value (maps as `map[k:v]`, lists as `[a b]`). */
function goFormat(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(goFormat).join(' ')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.keys(value)
      .sort()
      .map((k) => `${k}:${goFormat((value as Record<string, unknown>)[k])}`);
    return `map[${entries.join(' ')}]`;
  }
  if (value === null) return '<nil>';
  return String(value);
}

/** The `(<i>:<value>)` suffix of an expanded node's name; parentheses are stripped from the value. */
export function itemSuffix(index: number, item: unknown): string {
  let text: string;
  if (item !== null && typeof item === 'object' && !Array.isArray(item)) {
    text = Object.keys(item)
      .sort()
      .map((k) => `${k}:${goFormat((item as Record<string, unknown>)[k])}`)
      .join(',');
  } else text = goFormat(item);
  return `(${index}:${text.replace(/[()]/g, '')})`;
}

/** JSON with sorted keys, the way Go marshals maps. */
export function stableJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(stableJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const obj = value as Record<string, unknown>;
    return `{${Object.keys(obj)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${stableJson(obj[k])}`)
      .join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

/** `{{item}}` / `{{item.KEY}}` rendering: strings verbatim, numbers/bools as text, maps/lists as JSON. */
export function itemValue(value: unknown): string {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return stableJson(value);
}

/** A resolver for `item` and `item.KEY`. */
export function itemResolver(item: unknown): Resolver {
  return (tag) => {
    if (tag === 'item') return itemValue(item);
    if (tag.startsWith('item.') && item !== null && typeof item === 'object' && !Array.isArray(item)) {
      const key = tag.slice(5);
      const obj = item as Record<string, unknown>;
      if (Object.prototype.hasOwnProperty.call(obj, key)) return itemValue(obj[key]);
    }
    return undefined;
  };
}
