/**
 * `valueFrom.jqFilter` of resource templates, as Argo's executor runs it with gojq: every value the
 * filter yields, strings as they are and anything else as Go's json.Marshal writes it, one per line,
 * the whole trimmed. jq itself is @michaelhomer/jqjs (pure JavaScript, no native code), loaded only
 * here, in the local executor stand-in, so it never reaches a Lambda bundle.
 */
import { goJson } from './jsonpath.ts';

type JqCompile = (filter: string) => (input: unknown) => Iterable<unknown>;

let compile: JqCompile | undefined;

async function jq(): Promise<JqCompile> {
  if (!compile) {
    const mod = (await import('@michaelhomer/jqjs')) as { default: { compile: JqCompile } };
    compile = mod.default.compile;
  }
  return compile;
}

/** Runs a jq filter over a decoded JSON document (Argo's `jqFilter`). */
export async function jqFilter(input: unknown, filter: string): Promise<string> {
  const run = (await jq())(filter);
  const lines: string[] = [];
  for (const v of run(input)) lines.push(typeof v === 'string' ? v : goJson(v));
  return lines.join('\n').trim();
}
