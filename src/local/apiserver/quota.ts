/**
 * The ResourceQuota admission plugin, as kube-apiserver runs it on create: the namespace's quotas are
 * summed over the objects they cover, and a create that would take any of them past `spec.hard` is
 * refused 403 with the plugin's message (`exceeded quota: NAME, requested: …, used: …, limited: …`); a pod
 * without the requests or limits a quota tracks is refused with `failed quota: NAME: must specify …`.
 * Argo's controller takes `exceeded quota` as transient and keeps the node Pending until room comes back
 * (its TestPendingRetryWorkflow / TestResourceQuota e2e cases), so local clusters must refuse what a real
 * cluster refuses. Usage is computed from the stored objects at admission time (the real plugin keeps it
 * in `status.used`, maintained by the quota controller); scopes Terminating/NotTerminating and
 * BestEffort/NotBestEffort are honoured, a `scopeSelector` is refused when the quota is created.
 */
import { formatQuantity, parseQuantity, type Quantity } from '../../engine/quantity.ts';
import type { KubeObject, ResourceDef } from './resources.ts';
import { forbidden, invalid } from './status.ts';

/** An amount in nano-units with the format it prints in (the first non-zero term's, as Quantity.Add keeps). */
interface Amount {
  nano: bigint;
  format: Quantity['format'];
}

const ZERO: Amount = { nano: 0n, format: 'DecimalSI' };
const COMPUTE = ['cpu', 'memory', 'ephemeral-storage'];
/** Quota names that count objects of a core resource (besides `count/<resource>`). */
const LEGACY_COUNTS = [
  'pods',
  'services',
  'replicationcontrollers',
  'resourcequotas',
  'secrets',
  'configmaps',
  'persistentvolumeclaims',
];
/** Compute names a pod must state when a quota tracks them (the pod evaluator's constraints). */
const REQUIRED = ['requests.cpu', 'cpu', 'requests.memory', 'memory', 'limits.cpu', 'limits.memory'];
const SCOPES = ['Terminating', 'NotTerminating', 'BestEffort', 'NotBestEffort'];

function nanoOf(q: Quantity): bigint {
  const num = q.mantissa * 1024n ** BigInt(q.exp1024);
  const exp = q.exp10 + 9;
  if (exp >= 0) return num * 10n ** BigInt(exp);
  const div = 10n ** BigInt(-exp);
  return num / div + (num % div === 0n ? 0n : 1n);
}

function amount(raw: unknown): Amount | undefined {
  const q = parseQuantity(raw);
  return q ? { nano: nanoOf(q), format: q.format } : undefined;
}

function add(a: Amount, b: Amount): Amount {
  return { nano: a.nano + b.nano, format: a.nano === 0n ? b.format : a.format };
}

function max(a: Amount, b: Amount): Amount {
  return b.nano > a.nano ? b : a;
}

function show(a: Amount): string {
  return formatQuantity({ mantissa: a.nano, exp10: -9, exp1024: 0, format: a.format });
}

/** A container's request for `r`: stated, else its limit (API defaulting copies limits into requests). */
function containerAmount(c: KubeObject, kind: 'requests' | 'limits', r: string): Amount | undefined {
  const res = c.resources ?? {};
  return amount(res[kind]?.[r]) ?? (kind === 'requests' ? amount(res.limits?.[r]) : undefined);
}

/** A pod's total for `kind`.`r`: max(sum of containers, largest init container) plus overhead. */
function podAmount(pod: KubeObject, kind: 'requests' | 'limits', r: string): Amount {
  const spec = pod.spec ?? {};
  let sum = ZERO;
  for (const c of spec.containers ?? []) sum = add(sum, containerAmount(c, kind, r) ?? ZERO);
  for (const c of spec.initContainers ?? []) sum = max(sum, containerAmount(c, kind, r) ?? ZERO);
  return add(sum, amount(spec.overhead?.[r]) ?? ZERO);
}

function isTerminal(pod: KubeObject): boolean {
  return pod.status?.phase === 'Succeeded' || pod.status?.phase === 'Failed';
}

function countNames(def: ResourceDef): string[] {
  const qualified = def.group ? `${def.resource}.${def.group}` : def.resource;
  return [`count/${qualified}`, ...(def.group === '' && LEGACY_COUNTS.includes(def.resource) ? [def.resource] : [])];
}

/** What one object uses of `name` (undefined: the quota's name does not cover this kind). */
function usage(def: ResourceDef, obj: KubeObject, name: string): Amount | undefined {
  if (countNames(def).includes(name)) return { nano: 1_000_000_000n, format: 'DecimalSI' };
  if (def.group !== '') return undefined;
  if (def.resource === 'pods') {
    const [kind, r] = name.includes('.') ? (name.split('.', 2) as [string, string]) : ['requests', name];
    if ((kind === 'requests' || kind === 'limits') && COMPUTE.includes(r)) return podAmount(obj, kind, r);
  }
  if (def.resource === 'persistentvolumeclaims' && name === 'requests.storage')
    return amount(obj.spec?.resources?.requests?.storage) ?? ZERO;
  return undefined;
}

