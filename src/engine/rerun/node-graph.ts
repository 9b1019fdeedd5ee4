/**
 * The node tree as `argo retry` walks it (Argo's workflow/util/util.go: newWorkflowsDag, singularPath,
 * resetPath): every node gets ONE parent (a node listed as a child by several — a task that depends on
 * several others — keeps the last of them in node-ID order, so the reset set is deterministic), and the
 * nodes to reset are found by walking up from a node that must run again to the root.
 */
import type { NodeStatus, NodeType } from '../types.ts';
import { RerunError } from './rerun-error.ts';

/** A node with its one parent and its children. */
export interface GraphNode {
  node: NodeStatus;
  parent?: GraphNode;
  children: GraphNode[];
}

/** The nodes that become Running again and the nodes that are dropped (and re-created by the controller). */
export interface ResetSets {
  reset: Set<string>;
  drop: Set<string>;
}

const GROUP_TYPES: ReadonlySet<NodeType> = new Set(['DAG', 'TaskGroup', 'StepGroup', 'Steps']);

/** Argo's isGroupNodeType. */
export function isGroupNode(n: NodeStatus): boolean {
  return GROUP_TYPES.has(n.type);
}

/** Argo's FailedOrError. */
export function failedOrError(n: NodeStatus): boolean {
  return n.phase === 'Failed' || n.phase === 'Error';
}

/**
 * Argo's newWorkflowsDag: parents from the children lists; a node without a parent other than the
 * root and the workflow's exit handler tree is an error (a broken status).
 */
export function buildGraph(wfName: string, nodes: Record<string, NodeStatus>): Map<string, GraphNode> {
  const graph = new Map<string, GraphNode>();
  const parentOf = new Map<string, string>();
  for (const id of Object.keys(nodes).sort()) {
    const node = nodes[id] as NodeStatus;
    graph.set(node.id, { node, children: [] });
    for (const child of node.children ?? []) parentOf.set(child, node.id);
  }
  for (const g of graph.values()) {
    const parentId = parentOf.get(g.node.id);
    if (parentId === undefined && g.node.name !== wfName && !g.node.name.startsWith(`${wfName}.onExit`))
      throw new RerunError(`couldn't find parent node for ${g.node.id}`);
    if (parentId !== undefined) g.parent = graph.get(parentId);
    for (const childId of g.node.children ?? []) {
      const child = graph.get(childId);
      if (!child) throw new RerunError(`couldn't obtain child ${childId}`);
      g.children.push(child);
    }
  }
  return graph;
}

/** Argo's dagSortedNodes: breadth first from the root node (named like the workflow); the exit handler is not reached. */
export function sortedFromRoot(graph: Map<string, GraphNode>, rootName: string): GraphNode[] {
  if (graph.size === 0) return [];
  const root = [...graph.values()].find((g) => g.node.name === rootName);
  if (!root) throw new RerunError("couldn't find root node");
  const out: GraphNode[] = [];
  const seen = new Set([root.node.id]);
  const queue = [root];
  for (let i = 0; i < queue.length; i++) {
    const curr = queue[i] as GraphNode;
    out.push(curr);
    for (const child of curr.children) {
      if (seen.has(child.node.id)) continue;
      seen.add(child.node.id);
      queue.push(child);
    }
  }
  return out;
}

/** Every node below `g` (Argo's getChildren). */
export function descendants(g: GraphNode): Set<string> {
  const out = new Set<string>();
  const queue = [g];
  for (let i = 0; i < queue.length; i++) {
    for (const child of (queue[i] as GraphNode).children) {
      out.add(child.node.id);
      queue.push(child);
    }
  }
  return out;
}

/** Walks up from `from` (itself included) to the first node `match` accepts, and resets it. */
function resetUntil(from: GraphNode, match: (g: GraphNode) => boolean, sets: ResetSets): GraphNode {
  for (let curr: GraphNode | undefined = from; curr; curr = curr.parent) {
    if (match(curr)) {
      sets.reset.add(curr.node.id);
      return curr;
    }
  }
  throw new RerunError('was seeking node but ran out of nodes to explore');
}

/**
 * Argo's resetBoundaries: from a group node, resets the Retry, StepGroup and TaskGroup parents on the
 * way and each boundary node up to the root; returns where the upward walk goes on.
 */
function resetBoundaries(from: GraphNode, sets: ResetSets): GraphNode | undefined {
  let curr = from;
  for (;;) {
    if (curr.parent?.node.type === 'Retry') {
      sets.reset.add(curr.parent.node.id);
      curr = curr.parent;
    }
    const parentType = curr.parent?.node.type;
    if (curr.parent && (parentType === 'StepGroup' || parentType === 'TaskGroup')) sets.reset.add(curr.parent.node.id);
    const boundary = curr.node.boundaryID;
    if (!boundary) return curr.parent;
    curr = resetUntil(curr, (g) => g.node.id === boundary, sets);
  }
}

/** Argo's resetPod: a container of a container set drops its whole pod (and the pod's other containers). */
function resetPod(from: GraphNode, sets: ResetSets): GraphNode {
  const pod = resetUntil(from, (g) => g.node.type === 'Pod', sets);
  sets.drop.add(pod.node.id);
  for (const id of descendants(pod)) sets.drop.add(id);
  return pod;
}

/** The path from the root down to `id` (Argo's singularPath, through the recorded parents). */
function pathTo(sorted: GraphNode[], id: string): GraphNode[] {
  const leaf = sorted.find((g) => g.node.id === id);
  if (!leaf) throw new RerunError(`was unable to find ${id}`);
  const path: GraphNode[] = [];
  for (let curr: GraphNode | undefined = leaf; curr; curr = curr.parent) path.unshift(curr);
  return path;
}

/**
 * Argo's resetPath: `start` and everything below it are dropped; walking up from it, group nodes,
 * their boundaries and failed Retry nodes are reset to Running.
 */
export function resetPath(sorted: GraphNode[], start: string): ResetSets {
  const path = pathTo(sorted, start);
  let curr: GraphNode | undefined = path[path.length - 1] as GraphNode;
  const sets: ResetSets = { reset: new Set(), drop: descendants(curr) };
  sets.drop.add(curr.node.id);
  if (path.length <= 1) return sets;
  while (curr) {
    if (isGroupNode(curr.node)) {
      sets.reset.add(curr.node.id);
      curr = resetBoundaries(curr, sets);
      continue;
    }
    if (curr.node.type === 'Retry' && failedOrError(curr.node)) sets.reset.add(curr.node.id);
    else if (curr.node.type === 'Container') {
      curr = resetPod(curr, sets);
      continue;
    }
    curr = curr.parent;
  }
  return sets;
}
