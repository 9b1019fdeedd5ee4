/**
 * Progress: executable nodes are `0/1`, `1/1` once Succeeded/Skipped/Omitted; other nodes sum
 * the executable nodes reachable through their children; the workflow sums all executable nodes.
 */
import type { NodeStatus } from './types.ts';
import { isExecutable } from './context.ts';

const ONE_OF_ONE: [number, number] = [1, 1];
const NONE_OF_ONE: [number, number] = [0, 1];

function parse(p: string | undefined): [number, number] {
  // The two common values skip the regex: this runs for every node of every decide.
  if (p === '1/1') return ONE_OF_ONE;
  if (p === '0/1') return NONE_OF_ONE;
  const m = /^(\d+)\/(\d+)$/.exec(p ?? '');
  return m ? [Number(m[1]), Number(m[2])] : [0, 0];
}

function executableProgress(node: NodeStatus): string {
  const done = node.phase === 'Succeeded' || node.phase === 'Skipped' || node.phase === 'Omitted';
  return done ? '1/1' : '0/1';
}

/** Facts gathered in the same pass over all nodes (one pass matters at 10k nodes). */
export interface NodeSummary {
  progress: string;
  /** Some Pod node is Running (the PodRunning condition). */
  podRunning: boolean;
  /** Some node runs outside the workflow's cluster or namespace. */
  remote: boolean;
}

/** Recomputes every node's progress (new node objects where it changed), the total, and a summary. */
export function updateProgress(nodes: Record<string, NodeStatus>): NodeSummary {
  let done = 0;
  let total = 0;
  let podRunning = false;
  let remote = false;
  const others: string[] = [];
  for (const id in nodes) {
    const node = nodes[id] as NodeStatus;
    if (node.clusterName !== undefined || node.namespace !== undefined) remote = true;
    if (!isExecutable(node.type)) {
      others.push(id);
      continue;
    }
    if (node.type === 'Pod' && node.phase === 'Running') podRunning = true;
    const p = executableProgress(node);
    if (node.progress !== p) nodes[id] = { ...node, progress: p };
    const [d, t] = parse(p);
    done += d;
    total += t;
  }
  for (const id of others) {
    const node = nodes[id] as NodeStatus;
    const p = sumReachable(nodes, node);
    if (node.progress !== p) nodes[id] = { ...node, progress: p };
  }
  return { progress: `${done}/${total}`, podRunning, remote };
}

/** Sums executable nodes reachable from `node`'s children (iteratively; chains can be 10k deep). */
function sumReachable(nodes: Record<string, NodeStatus>, node: NodeStatus): string {
  let done = 0;
  let total = 0;
  const seen = new Set<string>();
  const stack = [...(node.children ?? [])];
  while (stack.length > 0) {
    const id = stack.pop() as string;
    if (seen.has(id)) continue;
    seen.add(id);
    const child = nodes[id];
    if (!child) continue;
    if (isExecutable(child.type)) {
      const [d, t] = parse(child.progress);
      done += d;
      total += t;
    }
    for (const c of child.children ?? []) stack.push(c);
  }
  return `${done}/${total}`;
}
