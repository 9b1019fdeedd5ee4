/**
 * The side panel for one node: summary (phase, where it ran, pod, timings, message), inputs and
 * outputs (parameters and artifacts with their keys), the pod's events from its cluster, and logs.
 */
import { useEffect, useState } from 'react';
import type { Artifact, NodeStatus, Workflow } from '../../../src/engine/types.ts';
import { artifactLocation } from '../model/artifacts.ts';
import { api } from '../api.ts';
import { placeOf } from '../model/place.ts';
import { phaseColor } from '../colors.ts';
import { between } from '../format.ts';
import { LogView } from './log-view.tsx';

interface Details {
  pod: { name: string; cluster: string; namespace: string; phase?: string; nodeName?: string; containers: string[] };
  events: { type?: string; reason?: string; message?: string; lastTimestamp?: string; eventTime?: string }[];
  problem?: string;
}

function Rows(props: { rows: [string, React.ReactNode][] }) {
  return (
    <table className="kv">
      <tbody>
        {props.rows
          .filter(([, v]) => v !== undefined && v !== '' && v !== null)
          .map(([k, v]) => (
            <tr key={k}>
              <th>{k}</th>
              <td>{v}</td>
            </tr>
          ))}
      </tbody>
    </table>
  );
}

function IoSection(props: { title: string; io?: NodeStatus['outputs'] }) {
  const params = props.io?.parameters ?? [];
  const arts: Artifact[] = props.io?.artifacts ?? [];
  if (!params.length && !arts.length && props.io?.result === undefined) return null;
  return (
    <section>
      <h3>{props.title}</h3>
      <Rows rows={params.map((p) => [p.name, String(p.value ?? '')])} />
      {props.io?.result !== undefined && <Rows rows={[['result', props.io.result]]} />}
      {arts.map((a) => (
        <div key={a.name} className="artifact">
          <b>{a.name}</b> <code>{artifactLocation(a)}</code>{' '}
          <button disabled title="artifact download is coming: it will read through your credentials">
            download (coming)
          </button>
        </div>
      ))}
    </section>
  );
}

type Tab = 'summary' | 'io' | 'events' | 'logs';

export function NodePanel(props: {
  wf: Workflow;
  node: NodeStatus;
  mainCluster: string;
  path: string;
  onClose(): void;
}) {
  const { node, wf } = props;
  const place = placeOf(wf, node, props.mainCluster);
  const [tab, setTab] = useState<Tab>('summary');
  const [details, setDetails] = useState<Details>();
  const [error, setError] = useState('');
  const nodePath = `${props.path}/nodes/${encodeURIComponent(node.id)}`;
  useEffect(() => {
    setDetails(undefined);
    setError('');
    if (place) api.get<Details>(nodePath).then(setDetails, (e: Error) => setError(e.message));
  }, [nodePath, node.phase]);
  const tabs: Tab[] = place ? ['summary', 'io', 'events', 'logs'] : ['summary', 'io'];
  return (
    <aside className="panel" data-panel-node={node.displayName || node.name}>
      <div className="panel-head">
        <span className="dot" style={{ background: phaseColor(node.phase) }} />
        <b>{node.displayName || node.name}</b>
        <button className="close" onClick={props.onClose} aria-label="close">
          ×
        </button>
      </div>
      <div className="tabs">
        {tabs.map((t) => (
          <button key={t} className={t === tab ? 'active' : ''} onClick={() => setTab(t)}>
            {t === 'io' ? 'inputs/outputs' : t}
          </button>
        ))}
      </div>
      {tab === 'summary' && (
        <Rows
          rows={[
            ['phase', node.phase],
            ['message', node.message],
            ['type', node.type],
            [
              'template',
              node.templateRef ? `${node.templateRef.name}/${node.templateRef.template}` : node.templateName,
            ],
            ['cluster', place && <span data-summary-cluster={place.cluster}>{place.cluster}</span>],
            ['namespace', place?.namespace],
            ['pod', details?.pod.name],
            ['host', details?.pod.nodeName],
            ['started', node.startedAt],
            ['finished', node.finishedAt],
            ['duration', between(node.startedAt, node.finishedAt)],
            ['progress', node.progress],
            [
              'resources',
              node.resourcesDuration &&
                Object.entries(node.resourcesDuration)
                  .map(([k, v]) => `${v}s*${k}`)
                  .join(', '),
            ],
            ['id', node.id],
            ['problem', details?.problem ?? error],
          ]}
        />
      )}
      {tab === 'io' && (
        <>
          <IoSection title="Inputs" io={node.inputs} />
          <IoSection title="Outputs" io={node.outputs} />
          {!node.inputs && !node.outputs && <div className="empty">No inputs or outputs.</div>}
        </>
      )}
      {tab === 'events' && (
        <ul className="events">
          {(details?.events ?? []).map((e, i) => (
            <li key={i} className={e.type === 'Warning' ? 'warn' : ''}>
              <b>{e.reason}</b> {e.message} <span className="sub">{e.lastTimestamp ?? e.eventTime}</span>
            </li>
          ))}
          {details && !details.events.length && <li className="sub">No events for this pod.</li>}
        </ul>
      )}
      {tab === 'logs' && place && <LogView path={nodePath} phase={node.phase ?? 'Pending'} />}
    </aside>
  );
}
