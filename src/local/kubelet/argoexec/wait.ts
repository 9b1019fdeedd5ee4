/**
 * Stand-in for `argoexec wait` (Argo's executor, docs/adr/0009-argo-executor-pods.md): creates the node's
 * WorkflowTaskResult through the pod's own cluster API with the pod's ServiceAccount token, waits for
 * `/var/run/argo/ctr/main/exitcode`, captures `result` (stdout only, one trailing newline stripped, last
 * 256 KiB), reads output parameters, saves output artifacts and logs to the repository (artifacts-out.ts), reports the outputs with a merge patch, and finally labels the
 * result `report-outputs-completed=true`. The first error becomes the termination message (exit 1).
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createKubeClient, type HttpKubeClient } from '../../../adapters/kube/http-client.ts';
import { isAlreadyExists, isNotFound, isTransient } from '../../../adapters/kube/errors.ts';
import type { ContainerExit, StartRequest } from '../runtime.ts';
import { hostPathIn, mountsOf } from './fs.ts';
import { mainNames, readTemplate } from './emissary.ts';
import { saveLogs, saveOutputArtifacts, type OutputTemplate } from './artifacts-out.ts';

const RESULT_LIMIT = 256 * 1024;
const LABEL_WORKFLOW = 'workflows.argoproj.io/workflow';
const LABEL_COMPLETED = 'workflows.argoproj.io/report-outputs-completed';
const LABEL_INSTANCE = 'workflows.argoproj.io/controller-instanceid';

interface WaitTemplate {
  outputs?: {
    parameters?: { name: string; value?: string; valueFrom?: { path?: string; default?: string } }[];
  };
}

export function client(req: StartRequest): HttpKubeClient {
  const api = req.api!;
  return createKubeClient({
    cluster: 'pod',
    server: api.url,
    tls: { caPem: api.caPem },
    auth: api.token ? { kind: 'bearer', token: api.token } : { kind: 'none' },
  });
}

/**
 * Retries transient failures as the executor does: task-result creation and finalisation back off from
 * 1 s doubling to 30 s "forever" (here: while the container is not stopped, at most 30 tries), outputs
 * with the executor retry backoff (5 steps).
 */
export async function retrying<T>(fn: () => Promise<T>, steps: number, stopped: () => boolean): Promise<T> {
  let delay = 1000;
  for (let attempt = 1; ; attempt++) {
    try {
      return await fn();
    } catch (e) {
      if (!isTransient(e) || attempt >= steps || stopped()) throw e;
      await new Promise((r) => setTimeout(r, delay));
      delay = Math.min(delay * 2, 30_000);
    }
  }
}

function resultPath(ns: string, name?: string): string {
  return `/apis/argoproj.io/v1alpha1/namespaces/${ns}/workflowtaskresults${name ? `/${name}` : ''}`;
}

/** Create, or merge-patch when it exists (`InitializeOutput`, `reportResult`). */
export async function upsert(
  c: HttpKubeClient,
  ns: string,
  name: string,
  body: Record<string, unknown>,
): Promise<void> {
  try {
    await c.request({ method: 'PATCH', path: resultPath(ns, name), contentType: 'application/merge-patch+json', body });
  } catch (e) {
    if (!isNotFound(e)) throw e;
    try {
      await c.request({
        method: 'POST',
        path: resultPath(ns),
        body: { apiVersion: 'argoproj.io/v1alpha1', kind: 'WorkflowTaskResult', ...body },
      });
    } catch (e2) {
      if (!isAlreadyExists(e2)) throw e2;
    }
  }
}

/** `metadata` of a new task result: labels and the Workflow ownerReference (no controller flag). */
export function newMeta(req: StartRequest, ns: string): Record<string, unknown> {
  const labels: Record<string, string> = {
    [LABEL_WORKFLOW]: req.env.ARGO_WORKFLOW_NAME ?? '',
    [LABEL_COMPLETED]: 'false',
  };
  if (req.env.ARGO_INSTANCE_ID) labels[LABEL_INSTANCE] = req.env.ARGO_INSTANCE_ID;
  return {
    name: req.env.ARGO_NODE_ID,
    namespace: ns,
    labels,
    ownerReferences: [
      {
        apiVersion: 'argoproj.io/v1alpha1',
        kind: 'Workflow',
        name: req.env.ARGO_WORKFLOW_NAME,
        uid: req.env.ARGO_WORKFLOW_UID,
      },
    ],
  };
}

