/**
 * Stand-in for `argoexec agent init|main` (Argo's workflow/executor/agent.go): watches the task set
 * named after the workflow in the pod's namespace with the pod's ServiceAccount token, makes each HTTP
 * task's request once (secret headers read with that token, so the workflow's RBAC decides), and
 * merge-patches each outcome into the task set's status. It stops when the task set is deleted or
 * labelled completed. Secret values and request bodies never reach the log.
 */
import type { HttpKubeClient } from '../../../adapters/kube/http-client.ts';
import { isNotFound, isTransient } from '../../../adapters/kube/errors.ts';
import type { ContainerExit, StartRequest } from '../runtime.ts';
import { client } from './wait.ts';
import { runHttpTask, type HttpTemplate, type NodeResult } from './http-request.ts';

const LABEL_COMPLETED = 'workflows.argoproj.io/completed';

interface TaskSet {
  metadata?: { resourceVersion?: string; labels?: Record<string, string> };
  spec?: { tasks?: Record<string, { http?: HttpTemplate }> };
}

type Log = (line: string, level?: string) => void;

function setPath(ns: string, name = ''): string {
  return `/apis/argoproj.io/v1alpha1/namespaces/${ns}/workflowtasksets${name ? `/${encodeURIComponent(name)}` : ''}`;
}

/** Reports one result (Argo's patchWorker: transient failures retried, others become the node's Error). */
async function report(c: HttpKubeClient, ns: string, name: string, id: string, result: NodeResult): Promise<void> {
  const patch = (r: NodeResult) =>
    c.request({
      method: 'PATCH',
      path: `${setPath(ns, name)}/status`,
      contentType: 'application/merge-patch+json',
      body: { status: { nodes: { [id]: r } } },
    });
  for (let attempt = 1, delay = 1000; ; attempt++, delay = Math.min(delay * 2, 30_000)) {
    try {
      await patch(result);
      return;
    } catch (e) {
      if (isNotFound(e)) return;
      if (!isTransient(e)) {
        const message = `HTTP request completed successfully but an error occurred when patching its result: ${(e as Error).message}`;
        await patch({ phase: 'Error', message }).catch(() => undefined);
        return;
      }
      if (attempt >= 5) throw e;
      await new Promise((r) => setTimeout(r, delay));
    }
  }
}

/** The agent's loop over one task set. */
class Agent {
  private readonly considered = new Set<string>();
  private readonly running = new Set<Promise<void>>();

  constructor(
    private readonly c: HttpKubeClient,
    private readonly ns: string,
    private readonly name: string,
    private readonly log: Log,
  ) {}

  /** Takes the tasks not seen yet; true when the agent should stop. */
  take(ts: TaskSet | undefined): boolean {
    if (!ts) return false;
    if (ts.metadata?.labels?.[LABEL_COMPLETED] === 'true') return true;
    for (const [id, tmpl] of Object.entries(ts.spec?.tasks ?? {})) {
      if (this.considered.has(id)) continue;
      this.considered.add(id);
      const job = this.run(id, tmpl).finally(() => this.running.delete(job));
      this.running.add(job);
    }
    return false;
  }

  private async run(id: string, tmpl: { http?: HttpTemplate }): Promise<void> {
    this.log(`Processing task nodeID=${id}`);
    let result: NodeResult;
    if (!tmpl.http)
      result = { phase: 'Error', message: 'error processing task: agent cannot execute: unknown task type' };
    else result = await runHttpTask(this.c, this.ns, tmpl.http);
    this.log(`Sending result nodeID=${id} phase=${result.phase}`);
    await report(this.c, this.ns, this.name, id, result).catch((e: unknown) =>
      this.log(`TaskSet Patch Failed: ${(e as Error).message}`, 'error'),
    );
  }

  async drain(): Promise<void> {
    while (this.running.size > 0) await Promise.all([...this.running]);
  }
}

/** The task set and the list's resourceVersion; a list, as Argo's agent may only list and watch them. */
async function readSet(c: HttpKubeClient, ns: string, name: string): Promise<{ set?: TaskSet; rv: string }> {
  const list = await c.request<{ metadata?: { resourceVersion?: string }; items?: TaskSet[] }>({
    method: 'GET',
    path: setPath(ns),
    query: { fieldSelector: `metadata.name=${name}` },
  });
  return { set: list.items?.[0], rv: list.metadata?.resourceVersion ?? '' };
}

/** Watches from `rv` until an event says stop (true), the set is deleted (true), or the watch ends. */
async function watchOnce(agent: Agent, c: HttpKubeClient, ns: string, name: string, rv: string, signal: AbortSignal) {
  let stop = false;
  const ac = new AbortController();
  const abort = () => ac.abort();
  signal.addEventListener('abort', abort, { once: true });
  try {
    await c.watch(
      setPath(ns),
      { fieldSelector: `metadata.name=${name}`, resourceVersion: rv, timeoutSeconds: 60 },
      (type, obj) => {
        if (type === 'BOOKMARK' || type === 'ERROR') return;
        if (type === 'DELETED' || agent.take(obj as TaskSet)) {
          stop = true;
          ac.abort();
        }
      },
      ac.signal,
    );
  } catch (e) {
    if (!ac.signal.aborted) throw e;
  } finally {
    signal.removeEventListener('abort', abort);
  }
  return stop;
}

/** `argoexec agent main`: runs until the task set is deleted or completed, or the pod is stopped. */
async function agentMain(req: StartRequest, signal: AbortSignal, log: Log): Promise<ContainerExit> {
  const c = client(req);
  const ns = String(req.pod.metadata?.namespace ?? '');
  const name = req.env.ARGO_WORKFLOW_NAME ?? '';
  const agent = new Agent(c, ns, name, log);
  log(`Starting Agent workflow=${name}`);
  let seen = false;
  while (!signal.aborted) {
    const { set, rv } = await readSet(c, ns, name);
    if (!set && seen) break;
    seen ||= set !== undefined;
    if (agent.take(set)) break;
    if (await watchOnce(agent, c, ns, name, rv, signal)) break;
  }
  await agent.drain();
  log('Workflow completed... stopping agent');
  return { exitCode: 0 };
}

/** Starts `argoexec agent <init|main>`; init has nothing to do without executor plugins. */
export function runAgent(sub: string | undefined, req: StartRequest, signal: AbortSignal, log: Log) {
  if (sub === 'init') return Promise.resolve<ContainerExit>({ exitCode: 0 });
  if (sub === 'main') return agentMain(req, signal, log);
  return Promise.resolve<ContainerExit>({ exitCode: 64, message: `argoexec agent ${sub ?? ''}: unknown command` });
}
