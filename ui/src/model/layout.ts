/**
 * Lays the graph out with dagre (@dagrejs/dagre, the maintained fork of the layout engine Argo's UI
 * used), top to bottom. Returns boxes and edge polylines in graph coordinates plus the bounds; the
 * view draws only what intersects the visible rectangle.
 */
import dagre from '@dagrejs/dagre';
import type { Graph, GraphNode } from './graph.ts';

export interface Box {
  x: number;
  y: number;
  w: number;
  h: number;
}

export interface LaidNode extends Box {
  node: GraphNode;
}

export interface LaidEdge {
  from: string;
  to: string;
  dashed?: boolean;
  points: { x: number; y: number }[];
  box: Box;
}

export interface Layout {
  nodes: LaidNode[];
  edges: LaidEdge[];
  width: number;
  height: number;
}

/** Node box sizes by kind: pods and DAG/steps boxes, small junctions for groups. */
export function sizeOf(n: GraphNode): { w: number; h: number } {
  if (n.kind === 'group') return { w: 16, h: 16 };
  if (n.kind === 'collapsed') return { w: 150, h: 36 };
  return { w: 190, h: 48 };
}

function boundsOf(points: { x: number; y: number }[]): Box {
  const xs = points.map((p) => p.x);
  const ys = points.map((p) => p.y);
  const x = Math.min(...xs);
  const y = Math.min(...ys);
  return { x, y, w: Math.max(...xs) - x, h: Math.max(...ys) - y };
}

/** Runs dagre on the graph (top-left box coordinates). */
export function layoutGraph(graph: Graph): Layout {
  const g = new dagre.graphlib.Graph();
  g.setGraph({ rankdir: 'TB', nodesep: 24, ranksep: 44, marginx: 20, marginy: 20 });
  g.setDefaultEdgeLabel(() => ({}));
  for (const n of graph.nodes) {
    const { w, h } = sizeOf(n);
    g.setNode(n.id, { width: w, height: h });
  }
  for (const e of graph.edges) g.setEdge(e.from, e.to);
  dagre.layout(g);
  const nodes = graph.nodes.map((n) => {
    const p = g.node(n.id);
    return { node: n, x: p.x - p.width / 2, y: p.y - p.height / 2, w: p.width, h: p.height };
  });
  const edges = graph.edges.map((e) => {
    const raw = (g.edge(e.from, e.to) as { points?: { x: number; y: number }[] } | undefined)?.points ?? [];
    const points = raw.map((p) => ({ x: p.x, y: p.y }));
    return { ...e, points, box: points.length ? boundsOf(points) : { x: 0, y: 0, w: 0, h: 0 } };
  });
  const meta = g.graph();
  return { nodes, edges, width: meta.width ?? 0, height: meta.height ?? 0 };
}

/** Whether two boxes overlap. */
export function intersects(a: Box, b: Box): boolean {
  return a.x <= b.x + b.w && b.x <= a.x + a.w && a.y <= b.y + b.h && b.y <= a.y + a.h;
}

/** What the view draws: only the nodes and edges inside the visible rectangle (graph coordinates). */
export function visibleItems(layout: Layout, view: Box): { nodes: LaidNode[]; edges: LaidEdge[] } {
  return {
    nodes: layout.nodes.filter((n) => intersects(n, view)),
    edges: layout.edges.filter((e) => intersects(e.box, view)),
  };
}
