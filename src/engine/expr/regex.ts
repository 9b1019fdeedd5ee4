/**
 * Go (RE2) regular expressions as JavaScript RegExps, for `matches` and sprig's regex functions:
 * leading flag groups (`(?i)`, `(?s)`, `(?m)`), named groups `(?P<n>...)`, `\A`/`\z` anchors. RE2 has no
 * backreferences or lookaround, so patterns using them are rejected as Go rejects them.
 */
import { ExprPanic } from './errors.ts';

const cache = new Map<string, RegExp>();

/** Compiles (and caches) a Go regular expression; throws expr-lang's `error parsing regexp` panic. */
export function compileRegex(pattern: string, global = false): RegExp {
  const key = `${global ? 'g' : ''}:${pattern}`;
  const hit = cache.get(key);
  if (hit) return hit;
  let body = pattern;
  let flags = global ? 'gu' : 'u';
  const lead = /^\(\?([imsU]+)\)/.exec(body);
  if (lead) {
    for (const f of lead[1] ?? '') if (f !== 'U' && !flags.includes(f)) flags += f;
    body = body.slice(lead[0].length);
  }
  if (/\(\?(=|!|<=|<!)|\\[1-9]/.test(body))
    throw new ExprPanic(`error parsing regexp: invalid or unsupported Perl syntax: \`${pattern}\``);
  body = body
    .replace(/\(\?P</g, '(?<')
    .replace(/\\A/g, '^')
    .replace(/\\z/g, '$');
  let re: RegExp;
  try {
    re = new RegExp(body, flags);
  } catch (e) {
    throw new ExprPanic(`error parsing regexp: ${(e as Error).message}`);
  }
  if (cache.size > 256) cache.clear();
  cache.set(key, re);
  return re;
}
