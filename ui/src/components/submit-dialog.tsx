/** Submit a workflow: paste or load a file, or pick a WorkflowTemplate; parameters as NAME=VALUE lines. */
import { useEffect, useState } from 'react';
import { api } from '../api.ts';
import { navigate, type Info } from '../app.tsx';
import { Modal } from './confirm.tsx';

interface Template {
  metadata: { name: string };
  spec?: { arguments?: { parameters?: { name: string; value?: string }[] } };
}

export function SubmitDialog(props: { info: Info; onClose(): void }) {
  const [mode, setMode] = useState<'file' | 'template'>('file');
  const [yaml, setYaml] = useState('');
  const [source, setSource] = useState('workflow');
  const [templates, setTemplates] = useState<Template[]>([]);
  const [template, setTemplate] = useState('');
  const [params, setParams] = useState('');
  const [namespace, setNamespace] = useState(props.info.namespace);
  const [error, setError] = useState('');
  useEffect(() => {
    api.get<{ items: Template[] }>(`/api/workflowtemplates?namespace=${encodeURIComponent(namespace)}`).then(
      (r) => setTemplates(r.items),
      () => setTemplates([]),
    );
  }, [namespace]);
  const pick = (name: string) => {
    setTemplate(name);
    const t = templates.find((x) => x.metadata.name === name);
    setParams((t?.spec?.arguments?.parameters ?? []).map((p) => `${p.name}=${p.value ?? ''}`).join('\n'));
  };
  const submit = async () => {
    setError('');
    const parameters = params
      .split('\n')
      .map((l) => l.trim())
      .filter(Boolean);
    const body = mode === 'file' ? { yaml, source, parameters, namespace } : { template, parameters, namespace };
    try {
      const wf = await api.post<{ metadata: { name: string; namespace: string } }>('/api/workflows', body);
      props.onClose();
      navigate(`/workflows/${encodeURIComponent(wf.metadata.namespace)}/${encodeURIComponent(wf.metadata.name)}`);
    } catch (e) {
      setError((e as Error).message);
    }
  };
  return (
    <Modal title="Submit a workflow" onClose={props.onClose} wide>
      <div className="tabs">
        <button className={mode === 'file' ? 'active' : ''} onClick={() => setMode('file')}>
          From a file
        </button>
        <button className={mode === 'template' ? 'active' : ''} onClick={() => setMode('template')}>
          From a WorkflowTemplate
        </button>
      </div>
      {mode === 'file' ? (
        <>
          <input
            type="file"
            accept=".yaml,.yml,.json"
            onChange={(e) => {
              const f = e.target.files?.[0];
              if (f) void f.text().then((t) => (setYaml(t), setSource(f.name)));
            }}
          />
          <textarea
            className="code"
            rows={14}
            value={yaml}
            onChange={(e) => setYaml(e.target.value)}
            placeholder="apiVersion: argoproj.io/v1alpha1&#10;kind: Workflow&#10;…"
            aria-label="workflow yaml"
          />
        </>
      ) : (
        <select value={template} onChange={(e) => pick(e.target.value)} aria-label="template">
          <option value="">
            {templates.length ? 'choose a WorkflowTemplate' : 'no WorkflowTemplates in this namespace'}
          </option>
          {templates.map((t) => (
            <option key={t.metadata.name}>{t.metadata.name}</option>
          ))}
        </select>
      )}
      <label>
        Namespace <input value={namespace} onChange={(e) => setNamespace(e.target.value)} />
      </label>
      <label className="block">
        Parameters (NAME=VALUE, one per line)
        <textarea
          className="code"
          rows={3}
          value={params}
          onChange={(e) => setParams(e.target.value)}
          aria-label="parameters"
        />
      </label>
      {error && <div className="error-bar">{error}</div>}
      <div className="buttons">
        <button onClick={props.onClose}>Cancel</button>
        <button className="primary" onClick={() => void submit()} disabled={mode === 'file' ? !yaml.trim() : !template}>
          Submit
        </button>
      </div>
    </Modal>
  );
}
