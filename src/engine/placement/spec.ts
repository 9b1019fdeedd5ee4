/**
 * A template's `placement` (docs/adr/0013-cluster-choice.md): the clusters a step may run in and how
 * one is chosen, read from the template and checked with paths. Argosy's extension, under one key.
 */
import { parseArgoDuration } from '../retry/durations.ts';
import type { Template, Workflow } from '../types.ts';

export type PlacementStrategy = 'Ordered' | 'Spread' | 'LeastLoaded';
export const PLACEMENT_STRATEGIES: readonly PlacementStrategy[] = ['Ordered', 'Spread', 'LeastLoaded'];

/** How long an unschedulable pod (or an unreachable cluster) keeps a step before it moves. */
export const DEFAULT_FAILOVER_MS = 5 * 60 * 1000;

export interface ClusterSelector {
  matchLabels?: Record<string, string>;
  matchExpressions?: { key: string; operator: string; values?: string[] }[];
}

/** `placement` as written. */
export interface TemplatePlacement {
  clusters?: string[];
  clusterSelector?: ClusterSelector;
  strategy?: PlacementStrategy;
  failoverAfter?: string | number;
  antiAffinity?: boolean;
}

/** The template's placement, when it has one. */
export function placementOf(t: Template): TemplatePlacement | undefined {
  const p = t['placement'];
  return p && typeof p === 'object' && !Array.isArray(p) ? (p as TemplatePlacement) : undefined;
}

/** True when a template of the workflow (or of the templates it references) has `placement`. */
export function usesPlacement(wf: Workflow, referenced: Record<string, Workflow> | undefined): boolean {
  const has = (w: Workflow): boolean => (w.spec.templates ?? []).some((t) => t['placement'] !== undefined);
  return has(wf) || Object.values(referenced ?? {}).some(has);
}

/** `failoverAfter` in ms (0 = never move); the default when absent or unreadable (validation says so). */
export function failoverAfterMs(p: TemplatePlacement): number {
  if (p.failoverAfter === undefined) return DEFAULT_FAILOVER_MS;
  try {
    return Math.max(0, parseArgoDuration(p.failoverAfter));
  } catch {
    return DEFAULT_FAILOVER_MS;
  }
}

const FIELDS = new Set(['clusters', 'clusterSelector', 'strategy', 'failoverAfter', 'antiAffinity']);
const SELECTOR_FIELDS = new Set(['matchLabels', 'matchExpressions']);
const OPERATORS = new Set(['In', 'NotIn', 'Exists', 'DoesNotExist']);
const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** What is wrong with a template's `placement`, as `[path suffix, message]` pairs (empty = fine). */
export function placementProblems(t: Template): [string, string][] {
  const raw = t['placement'];
  if (raw === undefined) return [];
  if (!isObject(raw)) return [['placement', 'must be an object']];
  const out: [string, string][] = [];
  for (const k of Object.keys(raw)) if (!FIELDS.has(k)) out.push([`placement.${k}`, 'unknown field']);
  if (t.clusterName !== undefined && t.clusterName !== '')
    out.push(['placement', 'clusterName and placement are exclusive: name one cluster, or candidates']);
  const { clusters, clusterSelector: sel } = raw;
  if ((clusters === undefined) === (sel === undefined))
    out.push(['placement', 'name the candidates with exactly one of clusters or clusterSelector']);
  if (clusters !== undefined && (!Array.isArray(clusters) || clusters.some((c) => typeof c !== 'string' || !c)))
    out.push(['placement.clusters', 'must be a list of cluster names']);
  else if (Array.isArray(clusters) && clusters.length === 0) out.push(['placement.clusters', 'must not be empty']);
  if (sel !== undefined) out.push(...selectorProblems(sel));
  const strategy = raw['strategy'];
  if (strategy !== undefined && !PLACEMENT_STRATEGIES.includes(strategy as PlacementStrategy))
    out.push(['placement.strategy', `must be one of ${PLACEMENT_STRATEGIES.join(', ')}`]);
  const after = raw['failoverAfter'];
  if (after !== undefined && !validDuration(after))
    out.push(['placement.failoverAfter', 'must be a duration such as 5m or a number of seconds']);
  if (raw['antiAffinity'] !== undefined && typeof raw['antiAffinity'] !== 'boolean')
    out.push(['placement.antiAffinity', 'must be true or false']);
  return out;
}

function selectorProblems(sel: unknown): [string, string][] {
  const at = 'placement.clusterSelector';
  if (!isObject(sel)) return [[at, 'must be a label selector']];
  const out: [string, string][] = [];
  for (const k of Object.keys(sel)) if (!SELECTOR_FIELDS.has(k)) out.push([`${at}.${k}`, 'unknown field']);
  const labels = sel['matchLabels'];
  if (labels !== undefined && (!isObject(labels) || Object.values(labels).some((v) => typeof v !== 'string')))
    out.push([`${at}.matchLabels`, 'must map label keys to string values']);
  const exprs = sel['matchExpressions'];
  if (exprs !== undefined && !Array.isArray(exprs)) out.push([`${at}.matchExpressions`, 'must be a list']);
  (Array.isArray(exprs) ? exprs : []).forEach((e: unknown, i) => {
    if (!isObject(e) || typeof e['key'] !== 'string' || !OPERATORS.has(e['operator'] as string))
      out.push([`${at}.matchExpressions[${i}]`, `needs a key and an operator (${[...OPERATORS].join(', ')})`]);
  });
  return out;
}

function validDuration(v: unknown): boolean {
  if (typeof v !== 'string' && typeof v !== 'number') return false;
  try {
    return parseArgoDuration(v) >= 0;
  } catch {
    return false;
  }
}
