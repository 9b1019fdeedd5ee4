/**
 * Repeated mapping keys, reported as Go's strict YAML reading reports them. Argo's lint and submit
 * read files with sigs.k8s.io/yaml's `YAMLToJSONStrict` (unless `--strict=false`), whose go-yaml v2
 * decoder fails with `yaml: unmarshal errors:` and one `line N: key "k" already set in map` per
 * repeated key (N: the line where the repeated key's value starts). Keys are compared after YAML 1.1
 * resolution (`y` and `true` are the same key), and a key a merge (`<<`) brings in counts as set, so a
 * merge overlapping the mapping's own keys fails too, as it does in go-yaml v2's strict mode. Without
 * strictness go-yaml keeps the last value, which is what parse.ts's documents hold.
 */
import {
  isAlias,
  isMap,
  isPair,
  isScalar,
  isSeq,
  visit,
  type Document,
  type Node,
  type Pair,
  type YAMLMap,
} from 'yaml';

/** One repeated key: where its value starts (offset in the text) and Go's words for it, without the line. */
export interface DuplicateKey {
  offset: number;
  /** `key "name" already set in map` (Go's `%#v` of the key). */
  message: string;
  /** Dotted path of the mapping holding the key (`spec.templates[0]`), '' at the top. */
  path: string;
}

/** Go's `%#v` of a decoded key: strings quoted, numbers and booleans bare, null as `<nil>`. */
function goRepr(v: unknown): string {
  if (typeof v === 'string') return JSON.stringify(v);
  if (v === null || v === undefined) return '<nil>';
  return String(v);
}

/** Identity of a scalar key as go-yaml decodes it into interface{} (type and value). */
function keyId(v: unknown): string {
  return `${v === null ? 'null' : typeof v}:${String(v)}`;
}

const isMerge = (p: Pair): boolean => isScalar(p.key) && typeof p.key.value === 'symbol' && p.key.source === '<<';

/** The keys (with their value offsets) a merge value brings in: a mapping, an alias of one, or a list of them. */
function mergedKeys(doc: Document, value: unknown): { key: unknown; offset: number }[] {
  const resolve = (n: unknown): unknown => (isAlias(n) ? n.resolve(doc) : n);
  const maps = isSeq(value) ? [...value.items].reverse().map(resolve) : [resolve(value)];
  const out: { key: unknown; offset: number }[] = [];
  for (const m of maps) {
    if (!isMap(m)) continue;
    for (const p of m.items) {
      if (isMerge(p)) out.push(...mergedKeys(doc, p.value));
      else if (isScalar(p.key)) out.push({ key: p.key.value, offset: offsetOf(p) });
    }
  }
  return out;
}

/** Where the pair's value starts (go-yaml's value node line), else its key. */
function offsetOf(p: Pair): number {
  const v = p.value as Node | null;
  return v?.range?.[0] ?? (p.key as Node | null)?.range?.[0] ?? 0;
}

function pathOf(ancestors: readonly unknown[]): string {
  let path = '';
  ancestors.forEach((a, i) => {
    const next = ancestors[i + 1];
    if (!next) return;
    if (isSeq(a)) path += `[${a.items.indexOf(next as never)}]`;
    else if (isPair(a) && isScalar(a.key)) path += `${path ? '.' : ''}${String(a.key.value)}`;
  });
  return path;
}

function mapDuplicates(doc: Document, map: YAMLMap, path: string): DuplicateKey[] {
  const seen = new Set<string>();
  const out: DuplicateKey[] = [];
  const set = (key: unknown, offset: number): void => {
    const id = keyId(key);
    if (seen.has(id)) out.push({ offset, message: `key ${goRepr(key)} already set in map`, path });
    seen.add(id);
  };
  for (const p of map.items) {
    if (isMerge(p)) for (const m of mergedKeys(doc, p.value)) set(m.key, m.offset);
    else if (isScalar(p.key)) set(p.key.value, offsetOf(p));
  }
  return out;
}

/** Every repeated key of one parsed document, in document order. */
export function duplicateKeys(doc: Document): DuplicateKey[] {
  const out: DuplicateKey[] = [];
  visit(doc, {
    Map(_, map, ancestors) {
      out.push(...mapDuplicates(doc, map, pathOf([...ancestors, map])));
    },
  });
  return out.sort((a, b) => a.offset - b.offset);
}

/**
 * The parse error for a repeated key: go-yaml's words, the line counted in the file (go-yaml counts
 * from the `---` that starts the document: the same for a file's first document), and where it is.
 */
export function repeatedKeyMessage(d: DuplicateKey, line: number): string {
  return `yaml: unmarshal errors: line ${line}: ${d.message}${d.path ? ` (in ${d.path})` : ''}`;
}
