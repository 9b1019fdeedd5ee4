/**
 * The workflow graph: an SVG that pans (drag) and zooms (wheel), drawing only the nodes and edges
 * inside the visible rectangle, so a graph of thousands of boxes stays smooth. Nodes are coloured
 * by phase; pods carry a badge with the cluster they ran in (colour per cluster, see the legend).
 */
import { useEffect, useLayoutEffect, useMemo, useRef, useState, type PointerEvent, type WheelEvent } from 'react';
import type { LaidNode, Layout } from '../model/layout.ts';
import { visibleItems } from '../model/layout.ts';
import { phaseColor } from '../colors.ts';

interface View {
  x: number;
  y: number;
  scale: number;
}

export interface GraphViewProps {
  layout: Layout;
  colors: Map<string, string>;
  namespace: string;
  selected?: string;
  onSelect(id: string): void;
  onExpand(parentId: string): void;
}

const clip = (s: string, n: number) => (s.length > n ? `${s.slice(0, n - 1)}…` : s);

/** Fits small graphs, centred; large ones start at 50% from the top (the root is there). */
function initialView(layout: Layout, w: number, h: number): View {
  const lw = Number.isFinite(layout.width) && layout.width > 0 ? layout.width : 1;
  const lh = Number.isFinite(layout.height) && layout.height > 0 ? layout.height : 1;
  const scale = Math.max(0.5, Math.min(1, w / lw, h / lh));
  return { scale, x: Math.max(0, (w - lw * scale) / 2), y: 0 };
}

function NodeShape(props: { n: LaidNode; p: GraphViewProps }) {
  const { n, p } = props;
  const g = n.node;
  const color = phaseColor(g.phase);
  if (g.kind === 'group') {
    return (
      <circle cx={n.x + n.w / 2} cy={n.y + n.h / 2} r={n.w / 2} fill={color} className="junction" data-node-id={g.id}>
        <title>{`${g.label} (${g.node?.type}) ${g.phase}`}</title>
      </circle>
    );
  }
  if (g.kind === 'collapsed') {
    return (
      <g className="collapsed" data-collapsed={g.parentId} onClick={() => p.onExpand(g.parentId!)}>
        <rect x={n.x} y={n.y} width={n.w} height={n.h} rx={18} stroke={color} />
        <text x={n.x + n.w / 2} y={n.y + n.h / 2 + 4} textAnchor="middle">
          {g.label} ▾
        </text>
      </g>
    );
  }
  const place = g.place;
  const badge = place ? clip(place.cluster, 12) : '';
  const badgeW = badge.length * 6.6 + 12;
  const isSel = p.selected === g.id;
  return (
    <g
      className={`gnode${isSel ? ' selected' : ''}`}
      data-node-id={g.id}
      data-node-name={g.label}
      data-cluster={place?.cluster ?? ''}
      data-phase={g.phase}
      onClick={() => p.onSelect(g.id)}
    >
      <rect x={n.x} y={n.y} width={n.w} height={n.h} rx={6} className="box" />
      <rect x={n.x} y={n.y} width={6} height={n.h} rx={3} fill={color} />
      <text x={n.x + 14} y={n.y + 19} className="label">
        {clip(g.label, place ? 16 : 24)}
      </text>
      <text x={n.x + 14} y={n.y + 36} className="meta">
        {clip(`${g.node?.type ?? ''} · ${g.phase}`, 24)}
      </text>
      {place && (
        <g className="cluster-badge" data-badge={place.cluster}>
          <rect
            x={n.x + n.w - badgeW - 6}
            y={n.y + 6}
            width={badgeW}
            height={16}
            rx={8}
            fill={p.colors.get(place.cluster) ?? '#666'}
          />
          <text x={n.x + n.w - badgeW / 2 - 6} y={n.y + 18} textAnchor="middle">
            {badge}
          </text>
          <title>{`${place.cluster}/${place.namespace}`}</title>
        </g>
      )}
      {place && place.namespace !== p.namespace && (
        <text x={n.x + n.w - 8} y={n.y + 40} textAnchor="end" className="meta">
          ns {clip(place.namespace, 12)}
        </text>
      )}
    </g>
  );
}

