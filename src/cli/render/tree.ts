/**
 * The node tree of `argo get`, rebuilt from `status.nodes` the way argo's `convertToRenderTrees`
 * does: boundary nodes (DAG, Steps) own the nodes whose `boundaryID` names them; StepGroup, Retry and
 * TaskGroup nodes own their `children`; siblings are ordered by start time, then item index, then
 * display name. Hidden nodes (StepGroup, TaskGroup, single-child Retry, Omitted) pass their children
 * up with `┬─`/`├─`/`└─` drawn on the parent's line.
 */
import type { NodeStatus, Workflow } from '../../engine/types.ts';
import { parseTime } from './time.ts';
import { treeGlyphs, type RenderStyle } from './style.ts';

/** One printed line of the tree: the drawing prefix and the node. */
export interface TreeLine {
  prefix: string;
  node: NodeStatus;
  /** The first line of the onExit tree (argo prints an empty row before it). */
  exitTreeStart?: boolean;
}

interface RenderNode {
  id: string;
  kind: 'boundary' | 'group' | 'exec';
  kids: RenderNode[];
}

const isBoundary = (t: string): boolean => t === 'DAG' || t === 'Steps';
const isGroup = (t: string): boolean => t === 'StepGroup' || t === 'Retry' || t === 'TaskGroup';
const isExec = (t: string): boolean =>
  t === 'Pod' || t === 'Container' || t === 'Skipped' || t === 'Suspend' || t === 'HTTP' || t === 'Plugin';

/** argo `RecoverIndexFromNodeName`: the `i` of `name(i:value)`, or -1. */
export function indexFromName(name: string): number {
  const m = /\((\d+)(?::[^)]*)?\)$/.exec(name) ?? /\((\d+):/.exec(name);
  return m ? Number(m[1]) : -1;
}

function startMs(node: NodeStatus | undefined): number {
  return parseTime(node?.startedAt)?.getTime() ?? Number.NEGATIVE_INFINITY;
}

/** A node's sort key, computed once per node (the comparator runs n log n times). */
interface SortKey {
  start: number;
  index: number;
  name: string;
}

function sortKey(node: NodeStatus | undefined): SortKey {
  const name = node?.displayName ?? '';
  return { start: startMs(node), index: indexFromName(name), name };
}

/**
 * argo `insertSorted`'s order (start time, then item index when both have one, else display name;
 * ties keep arrival order) as one stable sort per parent: inserting into an array one by one is
 * quadratic, and a 10,000-item fan-out has 10,000 children under one parent.
 */
function compareKeys(a: SortKey, b: SortKey): number {
  if (a.start !== b.start) return a.start < b.start ? -1 : 1;
  if (a.index >= 0 && b.index >= 0) return a.index - b.index;
  return a.name < b.name ? -1 : a.name > b.name ? 1 : 0;
}

function sortKids(nodes: Record<string, NodeStatus>, parents: Iterable<RenderNode>): void {
  const keys = new Map<string, SortKey>();
  const keyOf = (id: string): SortKey => {
    let k = keys.get(id);
    if (!k) keys.set(id, (k = sortKey(nodes[id])));
    return k;
  };
  for (const p of parents) if (p.kids.length > 1) p.kids.sort((a, b) => compareKeys(keyOf(a.id), keyOf(b.id)));
}

