/**
 * The workflow graph the UI draws, built from `status.nodes` the way Argo's UI reads them: edges
 * follow `children` (DAG tasks point at their dependents, steps at the next step group), step and
 * task groups are small junctions, retries are nodes whose children are the attempts, and the exit
 * handler (`<workflow>.onExit`) hangs off the root with a dashed edge.
 *
 * Large fan-outs are collapsed: a node with more children than its limit shows the first ones and
 * one "+N more" node standing for the rest and everything that hangs only below them. Nodes with
 * several parents (the join after a loop) stay visible, reached from the collapsed node, so the
 * rest of the workflow still shows. A 10,000-item loop is a dozen boxes until the user expands it.
 * Pure and DOM-free (unit-tested, and timed by the UI benchmark).
 */
import type { NodeStatus, Workflow } from '../../../src/engine/types.ts';
import { placeOf, type Place } from './place.ts';

/** Children shown under a node before the rest are collapsed. */
export const DEFAULT_CHILD_LIMIT = 5;

export type GraphNodeKind = 'node' | 'group' | 'collapsed';

export interface GraphNode {
  id: string;
  kind: GraphNodeKind;
  label: string;
  phase: string;
  /** The status node (absent for collapsed placeholders). */
  node?: NodeStatus;
  place?: Place;
  /** Collapsed placeholder: the node whose children it stands for, and how many are hidden. */
  parentId?: string;
  hidden?: number;
}

export interface GraphEdge {
  from: string;
  to: string;
  dashed?: boolean;
}

export interface Graph {
  nodes: GraphNode[];
  edges: GraphEdge[];
  /** Status nodes not drawn (inside collapsed groups). */
  hiddenCount: number;
}

export interface GraphOptions {
  mainCluster: string;
  /** Per parent id, how many children to show (default {@link DEFAULT_CHILD_LIMIT}). */
  shown?: ReadonlyMap<string, number>;
}

const GROUP_TYPES = new Set(['StepGroup', 'TaskGroup']);

function kindOf(n: NodeStatus): GraphNodeKind {
  return GROUP_TYPES.has(n.type) ? 'group' : 'node';
}

function labelOf(n: NodeStatus): string {
  return n.displayName || n.name;
}

function parentCounts(nodes: Record<string, NodeStatus>): Map<string, number> {
  const count = new Map<string, number>();
  for (const n of Object.values(nodes))
    for (const c of n.children ?? []) if (nodes[c]) count.set(c, (count.get(c) ?? 0) + 1);
  return count;
}

/** The root node (id = workflow name in Argo) and the exit handler's node, when present. */
export function rootsOf(wf: Workflow): { root?: NodeStatus; exit?: NodeStatus } {
  const nodes = wf.status?.nodes ?? {};
  const name = wf.metadata.name ?? '';
  const all = Object.values(nodes);
  const root = nodes[name] ?? all.find((n) => n.name === name);
  const exit = all.find((n) => n.name === `${name}.onExit`);
  return { root, exit };
}

/** Builds the drawable graph of an (inflated) workflow. */
export function buildGraph(wf: Workflow, opts: GraphOptions): Graph {
  const nodes = wf.status?.nodes ?? {};
  const parents = parentCounts(nodes);
  const out: GraphNode[] = [];
  const edges: GraphEdge[] = [];
  const visible = new Set<string>();
  const queue: string[] = [];
  const visit = (id: string) => {
    const n = nodes[id];
    if (!n || visible.has(id)) return;
    visible.add(id);
    queue.push(id);
    out.push({
      id,
      kind: kindOf(n),
      label: labelOf(n),
      phase: n.phase ?? 'Pending',
      node: n,
      place: placeOf(wf, n, opts.mainCluster),
    });
  };
  const { root, exit } = rootsOf(wf);
  if (root) visit(root.id);
  if (exit) {
    visit(exit.id);
    if (root) edges.push({ from: root.id, to: exit.id, dashed: true });
  }
  let absorbed = 0;
  while (queue.length) {
    const n = nodes[queue.shift()!]!;
    const kids = (n.children ?? []).filter((c) => nodes[c]);
    const limit = opts.shown?.get(n.id) ?? DEFAULT_CHILD_LIMIT;
    const cut = kids.length > limit + 1 ? limit : kids.length;
    for (const k of kids.slice(0, cut)) {
      edges.push({ from: n.id, to: k });
      visit(k);
    }
    const hidden = kids.slice(cut);
    if (hidden.length === 0) continue;
    const placeholder: GraphNode = {
      id: `${n.id}:more`,
      kind: 'collapsed',
      label: `+${hidden.length} more`,
      phase: summaryPhase(hidden.map((h) => nodes[h]!)),
      parentId: n.id,
      hidden: hidden.length,
    };
    out.push(placeholder);
    edges.push({ from: n.id, to: placeholder.id });
    absorbed += absorb(nodes, parents, hidden, visible, (join) => {
      edges.push({ from: placeholder.id, to: join });
      visit(join);
    });
  }
  return { nodes: out, edges: dedupe(edges), hiddenCount: absorbed };
}

/** Hides the subtrees below `hidden`, stopping at joins (several parents), which `onJoin` keeps visible. */
function absorb(
  nodes: Record<string, NodeStatus>,
  parents: Map<string, number>,
  hidden: string[],
  visible: Set<string>,
  onJoin: (id: string) => void,
): number {
  const stack = [...hidden];
  const seen = new Set<string>(hidden);
  const joins = new Set<string>();
  while (stack.length) {
    const h = nodes[stack.pop()!]!;
    for (const k of h.children ?? []) {
      if (!nodes[k] || seen.has(k)) continue;
      if ((parents.get(k) ?? 0) > 1 || visible.has(k)) joins.add(k);
      else {
        seen.add(k);
        stack.push(k);
      }
    }
  }
  for (const j of joins) onJoin(j);
  return seen.size;
}

/** The phase a collapsed group shows: the worst of its members (failure first, then running). */
export function summaryPhase(members: NodeStatus[]): string {
  const order = ['Error', 'Failed', 'Running', 'Pending', 'Succeeded', 'Skipped', 'Omitted'];
  let best = order.length - 1;
  for (const m of members) best = Math.min(best, Math.max(0, order.indexOf(m.phase ?? 'Pending')));
  return members.length ? order[best]! : 'Pending';
}

function dedupe(edges: GraphEdge[]): GraphEdge[] {
  const seen = new Set<string>();
  return edges.filter((e) => {
    const k = `${e.from}>${e.to}`;
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
}
