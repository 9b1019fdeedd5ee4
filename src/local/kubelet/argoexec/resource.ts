/**
 * Stand-in for `argoexec resource <action>` (Argo's cmd/argoexec/commands/resource.go): creates the
 * node's WorkflowTaskResult, runs the action with the pod's ServiceAccount token, waits for the
 * success/failure condition by watching the object (re-reading it every 5 s where the ServiceAccount
 * may not watch, as Argo's executor polls), reads `jsonPath`/`jqFilter` output parameters from a fresh
 * copy, reports them and labels the result complete. An error ends the container with exit code 64
 * and the error as termination message, as argoexec does.
 */
import type { HttpKubeClient } from '../../../adapters/kube/http-client.ts';
import { isKubeApiError, isNotFound } from '../../../adapters/kube/errors.ts';
import type { ContainerExit, StartRequest } from '../runtime.ts';
import { hostPathIn, mountsOf } from './fs.ts';
import { join } from 'node:path';
import { readFileSync } from 'node:fs';
import { manifestArtifact, resourcePlacementProblem, withOwnerReference } from '../../../engine/resource/manifest.ts';
import { readTemplate } from './emissary.ts';
import { client, newMeta, retrying, upsert } from './wait.ts';
import { runAction, type Acted, type ResourceSpec } from './resource-actions.ts';
import { objectPath, fullName } from './kube-object.ts';
import { conditionState, parseCondition, type Requirement } from './conditions.ts';
import { evalJsonPath } from './jsonpath.ts';
import { jqFilter } from './jq.ts';

const POLL_MS = 5000;
const LABEL_COMPLETED = 'workflows.argoproj.io/report-outputs-completed';

interface OutputParam {
  name: string;
  value?: string;
  valueFrom?: { jsonPath?: string; jqFilter?: string; default?: string };
}

interface ResourceTemplateDoc {
  resource?: ResourceSpec & { successCondition?: string; failureCondition?: string; manifestFrom?: unknown };
  inputs?: { artifacts?: { name: string; path?: string }[] };
  outputs?: { parameters?: OutputParam[] };
}

type Obj = Record<string, unknown>;

function parseConditions(r: NonNullable<ResourceTemplateDoc['resource']>): [Requirement[], Requirement[]] {
  const parse = (text: string | undefined, what: string): Requirement[] => {
    if (!text) return [];
    try {
      return parseCondition(text);
    } catch (e) {
      throw new Error(`${what} condition '${text}' failed to parse: ${(e as Error).message}`);
    }
  };
  return [parse(r.successCondition, 'success'), parse(r.failureCondition, 'fail')];
}

async function readObject(c: HttpKubeClient, t: Acted): Promise<Obj> {
  try {
    return await c.request<Obj>({ method: 'GET', path: objectPath(t.resource, t.namespace, t.name) });
  } catch (e) {
    if (isNotFound(e))
      throw new Error(
        `The resource has been deleted while its status was still being checked. Will not be retried: ${(e as Error).message}`,
      );
    throw e;
  }
}

/** Resolves when the object changes (watch event) or, without watch rights, after {@link POLL_MS}. */
async function nextChange(c: HttpKubeClient, t: Acted, rv: string, signal: AbortSignal): Promise<void> {
  const ac = new AbortController();
  const stop = () => ac.abort();
  signal.addEventListener('abort', stop, { once: true });
  try {
    await c.watch(
      objectPath(t.resource, t.namespace),
      { fieldSelector: `metadata.name=${t.name}`, resourceVersion: rv, timeoutSeconds: 60 },
      (type) => {
        if (type !== 'BOOKMARK') ac.abort();
      },
      ac.signal,
    );
  } catch (e) {
    if (ac.signal.aborted) return;
    if (!isKubeApiError(e) || e.statusCode !== 403) throw e;
    await new Promise((r) => setTimeout(r, POLL_MS));
  } finally {
    signal.removeEventListener('abort', stop);
  }
}

/** Argo's `WaitResource`: until the failure condition matches (error) or every success requirement does. */
async function waitResource(c: HttpKubeClient, t: Acted, conds: [Requirement[], Requirement[]], signal: AbortSignal) {
  const [success, failure] = conds;
  if (success.length === 0 && failure.length === 0) return;
  while (!signal.aborted) {
    const obj = await readObject(c, t);
    const s = conditionState(obj, success, failure);
    if (s.state === 'failed') throw new Error(s.message);
    if (s.state === 'succeeded') return;
    const rv = String((obj.metadata as Obj | undefined)?.resourceVersion ?? '');
    await nextChange(c, t, rv, signal);
  }
  throw new Error('stopped while waiting for the resource');
}