/** Whether a quota's `spec.scopes` select the object (scopes only ever select pods). */
function inScope(quota: KubeObject, def: ResourceDef, obj: KubeObject): boolean {
  const scopes: string[] = quota.spec?.scopes ?? [];
  if (scopes.length === 0) return true;
  if (def.group !== '' || def.resource !== 'pods') return false;
  const terminating = obj.spec?.activeDeadlineSeconds !== undefined && obj.spec?.activeDeadlineSeconds !== null;
  const bestEffort = !(obj.spec?.containers ?? []).some(
    (c: KubeObject) => Object.keys(c.resources?.requests ?? {}).length || Object.keys(c.resources?.limits ?? {}).length,
  );
  const holds: Record<string, boolean> = {
    Terminating: terminating,
    NotTerminating: !terminating,
    BestEffort: bestEffort,
    NotBestEffort: !bestEffort,
  };
  return scopes.every((s) => holds[s] === true);
}

function pretty(entries: [string, Amount][]): string {
  return entries
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([k, v]) => `${k}=${show(v)}`)
    .join(',');
}

/** The pod evaluator's constraint: every container states what a tracked compute name needs. */
function checkStated(quota: KubeObject, pod: KubeObject): void {
  const hard = Object.keys(quota.spec?.hard ?? {});
  const containers = [...(pod.spec?.containers ?? []), ...(pod.spec?.initContainers ?? [])];
  const missing = REQUIRED.filter((name) => {
    if (!hard.includes(name)) return false;
    const [kind, r] = name.includes('.') ? (name.split('.', 2) as [string, string]) : ['requests', name];
    return containers.some((c) => containerAmount(c, kind as 'requests' | 'limits', r) === undefined);
  });
  if (missing.length > 0)
    throw forbidden(
      { resource: 'pods', group: '' },
      pod.metadata.name,
      `failed quota: ${quota.metadata.name}: must specify ${missing.sort().join(',')}`,
    );
}

/**
 * Refuses the create of `obj` when a quota of its namespace would be exceeded. `stored` lists the
 * namespace's objects of a resource (only read when a quota covers the kind).
 */
export function admitQuota(
  def: ResourceDef,
  obj: KubeObject,
  quotas: KubeObject[],
  stored: (def: ResourceDef) => KubeObject[],
): void {
  for (const quota of quotas) {
    if (!inScope(quota, def, obj)) continue;
    if (def.group === '' && def.resource === 'pods') checkStated(quota, obj);
    const hard = Object.entries((quota.spec?.hard ?? {}) as Record<string, unknown>);
    const tracked = hard.flatMap(([name, raw]) => {
      const requested = usage(def, obj, name);
      const limit = amount(raw);
      return requested && limit ? [{ name, requested, limit }] : [];
    });
    if (tracked.length === 0) continue;
    const others = stored(def).filter((o) => !(def.resource === 'pods' && isTerminal(o)) && inScope(quota, def, o));
    const exceeded = tracked
      .map((t) => ({ ...t, used: others.reduce<Amount>((acc, o) => add(acc, usage(def, o, t.name) ?? ZERO), ZERO) }))
      .filter((t) => t.used.nano + t.requested.nano > t.limit.nano);
    if (exceeded.length === 0) continue;
    throw forbidden(
      { resource: def.resource, group: def.group },
      obj.metadata.name,
      `exceeded quota: ${quota.metadata.name}, requested: ${pretty(exceeded.map((e) => [e.name, e.requested]))}, ` +
        `used: ${pretty(exceeded.map((e) => [e.name, e.used]))}, limited: ${pretty(exceeded.map((e) => [e.name, e.limit]))}`,
    );
  }
}

/** A ResourceQuota as stored: `status.hard` mirrors `spec.hard`; a `scopeSelector` is refused by name. */
export function admitResourceQuota(quota: KubeObject): KubeObject {
  const name = quota.metadata?.name ?? '';
  if (quota.spec?.scopeSelector !== undefined)
    throw invalid('ResourceQuota', '', name, [
      {
        reason: 'FieldValueNotSupported',
        field: 'spec.scopeSelector',
        message: 'not supported yet by the local API server',
      },
    ]);
  const bad = ((quota.spec?.scopes ?? []) as string[]).find((s) => !SCOPES.includes(s));
  if (bad !== undefined)
    throw invalid('ResourceQuota', '', name, [
      {
        reason: 'FieldValueNotSupported',
        field: 'spec.scopes',
        message: `Unsupported value: "${bad}": supported values: "${SCOPES.join('", "')}"`,
      },
    ]);
  return { ...quota, status: { hard: { ...(quota.spec?.hard ?? {}) } } };
}
