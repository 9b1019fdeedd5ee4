/**
 * Reading YAML the way Go's `sigs.k8s.io/yaml` (go-yaml v2) does, which is how Argo and kubectl read
 * workflow files. Two differences from the `yaml` library's YAML 1.2 defaults matter for real files:
 *
 * - YAML 1.1 scalars: `yes`/`no`/`on`/`off` are booleans, `0644` is octal, `<<` merges — but
 *   timestamps stay strings (go-yaml v2 keeps them strings when decoding into interface{}), and a
 *   repeated key keeps its last value (go-yaml's lenient reading; the strict one Argo's lint and
 *   submit use by default refuses it: yaml-duplicates.ts, checked in parse.ts).
 * - Indentation inside flow context: go-yaml ignores it, so Argo's examples write
 *   `args: ["` … `"]` with the closing line back at the key's column; the `yaml` library refuses
 *   such lines. {@link reindentFlowLines} indents them one column past the construct's start, which
 *   changes no value (continuation lines of flow scalars are folded without their leading spaces).
 */
import { parseDocument, type DocumentOptions, type ParseOptions, type SchemaOptions } from 'yaml';
import { installYamlReader } from './yaml-reader.ts';

/** go-yaml v2 decodes timestamps as strings into interface{}; sexagesimal (`format: TIME`) numbers it does not know. */
const STRING_TAGS = new Set(['tag:yaml.org,2002:timestamp']);

/** Options for `parseAllDocuments` that match go-yaml v2. */
export const GO_YAML_OPTIONS: ParseOptions & DocumentOptions & SchemaOptions = {
  version: '1.1',
  uniqueKeys: false,
  customTags: (tags) =>
    tags.filter(
      (t) => typeof t === 'string' || (!STRING_TAGS.has(t.tag) && (t as { format?: string }).format !== 'TIME'),
    ),
};

interface ScanState {
  flowDepth: number;
  quote: '"' | "'" | undefined;
  /** A block scalar (`|`, `>`) runs while lines are indented more than this. */
  blockScalarParent: number | undefined;
  /** While a flow collection or a quoted scalar is open across lines, they need this indent. */
  minIndent: number;
}

const indentOf = (line: string): number => line.length - line.trimStart().length;

/** Column where a line's content starts, past indentation and block sequence dashes. */
function contentColumn(line: string): number {
  let i = indentOf(line);
  while (line[i] === '-' && (line[i + 1] === ' ' || line[i + 1] === undefined)) {
    i++;
    while (line[i] === ' ') i++;
  }
  return i;
}

/** Updates `s` with one line's quotes, brackets, comments and block scalar indicators. */
function scanLine(line: string, s: ScanState): void {
  let atStart = true;
  for (let i = indentOf(line); i < line.length; i++) {
    const ch = line[i]!;
    if (s.quote === '"') {
      if (ch === '\\') i++;
      else if (ch === '"') s.quote = undefined;
      continue;
    }
    if (s.quote === "'") {
      if (ch === "'" && line[i + 1] === "'") i++;
      else if (ch === "'") s.quote = undefined;
      continue;
    }
    if (ch === ' ' || ch === '\t') continue;
    if (ch === '#' && (i === 0 || /\s/.test(line[i - 1]!))) return;
    const next = line[i + 1];
    const spaced = next === undefined || next === ' ' || next === '\t';
    if (atStart && (ch === '"' || ch === "'")) {
      s.quote = ch;
      atStart = false;
    } else if (atStart && (ch === '[' || ch === '{')) s.flowDepth++;
    else if (s.flowDepth > 0 && (ch === ']' || ch === '}')) {
      s.flowDepth--;
      atStart = false;
    } else if (s.flowDepth > 0 && ch === ',') atStart = true;
    else if (ch === ':' && (spaced || s.flowDepth > 0)) atStart = true;
    else if (atStart && s.flowDepth === 0 && (ch === '-' || ch === '?') && spaced) atStart = true;
    else if (atStart && s.flowDepth === 0 && (ch === '|' || ch === '>')) {
      if (/^[|>][-+0-9]*\s*(#.*)?$/.test(line.slice(i))) s.blockScalarParent = indentOf(line);
      return;
    } else if (atStart && (ch === '&' || ch === '!' || ch === '*')) {
      while (i + 1 < line.length && !/\s/.test(line[i + 1]!)) i++;
    } else atStart = false;
  }
}

/**
 * Indents lines inside multi-line flow collections and quoted scalars one column past where the
 * construct began, when they are indented less (what go-yaml accepts and the `yaml` library does not).
 */
export function reindentFlowLines(text: string): string {
  const s: ScanState = { flowDepth: 0, quote: undefined, blockScalarParent: undefined, minIndent: 0 };
  const lines = text.split('\n');
  for (let n = 0; n < lines.length; n++) {
    let line = lines[n]!;
    const blank = line.trim() === '';
    if (s.blockScalarParent !== undefined) {
      if (blank || indentOf(line) > s.blockScalarParent) continue;
      s.blockScalarParent = undefined;
    }
    const open = s.flowDepth > 0 || s.quote !== undefined;
    if (open && !blank && indentOf(line) < s.minIndent) {
      line = ' '.repeat(s.minIndent) + line.trimStart();
      lines[n] = line;
    }
    if (!open) {
      if (/^(---|\.\.\.)(\s|$)/.test(line)) s.flowDepth = 0;
      s.minIndent = contentColumn(line) + 1;
    }
    scanLine(line, s);
  }
  return lines.join('\n');
}

/**
 * One YAML document read as go-yaml v2 reads it (podSpecPatch, a resource manifest, an artifact
 * repository ConfigMap value); throws the first error.
 */
export function parseYamlDocument(text: string): unknown {
  const doc = parseDocument(text, GO_YAML_OPTIONS);
  if (doc.errors.length > 0) throw doc.errors[0]!;
  return doc.toJS() as unknown;
}

// Importing this module is what gives the engine its YAML reader (yaml-reader.ts says why).
installYamlReader(parseYamlDocument);
