/**
 * The CronWorkflow evaluator (docs/adr/0014-cron-scheduling.md): run every minute by the `cron` function
 * in AWS and by the dev stack's timer locally. For every CronWorkflow it lists the workflows it owns, asks the
 * pure `decideCron`, then terminates (Replace), creates the due run under its deterministic name
 * (`<cron>-<unix seconds>`: a second evaluation for the same time gets AlreadyExists and creates
 * nothing), deletes runs beyond the history limits, and writes the status with the object's
 * resourceVersion as precondition (a concurrent evaluation loses with 409 and changes nothing).
 */
import type { Workflow } from '../engine/types.ts';
import type { Logger } from '../logger.ts';
import type { KubeClient } from '../ports/kube.ts';
import {
  createWorkflow,
  deleteWorkflow,
  getWorkflow,
  listAll,
  patchWorkflow,
  workflowsPath,
} from '../adapters/kube/resources.ts';
import { isAlreadyExists, isConflict, isNotFound } from '../adapters/kube/errors.ts';
import {
  decideCron,
  LABEL_CRON_WORKFLOW,
  statusWithRun,
  statusWithSubmitError,
  type CronDecision,
  type CronStatus,
  type CronWorkflow,
} from '../engine/cron/decide-cron.ts';

/** What the evaluator needs. */
export interface CronDeps {
  mainClient: () => KubeClient;
  logger: Logger;
  /** Only this namespace's CronWorkflows (a namespaced install); all when unset. */
  managedNamespace?: string;
  /** The clock (injected: the local stack's tests use a fake one). */
  now: () => Date;
  /** How late an on-time run may start: at least the evaluation period. */
  graceSeconds: number;
}

/** What one evaluation did. */
export interface CronResult {
  evaluated: number;
  created: string[];
}

function cronPath(namespace: string, name?: string): string {
  const base = namespace
    ? `/apis/argoproj.io/v1alpha1/namespaces/${encodeURIComponent(namespace)}/cronworkflows`
    : '/apis/argoproj.io/v1alpha1/cronworkflows';
  return name ? `${base}/${encodeURIComponent(name)}` : base;
}

/** Creates the run; the existing one when this scheduled time already has it. */
async function createRun(client: KubeClient, wf: Workflow): Promise<Workflow> {
  const ns = wf.metadata.namespace ?? '';
  try {
    return await createWorkflow<Workflow>(client, ns, wf);
  } catch (e) {
    if (!isAlreadyExists(e)) throw e;
    return getWorkflow<Workflow>(client, ns, wf.metadata.name ?? '');
  }
}

async function terminate(client: KubeClient, ns: string, names: string[], logger: Logger): Promise<void> {
  for (const name of names) {
    try {
      await patchWorkflow(client, ns, name, { spec: { shutdown: 'Terminate' } });
    } catch (e) {
      if (!isNotFound(e)) throw e;
      logger.warn('cron: workflow to replace is gone', { name });
    }
  }
}

async function writeStatus(
  client: KubeClient,
  cron: CronWorkflow,
  status: CronStatus,
  labels: Record<string, string>,
): Promise<void> {
  const metadata: Record<string, unknown> = {
    resourceVersion: (cron.metadata as { resourceVersion?: string }).resourceVersion,
  };
  if (Object.keys(labels).length > 0) metadata.labels = labels;
  await client.request({
    method: 'PATCH',
    path: cronPath(cron.metadata.namespace ?? '', cron.metadata.name),
    body: { metadata, status },
    contentType: 'application/merge-patch+json',
  });
}

async function apply(deps: CronDeps, cron: CronWorkflow, d: CronDecision): Promise<string | undefined> {
  const client = deps.mainClient();
  const ns = cron.metadata.namespace ?? '';
  let status = d.status;
  let created: string | undefined;
  await terminate(client, ns, d.terminate, deps.logger);
  if (d.create) {
    try {
      const wf = await createRun(client, d.create);
      status = statusWithRun(d, wf);
      created = wf.metadata.name;
    } catch (e) {
      status = statusWithSubmitError(d, (e as Error).message);
      deps.logger.warn('cron: submit failed', { cron: cron.metadata.name, error: e });
    }
  }
  for (const name of d.delete)
    await deleteWorkflow(client, ns, name).catch((e: unknown) => (isNotFound(e) ? undefined : Promise.reject(e)));
  await writeStatus(client, cron, status, d.labels);
  return created;
}

/** Evaluates one CronWorkflow; returns the name of the run it created (or found), if any. */
export async function evaluateCron(deps: CronDeps, cron: CronWorkflow): Promise<string | undefined> {
  const client = deps.mainClient();
  const ns = cron.metadata.namespace ?? '';
  const owned = await listAll<Workflow>(
    client,
    workflowsPath(ns),
    `${LABEL_CRON_WORKFLOW}=${cron.metadata.name ?? ''}`,
  );
  const d = decideCron(cron, owned.items, deps.now().getTime(), deps.graceSeconds);
  for (const r of d.reasons) deps.logger.info('cron', { cron: `${ns}/${cron.metadata.name}`, reason: r });
  try {
    return await apply(deps, cron, d);
  } catch (e) {
    // Another evaluation wrote first: it saw the same inputs, and the run (if any) exists by name.
    if (isConflict(e)) return undefined;
    throw e;
  }
}

/** Builds the evaluator: every CronWorkflow, one by one (a failure of one does not stop the others). */
export function makeCronHandler(deps: CronDeps): () => Promise<CronResult> {
  return async () => {
    const list = await listAll<CronWorkflow>(deps.mainClient(), cronPath(deps.managedNamespace ?? ''), '');
    const created: string[] = [];
    for (const cron of list.items) {
      try {
        const name = await evaluateCron(deps, cron);
        if (name) created.push(name);
      } catch (error) {
        deps.logger.warn('cron: evaluation failed', {
          cron: `${cron.metadata.namespace}/${cron.metadata.name}`,
          error,
        });
      }
    }
    deps.logger.info('cron evaluated', { cronWorkflows: list.items.length, created: created.length });
    return { evaluated: list.items.length, created };
  };
}
