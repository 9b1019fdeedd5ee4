// CI keeps only the tail of a run's output, and node's TAP reporter prints a failure where it
// happens, often thousands of lines before the end. This repeats every failing test (not the suites
// that fail only because a subtest did) after the totals, with where it is and what it said.

const NOT_OK = /^(\s*)not ok \d+ - (.*)$/;
/** YAML keys of a failure's diagnostic block worth repeating, in this order. */
const KEYS = ['location', 'failureType', 'error', 'expected', 'actual', 'stack'];
/** Lines kept of a multi-line value (an error message or a stack). */
const MAX_VALUE_LINES = 12;

interface Failure {
  name: string;
  fields: Map<string, string[]>;
}

/** The diagnostic block that follows a `not ok` line: `key: value` lines, with `|-` bodies. */
function readBlock(lines: string[], start: number, indent: number): { fields: Map<string, string[]>; end: number } {
  const fields = new Map<string, string[]>();
  const pad = ' '.repeat(indent + 2);
  let i = start;
  if (lines[i] !== `${pad}---`) return { fields, end: i };
  let key = '';
  for (i += 1; i < lines.length && lines[i] !== `${pad}...`; i += 1) {
    const line = lines[i]!;
    const head = new RegExp(`^${pad}([A-Za-z_]+): ?(.*)$`).exec(line);
    if (head) {
      key = head[1]!;
      fields.set(key, head[2] === '|-' || head[2] === '>-' ? [] : [head[2]!]);
    } else if (key) fields.get(key)!.push(line.slice(pad.length + 2));
  }
  return { fields, end: i };
}

export function tapFailures(tap: string): string[] {
  const lines = tap.split('\n');
  const found: Failure[] = [];
  for (let i = 0; i < lines.length; i += 1) {
    const m = NOT_OK.exec(lines[i]!);
    if (!m) continue;
    const { fields, end } = readBlock(lines, i + 1, m[1]!.length);
    i = end;
    if (fields.get('failureType')?.[0] === "'subtestsFailed'") continue;
    found.push({ name: m[2]!, fields });
  }
  return found.map(({ name, fields }) => {
    const body = KEYS.filter((k) => fields.has(k)).map((k) => {
      const value = fields.get(k)!;
      const kept = value.slice(0, MAX_VALUE_LINES);
      const more = value.length > kept.length ? [`… ${value.length - kept.length} more lines`] : [];
      return `#   ${k}: ${[...kept, ...more].join('\n#     ')}`;
    });
    return [`# not ok - ${name}`, ...body].join('\n');
  });
}

/** The summary printed after the totals: nothing when every test passed. */
export function failureSummary(outputs: string[]): string {
  const all = outputs.flatMap(tapFailures);
  return all.length ? `\n# failing tests (${all.length}), repeated from above\n${all.join('\n')}\n` : '';
}
