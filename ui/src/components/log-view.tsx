/** A pod's log, streamed by the UI server from the cluster the pod ran in; container choice. */
import { useEffect, useRef, useState } from 'react';
import { subscribe } from '../api.ts';

interface Meta {
  pod: string;
  cluster: string;
  namespace: string;
  container: string;
}

export function LogView(props: { path: string; phase: string }) {
  const [container, setContainer] = useState('main');
  const [text, setText] = useState('');
  const [meta, setMeta] = useState<Meta>();
  const [state, setState] = useState('loading');
  const pre = useRef<HTMLPreElement>(null);
  const running = props.phase === 'Running' || props.phase === 'Pending';
  useEffect(() => {
    setText('');
    setState('loading');
    let stop = () => {};
    stop = subscribe(`${props.path}/logs?container=${container}`, {
      meta: (d) => setMeta(d as Meta),
      log: (d) => {
        setState('streaming');
        setText((t) => (t + String(d)).slice(-2_000_000));
      },
      end: () => {
        setState('done');
        stop();
      },
      failure: (d) => {
        setState(`failed: ${(d as { message: string }).message}`);
        stop();
      },
    });
    return () => stop();
    // Re-subscribe when the pod starts or ends (a pending pod has no log yet).
  }, [props.path, container, running]);
  useEffect(() => {
    if (pre.current) pre.current.scrollTop = pre.current.scrollHeight;
  }, [text]);
  return (
    <div className="logs">
      <div className="logbar">
        <select value={container} onChange={(e) => setContainer(e.target.value)} aria-label="container">
          <option value="main">main</option>
          <option value="init">init</option>
          <option value="wait">wait</option>
        </select>
        {meta && (
          <span className="sub" data-log-source={`${meta.cluster}/${meta.namespace}`}>
            {meta.pod} in {meta.cluster}/{meta.namespace}
          </span>
        )}
        <span className="sub">{state === 'done' ? '' : state}</span>
      </div>
      <pre ref={pre} className="logtext" data-testid="log-text">
        {text || (state === 'done' ? '(empty log)' : '')}
      </pre>
    </div>
  );
}
