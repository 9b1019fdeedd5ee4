/** The shell: header with navigation, hash routes (list, one workflow, clusters), the submit dialog. */
import { useEffect, useState } from 'react';
import { api } from './api.ts';
import { SubmitDialog } from './components/submit-dialog.tsx';
import { ClustersPage } from './pages/clusters-page.tsx';
import { ListPage } from './pages/list-page.tsx';
import { WorkflowPage } from './pages/workflow-page.tsx';

export interface Info {
  mainCluster: string;
  namespace: string;
  context: string;
  dev?: { clusters: string[]; external: boolean };
}

function useHash(): string {
  const [hash, setHash] = useState(location.hash);
  useEffect(() => {
    const on = () => setHash(location.hash);
    addEventListener('hashchange', on);
    return () => removeEventListener('hashchange', on);
  }, []);
  return hash;
}

export function navigate(path: string): void {
  location.hash = path;
}

export function App() {
  const hash = useHash();
  const [info, setInfo] = useState<Info>();
  const [error, setError] = useState('');
  const [submitting, setSubmitting] = useState(false);
  useEffect(() => {
    api.get<Info>('/api/info').then(setInfo, (e: Error) => setError(e.message));
  }, []);
  const parts = hash.replace(/^#\/?/, '').split('/').map(decodeURIComponent);
  let page;
  if (!info) page = <div className="empty">{error || 'Loading…'}</div>;
  else if (parts[0] === 'clusters') page = <ClustersPage info={info} />;
  else if (parts[0] === 'workflows' && parts[1] && parts[2])
    page = <WorkflowPage info={info} namespace={parts[1]} name={parts[2]} key={`${parts[1]}/${parts[2]}`} />;
  else page = <ListPage info={info} />;
  return (
    <div className="app">
      <header className="top">
        <a className="brand" href="#/workflows">
          Argosy
        </a>
        <nav>
          <a href="#/workflows" className={parts[0] !== 'clusters' ? 'active' : ''}>
            Workflows
          </a>
          <a href="#/clusters" className={parts[0] === 'clusters' ? 'active' : ''}>
            Clusters
          </a>
        </nav>
        <span className="where" title={`kubeconfig context ${info?.context ?? ''}`}>
          {info ? `${info.mainCluster} · ${info.namespace}${info.dev ? ' · argosy dev' : ''}` : ''}
        </span>
        <button className="primary" onClick={() => setSubmitting(true)} disabled={!info}>
          + Submit
        </button>
      </header>
      <main>{page}</main>
      {submitting && info && <SubmitDialog info={info} onClose={() => setSubmitting(false)} />}
    </div>
  );
}
