/**
 * Argo's step-level memoization (workflow/controller/operator.go executeTemplate, cache/configmap_cache.go),
 * decided purely. The runtime reads each memoized template's cache ConfigMap into `Snapshot.configMaps`;
 * here a node about to be created is looked up by its substituted key:
 * - a hit (an entry with a node ID, younger than `maxAge`) creates the node Succeeded with the cached
 *   outputs and `memoizationStatus.hit`, and nothing runs; its `lastHitTimestamp` is written back;
 * - a miss runs the template as usual, with `memoizationStatus.hit: false`; when the node turns Succeeded
 *   its outputs are saved (`SaveMemoEntry`, one write per transition);
 * - a bad key, `maxAge`, entry or a ConfigMap without Argo's cache label ends the node Error with Argo's
 *   words. A cache write that does not happen ends the node Error too (effects.ts), as Argo's failed
 *   Load/Save does.
 * The cache lives in the workflow's namespace, not the controller's as in Argo: see
 * docs/adr/0019-memoization-cache-namespace.md.
 */
import type { ExecContext } from './context.ts';
import { initNode, mutableNode, setNodeInputs } from './context.ts';
import type { ObservedConfigMap, Snapshot } from './contract.ts';
import type { NodeStatus, NodeType, Outputs, Parameter, Template, WorkflowStatus } from './types.ts';
import { substituteString, type Resolver } from './substitute.ts';
import { parseGoDuration } from './retry/durations.ts';

/** Argo's label that marks a ConfigMap as a memoization cache (common.LabelKeyConfigMapType). */
export const LABEL_CONFIGMAP_TYPE = 'workflows.argoproj.io/configmap-type';
/** Its value on caches (common.LabelValueTypeConfigMapCache). */
export const CONFIGMAP_TYPE_CACHE = 'Cache';
/** Argo's cacheKeyRegex. */
const CACHE_KEY = /^[a-zA-Z0-9][-a-zA-Z0-9]*$/;

export interface Memoize {
  key: string;
  maxAge?: string;
  cache: { configMap: { name: string; key?: string } };
}

/** Argo's cache.Entry, as stored (JSON) under the key in the ConfigMap's data. */
export interface MemoEntry {
  nodeID: string;
  outputs: Outputs | null;
  creationTimestamp: string;
  lastHitTimestamp: string;
}

export interface MemoizationStatus {
  hit: boolean;
  key: string;
  cacheName: string;
}

/** The outcome of looking a node up: a hit with the entry, a miss, or Argo's error. */
type Lookup = { hit: true; entry: MemoEntry; status: MemoizationStatus } | { hit: false; status: MemoizationStatus };

const memoizeOf = (t: Template): Memoize | undefined => t.memoize as Memoize | undefined;

/** Why a ConfigMap may not serve as a cache (Argo's validateConfigmap), or undefined. */
export function cacheLabelProblem(cm: ObservedConfigMap): string | undefined {
  const label = cm.labels?.[LABEL_CONFIGMAP_TYPE];
  if (label === undefined)
    return `memoization configmap doesn't have ${LABEL_CONFIGMAP_TYPE} label, refusing to use it`;
  if (label !== CONFIGMAP_TYPE_CACHE)
    return `memoization configmap doesn't have label ${LABEL_CONFIGMAP_TYPE} = ${CONFIGMAP_TYPE_CACHE}, refusing to use it`;
  return undefined;
}

/** Argo's Load + GetOutputsWithMaxAge. Throws Argo's error message. */
function lookup(ctx: ExecContext, m: Memoize, scope: Resolver): Lookup {
  const key = substituteString(m.key, scope);
  const cacheName = m.cache.configMap.name;
  const status: MemoizationStatus = { hit: false, key, cacheName };
  if (!CACHE_KEY.test(key)) throw new Error(`invalid cache key: ${key}`);
  const cm = ctx.configMaps?.[`${ctx.wfNamespace}/${cacheName}`];
  if (!cm) return { hit: false, status };
  const problem = cacheLabelProblem(cm);
  if (problem) throw new Error(problem);
  const raw = cm.data?.[key];
  if (!raw) return { hit: false, status };
  let entry: MemoEntry;
  try {
    entry = JSON.parse(raw) as MemoEntry;
  } catch (e) {
    throw new Error(`malformed cache entry: could not unmarshal JSON; unable to parse: ${(e as Error).message}`);
  }
  if (!entry?.nodeID) return { hit: false, status };
  if (m.maxAge) {
    let maxAge: number;
    try {
      maxAge = parseGoDuration(m.maxAge);
    } catch (e) {
      throw new Error(`invalid maxAge: ${(e as Error).message}`);
    }
    if (ctx.nowDate.getTime() - Date.parse(entry.creationTimestamp) > maxAge) return { hit: false, status };
  }
  return { hit: true, entry, status: { ...status, hit: true } };
}

