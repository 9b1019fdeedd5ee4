/**
 * The workflow list: phase, progress, duration, where the pods ran, labels; filters on namespace
 * (server side), phase, label, name prefix and start time; live through the server's watch stream.
 */
import { useEffect, useMemo, useState } from 'react';
import type { WorkflowSummary } from '../model/summary.ts';
import { subscribe } from '../api.ts';
import type { Info } from '../app.tsx';
import { clusterColors, phaseColor } from '../colors.ts';
import { ago, between } from '../format.ts';

const PHASES = ['', 'Pending', 'Running', 'Succeeded', 'Failed', 'Error'];
const SINCE: [string, number][] = [
  ['any time', 0],
  ['last hour', 3600e3],
  ['last day', 86400e3],
  ['last week', 7 * 86400e3],
];

export interface Filters {
  phase: string;
  label: string;
  prefix: string;
  sinceMs: number;
}

/** Whether a summary passes the filters (label: `key` or `key=value`, comma = and). */
export function matches(w: WorkflowSummary, f: Filters, now = Date.now()): boolean {
  if (f.phase && w.phase !== f.phase) return false;
  if (f.prefix && !w.name.startsWith(f.prefix)) return false;
  if (f.sinceMs && Date.parse(w.createdAt || w.startedAt) < now - f.sinceMs) return false;
  for (const term of f.label
    .split(',')
    .map((t) => t.trim())
    .filter(Boolean)) {
    const [k, v] = term.split('=').map((x) => x.trim());
    if (!(k! in w.labels) || (v !== undefined && w.labels[k!] !== v)) return false;
  }
  return true;
}

function useWorkflows(namespace: string): { items: WorkflowSummary[]; error: string } {
  const [items, setItems] = useState<Map<string, WorkflowSummary>>(new Map());
  const [error, setError] = useState('');
  useEffect(() => {
    const key = (w: WorkflowSummary) => `${w.namespace}/${w.name}`;
    return subscribe(`/api/watch/workflows?namespace=${encodeURIComponent(namespace)}`, {
      snapshot: (d) => {
        setError('');
        setItems(new Map((d as WorkflowSummary[]).map((w) => [key(w), w])));
      },
      upsert: (d) => setItems((m) => new Map(m).set(key(d as WorkflowSummary), d as WorkflowSummary)),
      remove: (d) =>
        setItems((m) => {
          const next = new Map(m);
          next.delete(key(d as WorkflowSummary));
          return next;
        }),
      failure: (d) => setError((d as { message: string }).message),
    });
  }, [namespace]);
  const sorted = [...items.values()].sort(
    (a, b) =>
      Number(!!b.finishedAt === false) - Number(!!a.finishedAt === false) ||
      (b.finishedAt || b.createdAt).localeCompare(a.finishedAt || a.createdAt),
  );
  return { items: sorted, error };
}

export function ListPage({ info }: { info: Info }) {
  const [namespace, setNamespace] = useState(info.namespace);
  const [filters, setFilters] = useState<Filters>({ phase: '', label: '', prefix: '', sinceMs: 0 });
  const { items, error } = useWorkflows(namespace);
  const [now, setNow] = useState(Date.now());
  useEffect(() => {
    const t = setInterval(() => setNow(Date.now()), 1000);
    return () => clearInterval(t);
  }, []);
  const shown = items.filter((w) => matches(w, filters, now));
  const colors = useMemo(
    () =>
      clusterColors(
        info.mainCluster,
        items.flatMap((w) => w.places.map((p) => p.split('/')[0]!)),
      ),
    [items, info.mainCluster],
  );
  const set = (p: Partial<Filters>) => setFilters((f) => ({ ...f, ...p }));
  return (
    <div className="page">
      <div className="filters">
        <label>
          Namespace <input value={namespace} placeholder="all" onChange={(e) => setNamespace(e.target.value)} />
        </label>
        <label>
          Phase{' '}
          <select value={filters.phase} onChange={(e) => set({ phase: e.target.value })} aria-label="phase">
            {PHASES.map((p) => (
              <option key={p} value={p}>
                {p || 'any'}
              </option>
            ))}
          </select>
        </label>
        <label>
          Labels{' '}
          <input value={filters.label} placeholder="key=value" onChange={(e) => set({ label: e.target.value })} />
        </label>
        <label>
          Name <input value={filters.prefix} placeholder="prefix" onChange={(e) => set({ prefix: e.target.value })} />
        </label>
        <label>
          Started{' '}
          <select value={filters.sinceMs} onChange={(e) => set({ sinceMs: Number(e.target.value) })}>
            {SINCE.map(([t, ms]) => (
              <option key={ms} value={ms}>
                {t}
              </option>
            ))}
          </select>
        </label>
        <span className="count">
          {shown.length} of {items.length}
        </span>
      </div>
      {error && <div className="error-bar">{error}</div>}
      <table className="list">
        <thead>
          <tr>
            <th>Name</th>
            <th>Namespace</th>
            <th>Status</th>
            <th>Progress</th>
            <th>Started</th>
            <th>Duration</th>
            <th>Clusters</th>
            <th>Labels</th>
          </tr>
        </thead>
        <tbody>
          {shown.map((w) => (
            <tr key={`${w.namespace}/${w.name}`} data-workflow={w.name} data-phase={w.phase}>
              <td>
                <a href={`#/workflows/${encodeURIComponent(w.namespace)}/${encodeURIComponent(w.name)}`}>{w.name}</a>
                {w.message && (
                  <div className="sub" title={w.message}>
                    {w.message}
                  </div>
                )}
              </td>
              <td>{w.namespace}</td>
              <td>
                <span className="dot" style={{ background: phaseColor(w.phase) }} /> {w.phase}
                {w.suspended && ' (Suspended)'}
              </td>
              <td>{w.progress}</td>
              <td>{ago(w.startedAt || w.createdAt, now)}</td>
              <td>{between(w.startedAt, w.finishedAt, now)}</td>
              <td>
                {w.places.map((p) => (
                  <span key={p} className="badge" style={{ background: colors.get(p.split('/')[0]!) }} title={p}>
                    {p.split('/')[0]}
                  </span>
                ))}
              </td>
              <td className="labels">
                {Object.entries(w.labels)
                  .filter(([k]) => !k.startsWith('workflows.argoproj.io/'))
                  .map(([k, v]) => (
                    <span key={k} className="label">
                      {k}={v}
                    </span>
                  ))}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      {items.length === 0 && !error && (
        <div className="empty">No workflows in {namespace || 'any namespace'} yet. Submit one.</div>
      )}
    </div>
  );
}
