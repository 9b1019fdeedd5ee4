/**
 * The node tree of `argo get`, rebuilt from `status.nodes` the way argo's `convertToRenderTrees`
 * does: boundary nodes (DAG, Steps) own the nodes whose `boundaryID` names them; StepGroup, Retry and
 * TaskGroup nodes own their `children`; siblings are ordered by start time, then item index, then
 * display name. Hidden nodes (StepGroup, TaskGroup, single-child Retry, Omitted) pass their children
 * up with `┬─`/`├─`/`└─` drawn on the parent's line.
 */
import type { NodeStatus, Workflow } from '../../engine/types.ts';
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
  node: NodeStatus;
  kind: 'boundary' | 'group' | 'exec';
  kids: RenderNode[];
  /** Sort key (argo `insertSorted`), set once per node before its siblings are sorted. */
  start: number;
  index: number;
  name: string;
}

const isBoundary = (t: string): boolean => t === 'DAG' || t === 'Steps';
const isGroup = (t: string): boolean => t === 'StepGroup' || t === 'Retry' || t === 'TaskGroup';
const isExec = (t: string): boolean =>
  t === 'Pod' || t === 'Container' || t === 'Skipped' || t === 'Suspend' || t === 'HTTP' || t === 'Plugin';

/** End of the ASCII digits starting at `from` (`from` itself when there are none). */
function digitsEnd(name: string, from: number): number {
  let i = from;
  while (i < name.length && name.charCodeAt(i) >= 48 && name.charCodeAt(i) <= 57) i++;
  return i;
}

/**
 * argo `RecoverIndexFromNodeName`: the `i` of `name(i:value)`, or -1 — the first `(` where
 * `\((\d+)(?::[^)]*)?\)$` matches, else the first where `\((\d+):` does. Scanned without a regex:
 * a match array per node is most of what sorting a 10,000-item fan-out allocated.
 */
export function indexFromName(name: string): number {
  const last = name.length - 1;
  if (name.charCodeAt(last) === 41) {
    for (let p = name.indexOf('('); p >= 0; p = name.indexOf('(', p + 1)) {
      const d = digitsEnd(name, p + 1);
      if (d === p + 1) continue;
      const c = name.charCodeAt(d);
      if ((c === 41 && d === last) || (c === 58 && name.indexOf(')', d) === last)) return Number(name.slice(p + 1, d));
    }
  }
  for (let p = name.indexOf('('); p >= 0; p = name.indexOf('(', p + 1)) {
    const d = digitsEnd(name, p + 1);
    if (d > p + 1 && name.charCodeAt(d) === 58) return Number(name.slice(p + 1, d));
  }
  return -1;
}

function renderNodeOf(id: string, node: NodeStatus, kind: RenderNode['kind']): RenderNode {
  return { id, node, kind, kids: [], start: 0, index: -1, name: '' };
}

/** Fills a node's sort key (the comparator runs n log n times; the key is computed once). */
function keyed(n: RenderNode): void {
  const name = n.node.displayName ?? '';
  const t = n.node.startedAt ? Date.parse(n.node.startedAt) : NaN;
  n.start = Number.isNaN(t) ? Number.NEGATIVE_INFINITY : t;
  n.index = indexFromName(name);
  n.name = name;
}

/**
 * argo `insertSorted`'s order (start time, then item index when both have one, else display name;
 * ties keep arrival order) as one stable sort per parent: inserting into an array one by one is
 * quadratic, and a 10,000-item fan-out has 10,000 children under one parent.
 */
function compareKeys(a: RenderNode, b: RenderNode): number {
  if (a.start !== b.start) return a.start < b.start ? -1 : 1;
  if (a.index >= 0 && b.index >= 0) return a.index - b.index;
  return a.name < b.name ? -1 : a.name > b.name ? 1 : 0;
}

/** Sorts each parent's children; a list already in order (a fan-out's, usually) is checked in one pass. */
function sortKids(parents: Iterable<RenderNode>): void {
  for (const p of parents) {
    const kids = p.kids;
    if (kids.length < 2) continue;
    for (const k of kids) keyed(k);
    let sorted = true;
    for (let i = 1; i < kids.length && sorted; i++) sorted = compareKeys(kids[i - 1]!, kids[i]!) <= 0;
    if (!sorted) kids.sort(compareKeys);
  }
}

/** Where each node hangs: its group (StepGroup/Retry/TaskGroup children), else its boundary. */
class Forest {
  readonly roots = new Map<string, RenderNode>();
  readonly parents: RenderNode[] = [];
  private readonly boundaries = new Map<string, RenderNode>();
  private readonly pendingByBoundary = new Map<string, RenderNode[]>();
  private readonly groupOfChild = new Map<string, RenderNode>();
  readonly groups = new Map<string, RenderNode>();