/** The request a memoized template is looked up for. */
export interface MemoRequest {
  nodeName: string;
  boundaryID?: string;
  templateName?: string;
  nodeType: NodeType;
  /** The template's processed inputs, recorded on a node served from the cache. */
  inputs: Parameter[];
}

/**
 * Looks up a memoized template's node before it is created: the node (Succeeded from the cache, or
 * Error) when nothing is to run, else the memoization status the new node gets.
 */
export function memoizedNode(
  ctx: ExecContext,
  t: Template,
  scope: Resolver,
  req: MemoRequest,
): { node: NodeStatus } | { status: MemoizationStatus } | undefined {
  const m = memoizeOf(t);
  if (!m) return undefined;
  const base = { name: req.nodeName, type: req.nodeType, boundaryID: req.boundaryID, templateName: req.templateName };
  let found: Lookup;
  try {
    found = lookup(ctx, m, scope);
  } catch (e) {
    return { node: initNode(ctx, { ...base, phase: 'Error', message: (e as Error).message }) };
  }
  if (!found.hit) return { status: found.status };
  const node = initNode(ctx, { ...base, phase: 'Succeeded' });
  node.memoizationStatus = found.status;
  setNodeInputs(node, req.inputs, t.inputs?.artifacts);
  if (found.entry.outputs) node.outputs = found.entry.outputs;
  node.finishedAt = ctx.now;
  ctx.reasons.push(`node ${req.nodeName} memoized: cache ${found.status.cacheName} key ${found.status.key}`);
  // Argo's Load records the hit in the entry.
  saveEntry(ctx, node.id, found.status, { ...found.entry, lastHitTimestamp: ctx.now });
  return { node };
}

/** Records the memoization status on a node created for a cache miss. */
export function markMemoMiss(ctx: ExecContext, id: string, status: MemoizationStatus): void {
  if (ctx.nodes[id]) mutableNode(ctx, id).memoizationStatus = { ...status };
}

function saveEntry(ctx: ExecContext, nodeId: string, s: MemoizationStatus, entry: MemoEntry): void {
  ctx.actions.push({
    kind: 'SaveMemoEntry',
    namespace: ctx.wfNamespace,
    configMap: s.cacheName,
    key: s.key,
    entry: JSON.stringify(entry),
    nodeId,
  });
}

/**
 * Saves the outputs of memoized nodes that turned Succeeded in this decide (compared with the stored
 * nodes), once per transition: a status write that is lost makes the next decide save again.
 */
export function saveMemoized(ctx: ExecContext, before: Record<string, NodeStatus> | undefined): void {
  for (const node of Object.values(ctx.nodes)) {
    const s = node.memoizationStatus;
    if (!s || s.hit || node.phase !== 'Succeeded' || before?.[node.id]?.phase === 'Succeeded') continue;
    saveEntry(ctx, node.id, s, {
      nodeID: node.id,
      outputs: node.outputs ?? null,
      creationTimestamp: ctx.now,
      lastHitTimestamp: ctx.now,
    });
  }
}

/**
 * The stored status to decide on. A cache write that did not happen is reported back in the same
 * reconcile, before the status is written (runtime/decide-apply.ts), and its node must end Error as in
 * Argo, where the save comes before anything reads the node: so the nodes that completed on top of it
 * (its Succeeded ancestors) and a workflow that finished with it are opened again, and decided anew.
 */
export function reopenForFailedSaves(snapshot: Snapshot): WorkflowStatus {
  const status = snapshot.workflow.status ?? {};
  const failed = (snapshot.effects ?? []).flatMap((r) => (r.kind === 'SaveMemoEntry' ? [r.nodeId] : []));
  if (failed.length === 0 || !status.nodes) return status;
  const nodes = { ...status.nodes };
  const parents = new Map<string, string[]>();
  for (const n of Object.values(nodes))
    for (const c of n.children ?? []) parents.set(c, [...(parents.get(c) ?? []), n.id]);
  for (let id = failed.pop(); id !== undefined; id = failed.pop()) {
    for (const p of parents.get(id) ?? []) {
      const parent = nodes[p];
      if (parent?.phase !== 'Succeeded') continue;
      const { finishedAt: _done, ...open } = parent;
      nodes[p] = { ...open, phase: 'Running' };
      failed.push(p);
    }
  }
  const out: WorkflowStatus = { ...status, nodes };
  if (out.phase === 'Succeeded' || out.phase === 'Failed' || out.phase === 'Error') {
    out.phase = 'Running';
    delete out.finishedAt;
  }
  return out;
}