export function GraphView(p: GraphViewProps) {
  const box = useRef<HTMLDivElement>(null);
  const [size, setSize] = useState({ w: 800, h: 600 });
  const [view, setView] = useState<View>({ x: 0, y: 0, scale: 1 });
  const drag = useRef<{ x: number; y: number; vx: number; vy: number } | null>(null);
  /** Until the user pans or zooms, the view follows the growing graph. */
  const touched = useRef(false);
  useLayoutEffect(() => {
    const el = box.current!;
    const measure = () => setSize({ w: el.clientWidth, h: el.clientHeight });
    measure();
    const ro = new ResizeObserver(measure);
    ro.observe(el);
    return () => ro.disconnect();
  }, []);
  useEffect(() => {
    if (!touched.current && size.w > 0) setView(initialView(p.layout, size.w, size.h));
  }, [p.layout, size]);
  const visible = useMemo(
    () =>
      visibleItems(p.layout, {
        x: -view.x / view.scale,
        y: -view.y / view.scale,
        w: size.w / view.scale,
        h: size.h / view.scale,
      }),
    [p.layout, view, size],
  );
  const onWheel = (e: WheelEvent) => {
    touched.current = true;
    const rect = box.current!.getBoundingClientRect();
    const mx = e.clientX - rect.left;
    const my = e.clientY - rect.top;
    setView((v) => {
      const scale = Math.min(2, Math.max(0.1, v.scale * (e.deltaY < 0 ? 1.1 : 1 / 1.1)));
      return { scale, x: mx - ((mx - v.x) * scale) / v.scale, y: my - ((my - v.y) * scale) / v.scale };
    });
  };
  const onDown = (e: PointerEvent) => {
    if ((e.target as Element).closest('.gnode, .collapsed')) return;
    touched.current = true;
    drag.current = { x: e.clientX, y: e.clientY, vx: view.x, vy: view.y };
    (e.currentTarget as Element).setPointerCapture(e.pointerId);
  };
  const onMove = (e: PointerEvent) => {
    const d = drag.current;
    if (d) setView((v) => ({ ...v, x: d.vx + e.clientX - d.x, y: d.vy + e.clientY - d.y }));
  };
  return (
    <div
      className="graph"
      ref={box}
      onWheel={onWheel}
      onPointerDown={onDown}
      onPointerMove={onMove}
      onPointerUp={() => (drag.current = null)}
    >
      <svg
        width={size.w}
        height={size.h}
        data-rendered-nodes={visible.nodes.length}
        data-total-nodes={p.layout.nodes.length}
      >
        <defs>
          <marker
            id="arrow"
            viewBox="0 0 10 10"
            refX="9"
            refY="5"
            markerWidth="6"
            markerHeight="6"
            orient="auto-start-reverse"
          >
            <path d="M 0 0 L 10 5 L 0 10 z" fill="#98a2b3" />
          </marker>
        </defs>
        <g transform={`translate(${view.x},${view.y}) scale(${view.scale})`}>
          {visible.edges.map((e) => (
            <polyline
              key={`${e.from}>${e.to}`}
              points={e.points.map((pt) => `${pt.x},${pt.y}`).join(' ')}
              className={e.dashed ? 'edge dashed' : 'edge'}
              markerEnd="url(#arrow)"
            />
          ))}
          {visible.nodes.map((n) => (
            <NodeShape key={n.node.id} n={n} p={p} />
          ))}
        </g>
      </svg>
      <div className="zoom">
        <button
          onClick={() => ((touched.current = true), setView((v) => ({ ...v, scale: Math.min(2, v.scale * 1.25) })))}
        >
          +
        </button>
        <button
          onClick={() => ((touched.current = true), setView((v) => ({ ...v, scale: Math.max(0.1, v.scale / 1.25) })))}
        >
          −
        </button>
        <button onClick={() => ((touched.current = false), setView(initialView(p.layout, size.w, size.h)))}>fit</button>
      </div>
    </div>
  );
}