  addGroup(id: string, node: NodeStatus): void {
    const g = renderNodeOf(id, node, 'group');
    this.groups.set(id, g);
    this.parents.push(g);
    for (const c of node.children ?? []) this.groupOfChild.set(c, g);
  }

  add(id: string, node: NodeStatus): void {
    let n: RenderNode | undefined;
    if (isBoundary(node.type)) {
      n = renderNodeOf(id, node, 'boundary');
      this.boundaries.set(id, n);
      this.parents.push(n);
    } else if (isGroup(node.type)) n = this.groups.get(id);
    else if (isExec(node.type)) n = renderNodeOf(id, node, 'exec');
    if (!n) return;
    if (this.attach(n, node.boundaryID)) this.roots.set(id, n);
    const pending = n.kind === 'boundary' ? this.pendingByBoundary.get(id) : undefined;
    if (pending) for (const p of pending) n.kids.push(p);
  }

  /** Hangs `n` under its group or boundary; true when it has neither (a root). */
  private attach(n: RenderNode, boundaryID: string | undefined): boolean {
    const g = this.groupOfChild.get(n.id);
    if (g) {
      g.kids.push(n);
      return false;
    }
    if (!boundaryID) return true;
    const b = this.boundaries.get(boundaryID);
    if (b) b.kids.push(n);
    else {
      const pending = this.pendingByBoundary.get(boundaryID);
      if (pending) pending.push(n);
      else this.pendingByBoundary.set(boundaryID, [n]);
    }
    return false;
  }
}

/** Builds the render forest (two passes over the nodes, each read once per pass); returns the roots by node ID. */
export function buildRenderTrees(wf: Workflow): Map<string, RenderNode> {
  const nodes = wf.status?.nodes ?? {};
  const ids = Object.keys(nodes);
  const all = new Array<NodeStatus>(ids.length);
  const forest = new Forest();
  // Pass 1: groups first, so a child knows it belongs to its group rather than to its boundary.
  for (let i = 0; i < ids.length; i++) {
    const s = (all[i] = nodes[ids[i]!]!);
    if (isGroup(s.type)) forest.addGroup(ids[i]!, s);
  }
  for (let i = 0; i < ids.length; i++) forest.add(ids[i]!, all[i]!);
  sortKids(forest.parents);
  return forest.roots;
}

/** Which nodes print (`--node-field-selector`); the others are hidden, their children kept. */
export type NodeFilter = (node: NodeStatus) => boolean;

/** argo `filterNode`'s answer: shown, hidden, or hidden with its children drawn on the parent's line. */
const SHOWN = 0;
const HIDDEN = 1;
const HIDDEN_INDENT = 2;

function filterNode(node: NodeStatus, filter?: NodeFilter): number {
  if (node.type === 'Retry' && (node.children?.length ?? 0) === 1) return HIDDEN;
  if (node.type === 'StepGroup') return HIDDEN_INDENT;
  if (node.type === 'Skipped' && node.phase === 'Omitted') return HIDDEN;
  if (node.type === 'TaskGroup') return HIDDEN_INDENT;
  if (filter && !filter(node)) return HIDDEN;
  return SHOWN;
}

/** What every line of one tree walk shares. */
interface Walk {
  glyphs: ReturnType<typeof treeGlyphs>;
  out: TreeLine[];
  filter: NodeFilter | undefined;
}

/** Appends `n`'s line (unless hidden) and its children's, each node visited once. */
function renderNode(w: Walk, n: RenderNode, prefix: string, childPrefix: string): void {
  const node = n.node;
  const shown = filterNode(node, w.filter);
  if (shown === SHOWN) w.out.push({ prefix, node });
  if (n.kind === 'exec') return;
  const g = w.glyphs;
  const kids = n.kids;
  const max = kids.length - 1;
  for (let i = 0; i <= max; i++) {
    let glyph: readonly [string, string] = NONE;
    if (shown === HIDDEN_INDENT) glyph = max === 0 ? g.only : i === 0 ? g.first : i === max ? g.last : g.middle;
    else if (shown === SHOWN) glyph = i === max ? g.last : g.middle;
    const kidPrefix = (shown !== SHOWN && i === 0 ? prefix : childPrefix) + glyph[0];
    renderNode(w, kids[i]!, kidPrefix, childPrefix + glyph[1]);
  }
}

const NONE = ['', ''] as const;

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
    if (root) renderNode({ glyphs: treeGlyphs(style), out, filter }, root, ' ', ' ');
    if (id === onExitNodeId && out[from]) out[from] = { ...out[from]!, exitTreeStart: true };
  }
  return out;
}
