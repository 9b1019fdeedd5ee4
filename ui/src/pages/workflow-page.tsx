/**
 * One workflow, live: header (phase, message, timings), actions with confirmation, the graph (or
 * the timeline, or the YAML), the cluster legend, and the side panel of the selected node.
 */
import { useEffect, useMemo, useState } from 'react';
import type { Workflow } from '../../../src/engine/types.ts';
import { api, subscribe, wfPath } from '../api.ts';
import { navigate, type Info } from '../app.tsx';
import { clusterColors, phaseColor } from '../colors.ts';
import { Confirm } from '../components/confirm.tsx';
import { GraphView } from '../components/graph-view.tsx';
import { NodePanel } from '../components/node-panel.tsx';
import { Timeline } from '../components/timeline.tsx';
import { WorkflowOutputs } from '../components/workflow-outputs.tsx';
import { between } from '../format.ts';
import { buildGraph } from '../model/graph.ts';
import { layoutGraph } from '../model/layout.ts';
import { placesUsed } from '../model/place.ts';
import { summarise } from '../model/summary.ts';

type Tab = 'graph' | 'timeline' | 'yaml';

interface ActionDef {
  name: string;
  label: string;
  confirm?: string;
  enabled(s: ReturnType<typeof summarise>): boolean;
  coming?: string;
}

const running = (s: ReturnType<typeof summarise>) => !s.finishedAt;

export const ACTIONS: ActionDef[] = [
  {
    name: 'resubmit',
    label: 'Resubmit',
    confirm: 'Resubmit this workflow (a new one with the same spec)?',
    enabled: () => true,
  },
  {
    name: 'retry',
    label: 'Retry',
    enabled: () => false,
    coming: 'retry is coming to the UI; `argosy retry NAME` has it, resubmit runs it again',
  },
  { name: 'suspend', label: 'Suspend', enabled: (s) => running(s) && !s.suspended },
  { name: 'resume', label: 'Resume', enabled: (s) => running(s) && s.suspended },
  {
    name: 'stop',
    label: 'Stop',
    confirm: 'Stop this workflow? No new steps start; exit handlers still run.',
    enabled: running,
  },
  {
    name: 'terminate',
    label: 'Terminate',
    confirm: 'Terminate this workflow? Exit handlers do not run.',
    enabled: running,
  },
  {
    name: 'delete',
    label: 'Delete',
    confirm: 'Delete this workflow? Its pods in every cluster go with it.',
    enabled: () => true,
  },
];

function useWorkflow(namespace: string, name: string) {
  const [wf, setWf] = useState<Workflow>();
  const [gone, setGone] = useState(false);
  const [error, setError] = useState('');
  useEffect(
    () =>
      subscribe(`/api/watch/workflows/${encodeURIComponent(namespace)}/${encodeURIComponent(name)}`, {
        workflow: (d) => {
          setError('');
          setWf(d as Workflow);
        },
        remove: () => setGone(true),
        failure: (d) => setError((d as { message: string }).message),
      }),
    [namespace, name],
  );
  return { wf, gone, error };
}

function Yaml(props: { path: string }) {
  const [text, setText] = useState('Loading…');
  useEffect(() => {
    api.get<string>(`${props.path}/yaml`).then(setText, (e: Error) => setText(e.message));
  }, [props.path]);
  return <pre className="yaml">{text}</pre>;
}

function Actions(props: { info: Info; wf: Workflow; path: string }) {
  const s = summarise(props.wf, props.info.mainCluster);
  const [asking, setAsking] = useState<ActionDef>();
  const [message, setMessage] = useState('');
  const run = async (a: ActionDef) => {
    setAsking(undefined);
    try {
      if (a.name === 'delete') {
        await api.del(props.path);
        navigate('/workflows');
        return;
      }
      const r = await api.post<{ created?: string }>(`${props.path}/${a.name}`);
      setMessage(`${a.label}: done`);
      if (r.created) navigate(`/workflows/${encodeURIComponent(s.namespace)}/${encodeURIComponent(r.created)}`);
    } catch (e) {
      setMessage(`${a.label}: ${(e as Error).message}`);
    }
  };
  return (
    <div className="actions">
      {ACTIONS.map((a) => (
        <button
          key={a.name}
          disabled={!a.enabled(s)}
          title={a.coming}
          data-action={a.name}
          onClick={() => (a.confirm ? setAsking(a) : void run(a))}
        >
          {a.label}
          {a.coming ? ' (coming)' : ''}
        </button>
      ))}
      {message && <span className="sub action-result">{message}</span>}
      {asking && (
        <Confirm
          question={asking.confirm!}
          action={asking.label}
          onYes={() => void run(asking)}
          onNo={() => setAsking(undefined)}
        />
      )}
    </div>
  );
}