/** Builds the render forest; returns the roots by node ID. */
export function buildRenderTrees(wf: Workflow): Map<string, RenderNode> {
  const nodes = wf.status?.nodes ?? {};
  const roots = new Map<string, RenderNode>();
  const boundaries = new Map<string, RenderNode>();
  const pendingByBoundary = new Map<string, RenderNode[]>();
  const groups = new Map<string, RenderNode>();
  const groupOfChild = new Map<string, RenderNode>();
  // Pass 1: groups first, so a child knows it belongs to its group rather than to its boundary.
  for (const [id, s] of Object.entries(nodes)) {
    if (!isGroup(s.type)) continue;
    const g: RenderNode = { id, kind: 'group', kids: [] };
    groups.set(id, g);
    for (const c of s.children ?? []) groupOfChild.set(c, g);
  }
  const attach = (n: RenderNode, boundaryID: string | undefined): boolean => {
    const g = groupOfChild.get(n.id);
    if (g) {
      g.kids.push(n);
      return false;
    }
    if (!boundaryID) return true;
    const b = boundaries.get(boundaryID);
    if (b) b.kids.push(n);
    else {
      const pending = pendingByBoundary.get(boundaryID);
      if (pending) pending.push(n);
      else pendingByBoundary.set(boundaryID, [n]);
    }
    return false;
  };
  for (const [id, s] of Object.entries(nodes)) {
    let n: RenderNode | undefined;
    if (isBoundary(s.type)) {
      n = { id, kind: 'boundary', kids: [] };
      boundaries.set(id, n);
    } else if (isGroup(s.type)) n = groups.get(id);
    else if (isExec(s.type)) n = { id, kind: 'exec', kids: [] };
    if (!n) continue;
    if (attach(n, s.boundaryID)) roots.set(id, n);
    if (n.kind === 'boundary') for (const p of pendingByBoundary.get(id) ?? []) n.kids.push(p);
  }
  sortKids(nodes, [...boundaries.values(), ...groups.values()]);
  return roots;
}

/** Which nodes print (`--node-field-selector`); the others are hidden, their children kept. */
export type NodeFilter = (node: NodeStatus) => boolean;

/** argo `filterNode`: [hidden, children drawn on the parent's line]. */
function filterNode(node: NodeStatus, filter?: NodeFilter): [boolean, boolean] {
  if (node.type === 'Retry' && (node.children?.length ?? 0) === 1) return [true, false];
  if (node.type === 'StepGroup') return [true, true];
  if (node.type === 'Skipped' && node.phase === 'Omitted') return [true, false];
  if (node.type === 'TaskGroup') return [true, true];
  if (filter && !filter(node)) return [true, false];
  return [false, false];
}

function renderNode(
  wf: Workflow,
  n: RenderNode,
  prefix: string,
  childPrefix: string,
  style: RenderStyle,
  out: TreeLine[],
  filter?: NodeFilter,
): void {
  const node = wf.status!.nodes![n.id]!;
  const [hidden, indent] = filterNode(node, filter);
  if (!hidden) out.push({ prefix, node });
  if (n.kind === 'exec') return;
  const g = treeGlyphs(style);
  const max = n.kids.length - 1;
  n.kids.forEach((kid, i) => {
    let part = '';
    let sub = '';
    if (hidden && indent) {
      [part, sub] = max === 0 ? g.only : i === 0 ? g.first : i === max ? g.last : g.middle;
    } else if (!hidden) {
      [part, sub] = i === max ? g.last : g.middle;
    }
    const kidPrefix = (hidden && i === 0 ? prefix : childPrefix) + part;
    renderNode(wf, kid, kidPrefix, childPrefix + sub, style, out, filter);
  });
}

/** The printed lines: the main tree, then the workflow's onExit tree (argo `printTree`). */
export function treeLines(
  wf: Workflow,
  onExitNodeId: string | undefined,
  style: RenderStyle,
  filter?: NodeFilter,
): TreeLine[] {
  const nodes = wf.status?.nodes;
  const name = wf.metadata.name ?? '';
  if (!nodes) return [];
  const roots = buildRenderTrees(wf);
  const out: TreeLine[] = [];
  for (const id of [name, onExitNodeId]) {
    if (!id || !nodes[id]) continue;
    const root = roots.get(id);
    const from = out.length;
    if (root) renderNode(wf, root, ' ', ' ', style, out, filter);
    if (id === onExitNodeId && out[from]) out[from] = { ...out[from]!, exitTreeStart: true };
  }
  return out;
}
