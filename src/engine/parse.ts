/**
 * Parses Argo Workflow YAML or JSON (one or many `---` documents) into workflows, or errors with
 * line and column. YAML is read as Go's sigs.k8s.io/yaml reads it, as Argo does (yaml-go.ts). Documents of another `kind` are reported, empty documents ignored.
 */
import { LineCounter, parseAllDocuments, type Document } from 'yaml';
import { duplicateKeys, repeatedKeyMessage } from './yaml-duplicates.ts';
import type { Workflow } from './types.ts';
import { GO_YAML_OPTIONS, reindentFlowLines } from './yaml-go.ts';

/** A document that could not be read as a Workflow. */
export interface ParseError {
  file?: string;
  /** 1-based. */
  line: number;
  /** 1-based. */
  column: number;
  /** 0-based document index in the stream. */
  document: number;
  message: string;
}

/** What to accept besides plain Workflows. */
export interface ParseOptions {
  /** Accepted `kind`s (documents without a kind are always accepted). Default `['Workflow']`. */
  kinds?: string[];
  /**
   * Kinds read as plain objects, in `objects` (ConfigMaps applied with a workflow: no `spec` needed).
   * Default none.
   */
  objects?: string[];
  /**
   * Documents of any other kind: reported as errors (`'error'`, the default) or read as `objects`
   * (`argosy lint` leaves them alone, as argo's lint ignores kinds it does not lint).
   */
  otherKinds?: 'error' | 'objects';
  /**
   * Refuse repeated mapping keys as Argo's strict reading does (yaml-duplicates.ts; the default, as
   * argo's lint/submit `--strict` default). `false` keeps the last value, as `--strict=false` does.
   */
  strict?: boolean;
}

/** The workflows found (in document order) and the problems. */
export interface ParseResult {
  workflows: Workflow[];
  errors: ParseError[];
  /** Documents of an `objects` kind, in document order (empty unless asked for). */
  objects: Record<string, unknown>[];
}

/** The documents as go-yaml reads them; what only go-yaml's loose flow indentation allows is re-read reindented. */
function readDocuments(text: string): { docs: Document.Parsed[]; lineCounter: LineCounter } {
  let lineCounter = new LineCounter();
  let docs = parseAllDocuments(text, { ...GO_YAML_OPTIONS, lineCounter, prettyErrors: false });
  if (Array.isArray(docs) && docs.some((d) => d.errors.length > 0)) {
    // What go-yaml accepts and the yaml library refuses: flow lines indented less than their key.
    const retry = new LineCounter();
    const again = parseAllDocuments(reindentFlowLines(text), {
      ...GO_YAML_OPTIONS,
      lineCounter: retry,
      prettyErrors: false,
    });
    if (Array.isArray(again) && again.every((d) => d.errors.length === 0)) {
      docs = again;
      lineCounter = retry;
    }
  }
  return { docs: Array.isArray(docs) ? docs : [], lineCounter };
}

/**
 * Parses a YAML/JSON stream of Workflows.
 * @example const { workflows, errors } = parseWorkflows(readFileSync('wf.yaml', 'utf8'), 'wf.yaml');
 */
export function parseWorkflows(text: string, fileName?: string, options: ParseOptions = {}): ParseResult {
  const kinds = options.kinds ?? ['Workflow'];
  const { docs: list, lineCounter } = readDocuments(text);
  const result: ParseResult = { workflows: [], errors: [], objects: [] };
  const fail = (document: number, offset: number, message: string): void => {
    const pos = lineCounter.linePos(offset);
    const err: ParseError = { line: pos.line, column: pos.col, document, message };
    if (fileName !== undefined) err.file = fileName;
    result.errors.push(err);
  };
  list.forEach((doc, index) => {
    if (doc.errors.length > 0) {
      for (const e of doc.errors) fail(index, e.pos[0], e.message.split('\n')[0] ?? e.message);
      return;
    }
    const repeated = options.strict === false ? [] : duplicateKeys(doc);
    for (const d of repeated) fail(index, d.offset, repeatedKeyMessage(d, lineCounter.linePos(d.offset).line));
    if (repeated.length > 0) return;
    const start = doc.range[0];
    let value: unknown;
    try {
      // The yaml library throws (not reports) for unresolved aliases and alias bombs.
      value = doc.toJS({ maxAliasCount: 1000 });
    } catch (e) {
      return fail(index, start, `cannot read YAML: ${(e as Error).message.split('\n')[0]}`);
    }
    if (value === null || value === undefined) return;
    if (typeof value !== 'object' || Array.isArray(value)) return fail(index, start, 'document is not an object');
    const obj = value as Record<string, unknown>;
    if (options.objects?.includes(String(obj.kind))) return void result.objects.push(obj);
    const other = obj.kind !== undefined && !kinds.includes(String(obj.kind));
    if (other && options.otherKinds === 'objects') return void result.objects.push(obj);
    if (other) return fail(index, start, `kind '${String(obj.kind)}' is not a ${kinds.join(' or ')}`);
    if (typeof obj.spec !== 'object' || obj.spec === null) return fail(index, start, 'spec is required');
    const wf = { ...obj, metadata: (obj.metadata as object | undefined) ?? {} } as Workflow;
    result.workflows.push(wf);
  });
  return result;
}
