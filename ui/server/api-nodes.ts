/**
 * One node of a workflow: its pod (from whichever cluster it ran in, through the same clients
 * `argosy logs` uses), the pod's events there, and its logs streamed as server-sent events with a
 * choice of container (`main`, `init`, `wait`).
 */
import { eventsPath, getPod, podLogPath, readPodLog } from '../../src/adapters/kube/resources.ts';
import { isNotFound } from '../../src/adapters/kube/errors.ts';
import { podRefs, type PodRef } from '../../src/cli/commands/logs.ts';
import { redact } from '../../src/logger.ts';
import type { KubeClient } from '../../src/ports/kube.ts';
import { readWorkflow, type UiBackend } from './backend.ts';
import { UiHttpError, startEvents, type Route } from './http.ts';

const CONTAINERS = new Set(['main', 'init', 'wait']);

async function podRefOf(b: UiBackend, ns: string, name: string, node: string): Promise<PodRef> {
  const wf = await readWorkflow(b, ns, name);
  const ref = podRefs(wf, b.target.mainCluster, node)[0];
  if (!ref) throw new UiHttpError(404, `node "${node}" of ${name} runs no pod`);
  return ref;
}

interface PodView {
  name: string;
  cluster: string;
  namespace: string;
  phase?: string;
  nodeName?: string;
  startTime?: string;
  containers: string[];
  containerStatuses: unknown[];
  conditions: unknown[];
  message?: string;
}

/** What the panel shows of a pod: names and states, never the spec's environment or volumes. */
function podView(ref: PodRef, pod: Record<string, unknown> | undefined): PodView {
  const spec = (pod?.spec ?? {}) as {
    nodeName?: string;
    containers?: { name: string }[];
    initContainers?: { name: string }[];
  };
  const status = (pod?.status ?? {}) as Record<string, unknown>;
  return {
    name: ref.pod,
    cluster: ref.cluster,
    namespace: ref.namespace,
    phase: status.phase as string | undefined,
    nodeName: spec.nodeName,
    startTime: status.startTime as string | undefined,
    containers: [...(spec.initContainers ?? []), ...(spec.containers ?? [])].map((c) => c.name),
    containerStatuses: [
      ...((status.initContainerStatuses as unknown[]) ?? []),
      ...((status.containerStatuses as unknown[]) ?? []),
    ],
    conditions: (status.conditions as unknown[]) ?? [],
    message: status.message as string | undefined,
  };
}

async function podEvents(kube: KubeClient, ref: PodRef): Promise<unknown[]> {
  const list = await kube.request<{ items?: { involvedObject?: { name?: string } }[] }>({
    method: 'GET',
    path: eventsPath(ref.namespace),
    query: { fieldSelector: `involvedObject.name=${ref.pod}` },
  });
  return (list.items ?? []).filter((e) => e.involvedObject?.name === ref.pod);
}

async function nodeDetails(b: UiBackend, ns: string, name: string, node: string): Promise<unknown> {
  const ref = await podRefOf(b, ns, name, node);
  const kube = await b.target.clientFor(ref.cluster, ref.namespace);
  let pod: Record<string, unknown> | undefined;
  let problem: string | undefined;
  try {
    pod = await getPod<Record<string, unknown>>(kube, ref.namespace, ref.pod);
  } catch (e) {
    if (!isNotFound(e)) throw e;
    problem = `pod ${ref.pod} not found in ${ref.cluster}/${ref.namespace} (deleted or garbage-collected)`;
  }
  const events = await podEvents(kube, ref).catch((e: unknown) => [{ message: `events: ${(e as Error).message}` }]);
  return { pod: podView(ref, pod), events, problem };
}

const isDone = (phase: string | undefined) => !!phase && !['Pending', 'Running'].includes(phase);

export function nodeRoutes(b: UiBackend): Route[] {
  return [
    {
      method: 'GET',
      pattern: '/api/workflows/:namespace/:name/nodes/:node',
      handler: ({ params }) => nodeDetails(b, params.namespace!, params.name!, params.node!),
    },
    {
      method: 'GET',
      pattern: '/api/workflows/:namespace/:name/nodes/:node/logs',
      handler: async ({ params, url, res, signal }) => {
        const container = url.searchParams.get('container') || 'main';
        if (!CONTAINERS.has(container))
          throw new UiHttpError(400, `container must be main, init or wait, not "${container}"`);
        const ref = await podRefOf(b, params.namespace!, params.name!, params.node!);
        const kube = await b.target.clientFor(ref.cluster, ref.namespace);
        const send = startEvents(res);
        send('meta', { pod: ref.pod, cluster: ref.cluster, namespace: ref.namespace, container });
        try {
          if (isDone(ref.node.phase)) {
            send('log', await readPodLog(kube, ref.namespace, ref.pod, { container }));
          } else {
            const path = podLogPath(ref.namespace, ref.pod);
            await kube.stream(
              { method: 'GET', path, query: { container, follow: true } },
              (t) => send('log', t),
              signal,
            );
          }
          send('end', {});
        } catch (e) {
          if (!signal.aborted) send('failure', { message: String(redact((e as Error).message)) });
        }
        res.end();
      },
    },
  ];
}
