/** The clusters page: every configured place, its health (as `argosy cluster check`), and the workflow pods running there. */
import { useEffect, useState } from 'react';
import { api } from '../api.ts';
import type { Info } from '../app.tsx';
import { clusterColors, phaseColor } from '../colors.ts';

interface ClusterRow {
  cluster: string;
  namespace: string;
  source: string;
  health: { ok: boolean; unchecked?: string; server?: string; version?: string; missing?: string[]; error?: string };
  pods: { name: string; namespace: string; workflow: string; phase: string; node: string }[];
  podsError?: string;
}

export function ClustersPage({ info }: { info: Info }) {
  const [data, setData] = useState<{ items: ClusterRow[]; problem?: string }>();
  const [error, setError] = useState('');
  const load = () =>
    api
      .get<{ items: ClusterRow[]; problem?: string }>('/api/clusters')
      .then(setData, (e: Error) => setError(e.message));
  useEffect(() => {
    void load();
    const t = setInterval(() => void load(), 5000);
    return () => clearInterval(t);
  }, []);
  if (!data) return <div className="empty">{error || 'Checking clusters…'}</div>;
  const colors = clusterColors(
    info.mainCluster,
    data.items.map((c) => c.cluster),
  );
  return (
    <div className="page">
      {data.problem && <div className="error-bar">{data.problem}</div>}
      <div className="clusters">
        {data.items.map((c) => (
          <section key={`${c.cluster}.${c.namespace}`} className="cluster" data-cluster-card={c.cluster}>
            <h2>
              <span className="badge" style={{ background: colors.get(c.cluster) }}>
                {c.cluster}
              </span>{' '}
              {c.namespace || 'every namespace'}{' '}
              <span className="sub">
                {c.source === 'main' ? 'main cluster (workflows live here)' : 'rest-config entry'}
              </span>
            </h2>
            <div
              className={c.health.ok ? (c.health.unchecked ? 'health unchecked' : 'health ok') : 'health bad'}
              data-health={c.health.ok ? (c.health.unchecked ? 'unchecked' : 'ok') : 'bad'}
            >
              {c.health.ok ? (c.health.unchecked ? '✔ reachable' : '✔ healthy') : '✖ problem'}{' '}
              {c.health.server && <code>{c.health.server}</code>} {c.health.version}
              {c.health.unchecked && <div className="sub">{c.health.unchecked}</div>}
              {c.health.error && <div>{c.health.error}</div>}
              {!!c.health.missing?.length && <div>missing: {c.health.missing.join(', ')}</div>}
            </div>
            <h3>Workflow pods running now ({c.pods.length})</h3>
            {c.podsError && <div className="sub">{c.podsError}</div>}
            <ul className="pods">
              {c.pods.map((p) => (
                <li key={`${p.namespace}/${p.name}`}>
                  <span className="dot" style={{ background: phaseColor(p.phase) }} /> {p.name}{' '}
                  <a href={`#/workflows/${encodeURIComponent(info.namespace)}/${encodeURIComponent(p.workflow)}`}>
                    {p.workflow}
                  </a>{' '}
                  <span className="sub">{p.namespace}</span>
                </li>
              ))}
            </ul>
          </section>
        ))}
      </div>
    </div>
  );
}
