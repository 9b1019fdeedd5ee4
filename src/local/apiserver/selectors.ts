/**
 * Label and field selectors with kube-apiserver's grammar: `a=b`, `a==b`, `a!=b`, `a in (x,y)`,
 * `a notin (x)`, `a` (exists), `!a` (does not exist); field selectors accept `=`, `==`, `!=` on a
 * small set of fields per resource. Parse errors are 400 BadRequest like the real server's.
 */
import type { KubeObject } from './resources.ts';
import { badRequest } from './status.ts';

type Requirement =
  | { key: string; op: 'eq' | 'neq'; value: string }
  | { key: string; op: 'in' | 'notin'; values: string[] }
  | { key: string; op: 'exists' | 'notexists' };

export type Selector = (labels: Record<string, string> | undefined) => boolean;

/** Splits on commas that are not inside `( )`. */
function splitTerms(s: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let cur = '';
  for (const ch of s) {
    if (ch === '(') depth++;
    if (ch === ')') depth--;
    if (ch === ',' && depth === 0) {
      out.push(cur);
      cur = '';
    } else cur += ch;
  }
  out.push(cur);
  return out.map((t) => t.trim()).filter((t) => t !== '');
}

const KEY = /^([a-z0-9A-Z]([-a-z0-9A-Z_.]*[a-z0-9A-Z])?\/)?[a-z0-9A-Z]([-a-z0-9A-Z_.]*[a-z0-9A-Z])?$/;

function parseTerm(term: string, raw: string): Requirement {
  const set = /^(\S+)\s+(in|notin)\s*\(([^)]*)\)$/.exec(term);
  if (set) {
    const values = set[3]!.split(',').map((v) => v.trim());
    return { key: set[1]!, op: set[2] as 'in' | 'notin', values };
  }
  const cmp = /^([^!=\s]+)\s*(==|!=|=)\s*(\S*)$/.exec(term);
  if (cmp) return { key: cmp[1]!, op: cmp[2] === '!=' ? 'neq' : 'eq', value: cmp[3]! };
  if (term.startsWith('!')) return { key: term.slice(1).trim(), op: 'notexists' };
  if (KEY.test(term)) return { key: term, op: 'exists' };
  throw badRequest(
    `unable to parse requirement: found '${term}', expected: in, notin, =, ==, !=, gt, lt (selector "${raw}")`,
  );
}

/** The `key=value` requirements of a valid label selector (an index can narrow a LIST by any of them). */
export function labelEqualities(raw: string | null | undefined): [string, string][] {
  if (!raw) return [];
  return splitTerms(raw)
    .map((t) => parseTerm(t, raw))
    .flatMap((r) => (r.op === 'eq' ? [[r.key, r.value] as [string, string]] : []));
}

/** Parses a label selector; an empty string selects everything. */
export function parseLabelSelector(raw: string | null | undefined): Selector {
  if (!raw) return () => true;
  const reqs = splitTerms(raw).map((t) => parseTerm(t, raw));
  for (const r of reqs)
    if (!KEY.test(r.key)) throw badRequest(`unable to parse requirement: invalid label key "${r.key}"`);
  return (labels) => reqs.every((r) => matches(r, labels ?? {}));
}

function matches(r: Requirement, labels: Record<string, string>): boolean {
  const has = Object.prototype.hasOwnProperty.call(labels, r.key);
  const v = labels[r.key];
  switch (r.op) {
    case 'eq':
      return has && v === r.value;
    case 'neq':
      return !has || v !== r.value;
    case 'in':
      return has && r.values.includes(v!);
    case 'notin':
      return !has || !r.values.includes(v!);
    case 'exists':
      return has;
    case 'notexists':
      return !has;
  }
}

export type FieldSelector = (object: KubeObject) => boolean;

/** Field paths each resource supports in field selectors (others are 400, like the real server). */
const FIELDS: Record<string, (o: KubeObject) => string | undefined> = {
  'metadata.name': (o) => o.metadata?.name,
  'metadata.namespace': (o) => o.metadata?.namespace ?? '',
  'status.phase': (o) => o.status?.phase ?? '',
  'spec.nodeName': (o) => o.spec?.nodeName ?? '',
  'spec.serviceAccountName': (o) => o.spec?.serviceAccountName ?? '',
  'spec.schedulerName': (o) => o.spec?.schedulerName ?? '',
  'status.podIP': (o) => o.status?.podIP ?? '',
  'spec.unschedulable': (o) => String(o.spec?.unschedulable ?? false),
  type: (o) => o.type,
  'involvedObject.name': (o) => o.involvedObject?.name,
  'involvedObject.kind': (o) => o.involvedObject?.kind,
  'involvedObject.namespace': (o) => o.involvedObject?.namespace,
  'involvedObject.uid': (o) => o.involvedObject?.uid,
  reason: (o) => o.reason,
};

const GENERIC = new Set(['metadata.name', 'metadata.namespace']);
const BY_RESOURCE: Record<string, Set<string>> = {
  '/pods': new Set(['status.phase', 'spec.nodeName', 'spec.serviceAccountName', 'spec.schedulerName', 'status.podIP']),
  '/secrets': new Set(['type']),
  '/nodes': new Set(['spec.unschedulable']),
  '/events': new Set([
    'type',
    'reason',
    'involvedObject.name',
    'involvedObject.kind',
    'involvedObject.namespace',
    'involvedObject.uid',
  ]),
};

/** Parses a field selector for resource key `rk` (`group/resource`). */
export function parseFieldSelector(raw: string | null | undefined, rk: string, kind: string): FieldSelector {
  if (!raw) return () => true;
  const reqs = splitTerms(raw).map((term) => {
    const m = /^([^!=\s]+)\s*(==|!=|=)\s*(.*)$/.exec(term);
    if (!m) throw badRequest(`invalid selector: '${raw}'; can't understand '${term}'`);
    const field = m[1]!;
    if (!GENERIC.has(field) && !BY_RESOURCE[rk]?.has(field)) {
      throw badRequest(`field label not supported: ${field}`);
    }
    void kind;
    return { get: FIELDS[field]!, neq: m[2] === '!=', value: m[3]!.trim() };
  });
  return (o) => reqs.every((r) => (r.get(o) === r.value) !== r.neq);
}
