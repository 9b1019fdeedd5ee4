/**
 * Workflow routes: list (as summaries), one workflow (JSON or YAML), its events, submit (a file's
 * text or a WorkflowTemplate with parameters) and the actions the CLI has (stop, terminate,
 * suspend, resume, delete) plus Argo's resubmit (the engine's formulateResubmit, as `argosy
 * resubmit`). Retry is refused by name: the page has no node selection for it yet; `argosy retry` has it.
 */
import { stringify } from 'yaml';
import {
  createWorkflow,
  deleteWorkflow,
  eventsPath,
  listWorkflows,
  patchWorkflow,
  workflowsPath,
} from '../../src/adapters/kube/resources.ts';
import { isNotFound } from '../../src/adapters/kube/errors.ts';
import { resumeNamed } from '../../src/cli/commands/resume.ts';
import { applyParameters, checkWorkflow, workflowFromText } from '../../src/cli/lib/workflow-file.ts';
import type { Workflow } from '../../src/engine/types.ts';
import { formulateResubmit } from '../../src/engine/index.ts';
import { summarise } from '../src/model/summary.ts';
import { inNamespace, namespaceParam, readWorkflow, type UiBackend } from './backend.ts';
import { UiHttpError, sendText, type Route } from './http.ts';

async function listAll(b: UiBackend, namespace: string): Promise<Workflow[]> {
  const path = namespace ? workflowsPath(namespace) : '/apis/argoproj.io/v1alpha1/workflows';
  if (namespace) return (await listWorkflows<Workflow>(b.target.client, namespace)).items ?? [];
  return (await b.target.client.request<{ items?: Workflow[] }>({ method: 'GET', path })).items ?? [];
}

const strings = (v: unknown): string[] => (Array.isArray(v) ? v.map(String) : []);

/** Builds the Workflow a submit asks for: the posted YAML/JSON, or a reference to a WorkflowTemplate. */
export function workflowToSubmit(body: Record<string, unknown>): Workflow {
  const params = strings(body.parameters).filter((p) => p.trim() !== '');
  if (typeof body.template === 'string' && body.template) {
    const wf: Workflow = {
      apiVersion: 'argoproj.io/v1alpha1',
      kind: 'Workflow',
      metadata: { generateName: `${body.template}-` },
      spec: { workflowTemplateRef: { name: body.template } },
    };
    applyParameters(wf, params, `WorkflowTemplate ${body.template}`);
    const problems = checkWorkflow(wf);
    if (problems.length) throw new UiHttpError(400, problems.join('; '));
    return wf;
  }
  if (typeof body.yaml !== 'string' || !body.yaml.trim())
    throw new UiHttpError(400, 'nothing to submit: no YAML and no template');
  return workflowFromText(body.yaml, String(body.source ?? 'workflow'), params);
}

/** Argo's resubmit, as `argosy resubmit` makes it (labels, annotations, owner references, origin label). */
export function resubmitOf(wf: Workflow): Workflow {
  return formulateResubmit(wf, {}, new Date());
}

type Action = (b: UiBackend, ns: string, name: string) => Promise<unknown>;

const patchSpec =
  (spec: Record<string, unknown>): Action =>
  (b, ns, name) =>
    patchWorkflow(b.target.client, ns, name, { spec });

/** The actions, by name, as the CLI does them. */
export const ACTIONS: Record<string, Action> = {
  stop: patchSpec({ shutdown: 'Stop' }),
  terminate: patchSpec({ shutdown: 'Terminate' }),
  suspend: patchSpec({ suspend: true }),
  resume: (b, ns, name) => resumeNamed(inNamespace(b.target, ns), name),
  resubmit: async (b, ns, name) =>
    createWorkflow<Workflow>(b.target.client, ns, resubmitOf(await readWorkflow(b, ns, name))),
  retry: async () => {
    throw new UiHttpError(
      501,
      'retry is not in the UI yet (coming): run `argosy retry NAME`; resubmit runs it again from the start',
    );
  },
};

async function workflowEvents(b: UiBackend, ns: string, name: string): Promise<unknown[]> {
  const all = await b.target.client.request<{ items?: { involvedObject?: { kind?: string; name?: string } }[] }>({
    method: 'GET',
    path: eventsPath(ns),
    query: { fieldSelector: `involvedObject.name=${name}` },
  });
  return (all.items ?? []).filter((e) => e.involvedObject?.name === name && e.involvedObject?.kind === 'Workflow');
}

export function workflowRoutes(b: UiBackend): Route[] {
  return [
    {
      method: 'GET',
      pattern: '/api/workflows',
      handler: async ({ url }) => {
        const items = await listAll(b, namespaceParam(b, url));
        return { items: items.map((wf) => summarise(wf, b.target.mainCluster)) };
      },
    },
    {
      method: 'GET',
      pattern: '/api/workflows/:namespace/:name',
      handler: ({ params }) => readWorkflow(b, params.namespace!, params.name!),
    },
    {
      method: 'GET',
      pattern: '/api/workflows/:namespace/:name/yaml',
      handler: async ({ params, res }) => {
        sendText(res, 200, stringify(await readWorkflow(b, params.namespace!, params.name!)), 'text/yaml');
      },
    },
    {
      method: 'GET',
      pattern: '/api/workflows/:namespace/:name/events',
      handler: async ({ params }) => ({ items: await workflowEvents(b, params.namespace!, params.name!) }),
    },
    {
      method: 'GET',
      pattern: '/api/workflowtemplates',
      handler: async ({ url }) => {
        const ns = namespaceParam(b, url) || b.target.namespace;
        const path = `/apis/argoproj.io/v1alpha1/namespaces/${encodeURIComponent(ns)}/workflowtemplates`;
        try {
          const list = await b.target.client.request<{ items?: unknown[] }>({ method: 'GET', path });
          return { items: list.items ?? [] };
        } catch (e) {
          if (isNotFound(e)) return { items: [], note: 'the WorkflowTemplate CRD is not installed' };
          throw e;
        }
      },
    },
    {
      method: 'POST',
      pattern: '/api/workflows',
      handler: async ({ body }) => {
        const req = await body();
        const wf = workflowToSubmit(req);
        const ns = String(req.namespace || wf.metadata.namespace || b.target.namespace);
        delete wf.metadata.namespace;
        return createWorkflow<Workflow>(b.target.client, ns, wf);
      },
    },
    {
      method: 'POST',
      pattern: '/api/workflows/:namespace/:name/:action',
      handler: async ({ params }) => {
        const action = ACTIONS[params.action!];
        if (!action) throw new UiHttpError(404, `no action "${params.action}"`);
        const result = await action(b, params.namespace!, params.name!);
        return { ok: true, action: params.action, ...(isNamed(result) ? { created: result.metadata.name } : {}) };
      },
    },
    {
      method: 'DELETE',
      pattern: '/api/workflows/:namespace/:name',
      handler: async ({ params }) => {
        await deleteWorkflow(b.target.client, params.namespace!, params.name!);
        return { ok: true };
      },
    },
  ];
}

function isNamed(v: unknown): v is Workflow {
  return typeof v === 'object' && v !== null && typeof (v as Workflow).metadata?.name === 'string';
}