export function WorkflowPage(props: { info: Info; namespace: string; name: string }) {
  const { info } = props;
  const { wf, gone, error } = useWorkflow(props.namespace, props.name);
  const [tab, setTab] = useState<Tab>('graph');
  const [selected, setSelected] = useState<string>();
  const [shown, setShown] = useState<Map<string, number>>(new Map());
  const path = wfPath(props.namespace, props.name);
  const layout = useMemo(
    () => (wf ? layoutGraph(buildGraph(wf, { mainCluster: info.mainCluster, shown })) : undefined),
    [wf, shown, info.mainCluster],
  );
  const places = useMemo(() => (wf ? placesUsed(wf, info.mainCluster) : []), [wf, info.mainCluster]);
  const colors = useMemo(
    () =>
      clusterColors(
        info.mainCluster,
        places.map((p) => p.cluster),
      ),
    [places, info.mainCluster],
  );
  if (gone)
    return (
      <div className="empty">
        Workflow {props.name} no longer exists. <a href="#/workflows">Back to the list</a>
      </div>
    );
  if (!wf || !layout) return <div className="empty">{error || 'Loading…'}</div>;
  const phase = wf.status?.phase || 'Pending';
  const node = selected ? wf.status?.nodes?.[selected] : undefined;
  const expand = (parent: string) => setShown((m) => new Map(m).set(parent, (m.get(parent) ?? 5) + 100));
  return (
    <div className="page wfpage">
      <div className="wfhead">
        <h1>
          <span className="dot" style={{ background: phaseColor(phase) }} /> {props.name}
        </h1>
        <span className="phase" data-wf-phase={phase}>
          {phase}
        </span>
        <span className="sub">
          {wf.status?.progress} · {between(wf.status?.startedAt, wf.status?.finishedAt)} · {props.namespace}
        </span>
      </div>
      {wf.status?.message && (
        <div className={`message ${phase === 'Succeeded' ? '' : 'bad'}`} data-testid="wf-message">
          {wf.status.message}
        </div>
      )}
      <WorkflowOutputs wf={wf} />
      <Actions info={info} wf={wf} path={path} />
      <div className="tabs">
        {(['graph', 'timeline', 'yaml'] as Tab[]).map((t) => (
          <button key={t} className={t === tab ? 'active' : ''} onClick={() => setTab(t)}>
            {t}
          </button>
        ))}
        <span className="legend" data-testid="legend">
          {places.map((p) => (
            <span key={`${p.cluster}/${p.namespace}`} className="badge" style={{ background: colors.get(p.cluster) }}>
              {p.cluster}/{p.namespace}
            </span>
          ))}
        </span>
      </div>
      <div className="wfbody">
        <div className="wfmain">
          {tab === 'graph' && (
            <GraphView
              layout={layout}
              colors={colors}
              namespace={props.namespace}
              selected={selected}
              onSelect={setSelected}
              onExpand={expand}
            />
          )}
          {tab === 'timeline' && (
            <Timeline wf={wf} mainCluster={info.mainCluster} colors={colors} onSelect={setSelected} />
          )}
          {tab === 'yaml' && <Yaml path={path} />}
        </div>
        {node && (
          <NodePanel
            wf={wf}
            node={node}
            mainCluster={info.mainCluster}
            path={path}
            onClose={() => setSelected(undefined)}
          />
        )}
      </div>
    </div>
  );
}
