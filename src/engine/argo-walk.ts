/**
 * Walks an Argo document along Argo's own types (argo-schema.generated.ts): every field it meets is
 * either known — and then handed to the visitor with its type and path — or unknown, reported with
 * the closest known field (`spec.paralellism: unknown field; did you mean parallelism?`), as
 * `argo lint --strict` refuses what Go's strict decoding does not know.
 */
import { ARGO_TYPES } from './argo-schema.generated.ts';
import { didYouMean } from './did-you-mean.ts';

/**
 * Argosy's additions to Argo's types (the multi-cluster placement of a template; `placement` is
 * checked by placement/spec.ts).
 */
const ARGOSY_FIELDS: Readonly<Record<string, readonly string[]>> = {
  Template: ['clusterName', 'namespace', 'serviceAccount', 'placement'],
};

/** The Argo kinds a document may be. */
export type ArgoRoot = 'Workflow' | 'WorkflowTemplate' | 'ClusterWorkflowTemplate';

/** A known field met on the way: its owner type, name, value and path. */
export interface FieldVisit {
  type: string;
  field: string;
  value: unknown;
  path: string;
  /** The field's schema reference ('' = a value Argo's types do not describe further). */
  ref: string;
}

/** A problem with its path into the document. */
export interface PathProblem {
  path: string;
  message: string;
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** `a.b`, or `a["x y"]` for keys that are not plain names. */
export function childPath(path: string, key: string): string {
  if (/^[A-Za-z_$][\w$-]*$/.test(key)) return path ? `${path}.${key}` : key;
  return `${path}[${JSON.stringify(key)}]`;
}

function knownFields(type: string): string[] {
  return [...Object.keys(ARGO_TYPES[type] ?? {}), ...(ARGOSY_FIELDS[type] ?? [])];
}

function walkValue(
  ref: string,
  value: unknown,
  path: string,
  visit: (v: FieldVisit) => boolean | void,
  out: PathProblem[],
): void {
  if (ref === '' || value === null || value === undefined) return;
  if (ref.startsWith('[]')) {
    if (Array.isArray(value)) value.forEach((v, i) => walkValue(ref.slice(2), v, `${path}[${i}]`, visit, out));
    return;
  }
  if (ref.startsWith('{}')) {
    if (isObject(value))
      for (const [k, v] of Object.entries(value)) walkValue(ref.slice(2), v, childPath(path, k), visit, out);
    return;
  }
  walkObject(ref, value, path, visit, out);
}

function walkObject(
  type: string,
  value: unknown,
  path: string,
  visit: (v: FieldVisit) => boolean | void,
  out: PathProblem[],
): void {
  if (!isObject(value)) return;
  const fields = ARGO_TYPES[type] ?? {};
  const extra = ARGOSY_FIELDS[type] ?? [];
  for (const [field, v] of Object.entries(value)) {
    const at = childPath(path, field);
    if (!(field in fields) && !extra.includes(field)) {
      out.push({ path: at, message: `unknown field${didYouMean(field, knownFields(type))}` });
      continue;
    }
    const ref = fields[field] ?? '';
    // A visitor answering false has said all there is to say about this field (an unsupported one).
    if (visit({ type, field, value: v, path: at, ref }) === false) continue;
    walkValue(ref, v, at, visit, out);
  }
}

/**
 * Walks `doc` as Argo type `type` (a root kind, or e.g. `Template` for a template on its own);
 * returns the unknown fields and calls `visit` for every known one.
 */
export function walkArgo(
  doc: unknown,
  type: string,
  path: string,
  visit: (v: FieldVisit) => boolean | void = () => true,
): PathProblem[] {
  const out: PathProblem[] = [];
  walkObject(type, doc, path, visit, out);
  return out;
}
