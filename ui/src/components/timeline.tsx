/**
 * The timeline: one bar per pod from start to finish, coloured by phase, labelled with the cluster.
 * Rows are windowed (only those scrolled into view are in the page), so 10,000 pods scroll smoothly.
 */
import { useState } from 'react';
import type { NodeStatus, Workflow } from '../../../src/engine/types.ts';
import { placeOf } from '../model/place.ts';
import { phaseColor } from '../colors.ts';
import { between } from '../format.ts';

const ROW = 24;

export function Timeline(props: {
  wf: Workflow;
  mainCluster: string;
  colors: Map<string, string>;
  onSelect(id: string): void;
}) {
  const [top, setTop] = useState(0);
  const pods = Object.values(props.wf.status?.nodes ?? {})
    .filter((n): n is NodeStatus & { startedAt: string } => n.type === 'Pod' && !!n.startedAt)
    .sort((a, b) => a.startedAt.localeCompare(b.startedAt));
  const now = Date.now();
  const t0 = pods.length ? Date.parse(pods[0]!.startedAt) : now;
  const t1 = Math.max(t0 + 1000, ...pods.map((n) => (n.finishedAt ? Date.parse(n.finishedAt) : now)));
  const height = 480;
  const first = Math.max(0, Math.floor(top / ROW) - 5);
  const rows = pods.slice(first, first + Math.ceil(height / ROW) + 10);
  if (!pods.length) return <div className="empty">No pod has started yet.</div>;
  return (
    <div className="timeline" style={{ height }} onScroll={(e) => setTop(e.currentTarget.scrollTop)}>
      <div style={{ height: pods.length * ROW, position: 'relative' }}>
        {rows.map((n, i) => {
          const start = Date.parse(n.startedAt);
          const end = n.finishedAt ? Date.parse(n.finishedAt) : now;
          const place = placeOf(props.wf, n, props.mainCluster);
          return (
            <div key={n.id} className="trow" style={{ top: (first + i) * ROW }} onClick={() => props.onSelect(n.id)}>
              <span className="tname" title={n.name}>
                {n.displayName || n.name}
              </span>
              <span className="ttrack">
                <span
                  className="tbar"
                  style={{
                    left: `${((start - t0) / (t1 - t0)) * 100}%`,
                    width: `${Math.max(0.5, ((end - start) / (t1 - t0)) * 100)}%`,
                    background: phaseColor(n.phase),
                  }}
                  title={`${n.phase} ${between(n.startedAt, n.finishedAt, now)}`}
                />
              </span>
              <span className="badge" style={{ background: props.colors.get(place?.cluster ?? '') }}>
                {place?.cluster}
              </span>
            </div>
          );
        })}
      </div>
    </div>
  );
}