/** Output parameters from the staged files; a missing file without a default is an error. */
function parameters(t: WaitTemplate, at: (p: string) => string, errors: string[]): Record<string, unknown>[] {
  const out: Record<string, unknown>[] = [];
  for (const p of t.outputs?.parameters ?? []) {
    const path = p.valueFrom?.path;
    if (!path) {
      out.push({ ...p });
      continue;
    }
    const staged = `/var/run/argo/outputs/parameters${path}`;
    const file = at(staged);
    if (existsSync(file)) out.push({ ...p, value: readFileSync(file, 'utf8').replace(/\n$/, '') });
    else if (p.valueFrom?.default !== undefined) out.push({ ...p, value: p.valueFrom.default });
    else errors.push(`open ${staged}: no such file or directory`);
  }
  return out;
}

/** `CaptureScriptResult`, `SaveParameters`, `SaveArtifacts`, `SaveLogs`: the outputs to report. */
async function collectOutputs(
  req: StartRequest,
  at: (p: string) => string,
  errors: string[],
): Promise<Record<string, unknown>> {
  const template = readTemplate(req, at('/var/run/argo')) as WaitTemplate;
  const outputs: Record<string, unknown> = {};
  const params = parameters(template, at, errors);
  if (params.length > 0) outputs.parameters = params;
  if (req.env.ARGO_INCLUDE_SCRIPT_OUTPUT === 'true') {
    const file = at('/var/run/argo/ctr/main/stdout');
    const text = existsSync(file) ? readFileSync(file).subarray(-RESULT_LIMIT).toString('utf8') : '';
    outputs.result = text.replace(/\n$/, '');
  }
  const artifacts = [
    ...(await saveOutputArtifacts(template as OutputTemplate, at, errors)),
    ...(await saveLogs(template as OutputTemplate, at, errors)),
  ];
  if (artifacts.length > 0) outputs.artifacts = artifacts;
  return outputs;
}

/** Runs wait until main's exit-code file exists (or the container is stopped), then reports. */
export async function runWait(
  req: StartRequest,
  stopped: () => boolean,
  log: (line: string, level?: string) => void,
): Promise<ContainerExit> {
  const ns = String(req.pod.metadata.namespace);
  const name = req.env.ARGO_NODE_ID ?? '';
  const mounts = mountsOf(req.pod, req.container, req.podDir, req.secret);
  const at = (p: string) => hostPathIn(mounts, p, join(req.podDir, 'rootfs', 'wait'));
  const errors: string[] = [];
  if (!req.api) return { exitCode: 1, message: 'no API server address for the pod (local kubelet without apiUrl)' };
  const c = client(req);
  try {
    const forever = <T>(fn: () => Promise<T>) => retrying(fn, 30, stopped);
    await forever(() => upsert(c, ns, name, { metadata: newMeta(req, ns) })).catch((e: Error) => {
      errors.push(`failed to create task result: ${e.message}`);
    });
    // Every main container: `main`, or each member of a container set.
    const exitFiles = mainNames(readTemplate(req, at('/var/run/argo'))).map((n) =>
      at(`/var/run/argo/ctr/${n}/exitcode`),
    );
    while (!exitFiles.every((f) => existsSync(f)) && !stopped()) await new Promise((r) => setTimeout(r, 50));
    const outputs = await collectOutputs(req, at, errors);
    if (Object.keys(outputs).length > 0)
      await retrying(() => upsert(c, ns, name, { metadata: newMeta(req, ns), outputs }), 5, stopped).catch(
        (e: Error) => {
          errors.push(`failed to report outputs: ${e.message}`);
        },
      );
    const done = {
      metadata: { ...newMeta(req, ns), labels: { ...(newMeta(req, ns).labels as object), [LABEL_COMPLETED]: 'true' } },
    };
    await forever(() => upsert(c, ns, name, done)).catch((e: Error) =>
      errors.push(`failed to finalize outputs: ${e.message}`),
    );
  } finally {
    c.close();
  }
  for (const e of errors) log(e, 'error');
  return errors.length > 0 ? { exitCode: 1, message: errors[0] } : { exitCode: 0 };
}