/** Argo's `SaveResourceParameters`. */
async function resourceParameters(
  c: HttpKubeClient,
  t: Acted | undefined,
  params: OutputParam[],
): Promise<OutputParam[]> {
  const out: OutputParam[] = [];
  for (const p of params) {
    const v = p.valueFrom;
    if (!v) out.push(p);
    else if (!t) out.push({ ...p, value: v.default ?? '' });
    else if (!v.jsonPath && !v.jqFilter) out.push(p);
    else {
      const obj = await readObject(c, t);
      out.push({ ...p, value: v.jsonPath ? evalJsonPath(v.jsonPath, obj) : await jqFilter(obj, v.jqFilter!) });
    }
  }
  return out;
}

/**
 * `manifestFrom.artifact`: the manifest is the input artifact init downloaded to its path (Argo's
 * `argoexec resource` reads that file). The controller never saw it, so the rules it applies to inline
 * manifests (own namespace, namespaced kinds) are applied here, and `setOwnerReference` is added here.
 */
function fromArtifact(req: StartRequest, template: ResourceTemplateDoc, at: (p: string) => string): ResourceSpec {
  const r = template.resource ?? {};
  const name = manifestArtifact(r);
  if (name === undefined) return r;
  const art = (template.inputs?.artifacts ?? []).find((a) => a.name === name);
  if (!art?.path) throw new Error(`artifact ${name} in \`manifestFrom\` refer to a non-exist artifact`);
  const manifest = readFileSync(at(art.path), 'utf8');
  const ns = String(req.pod.metadata.namespace);
  const wf = req.env.ARGO_WORKFLOW_NAME ?? '';
  const place = { cluster: '', namespace: ns, workflowCluster: '', workflowNamespace: ns, workflowName: wf };
  const t = { name: 'manifest', resource: { ...r, manifestFrom: undefined, manifest } };
  const problem = resourcePlacementProblem(t, place);
  if (problem) throw new Error(problem.replace("resource template 'manifest'", `manifest from artifact ${name}`));
  const owned = withOwnerReference(t, { ...place, workflowUid: req.env.ARGO_WORKFLOW_UID ?? '' });
  return owned.resource as ResourceSpec;
}

async function execute(req: StartRequest, c: HttpKubeClient, log: (l: string) => void, signal: AbortSignal) {
  const ns = String(req.pod.metadata.namespace);
  const at = (p: string) =>
    hostPathIn(mountsOf(req.pod, req.container, req.podDir), p, join(req.podDir, 'rootfs', 'main'));
  const template = readTemplate(req, at('/var/run/argo')) as ResourceTemplateDoc;
  const r = { ...(template.resource ?? {}), ...fromArtifact(req, template, at) };
  const params = template.outputs?.parameters ?? [];
  if (r.action === 'delete' && (r.successCondition || r.failureCondition || params.length > 0))
    throw new Error('successCondition, failureCondition and outputs are not supported for delete action');
  const conds = parseConditions(r);
  let acted: Acted | undefined;
  try {
    acted = await runAction(c, ns, r);
  } catch (e) {
    throw new Error(`no more retries ${(e as Error).message}`);
  }
  if (r.action === 'delete') return;
  if (acted) log(`Resource: ${fullName(acted.resource, acted.name)} in namespace ${acted.namespace}`);
  if (acted) await waitResource(c, acted, conds, signal);
  if (params.length === 0) return;
  const parameters = await resourceParameters(c, acted, params);
  await upsert(c, ns, req.env.ARGO_NODE_ID ?? '', { metadata: newMeta(req, ns), outputs: { parameters } });
}

/** Runs the resource action as the executor's `main`. */
export async function runResource(
  req: StartRequest,
  signal: AbortSignal,
  log: (line: string, level?: string) => void,
): Promise<ContainerExit> {
  if (!req.api) return { exitCode: 64, message: 'no API server address for the pod (local kubelet without apiUrl)' };
  const ns = String(req.pod.metadata.namespace);
  const name = req.env.ARGO_NODE_ID ?? '';
  const c = client(req);
  const forever = <T>(fn: () => Promise<T>) => retrying(fn, 30, () => signal.aborted);
  let error: string | undefined;
  try {
    await forever(() => upsert(c, ns, name, { metadata: newMeta(req, ns) }));
    await execute(req, c, log, signal);
  } catch (e) {
    error = (e as Error).message;
    log(error, 'error');
  }
  try {
    const meta = newMeta(req, ns);
    const labels = { ...(meta.labels as object), [LABEL_COMPLETED]: 'true' };
    await forever(() => upsert(c, ns, name, { metadata: { ...meta, labels } }));
  } catch (e) {
    error ??= `failed to finalize outputs: ${(e as Error).message}`;
  } finally {
    c.close();
  }
  return error === undefined ? { exitCode: 0 } : { exitCode: 64, message: error };
}
