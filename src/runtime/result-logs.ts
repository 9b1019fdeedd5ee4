/**
 * `outputs.result` transport (docs/adr/0005-outputs-transport.md): the `main` container's log, read
 * through the pods/log API of whichever cluster the pod ran in, for the pods the engine names
 * (engine/logs-wanted.ts). Keeps the last 256 KiB, as Argo does.
 */
import type { ObservedPod } from '../engine/contract.ts';
import type { Workflow } from '../engine/types.ts';
// Not '../engine/index.ts': that re-exports the workflow parser, whose static `yaml` import would be
// initialised in every Lambda cold start.
import { wantsMainLog } from '../engine/logs-wanted.ts';
import type { ClusterRegistry, KubeClient } from '../ports/kube.ts';
import { isKubeApiError, isNotFound } from '../adapters/kube/errors.ts';
import { clientForPlace } from './observe.ts';
import { podLogPath } from '../adapters/kube/resources.ts';

/** Argo keeps the last 256 KiB of stdout as `outputs.result`. */
export const RESULT_LIMIT_BYTES = 256 * 1024;
/** Log reads in flight per reconcile (a wide fan-out finishing at once must not open 1000 streams). */
const LOG_READS_AT_ONCE = 16;

/**
 * The tail of a container log: one bounded read answers every log up to the limit; a longer log is
 * streamed once and only its last `limit` bytes are kept.
 */
export async function readLogTail(
  client: KubeClient,
  namespace: string,
  pod: string,
  limit = RESULT_LIMIT_BYTES,
): Promise<string> {
  const path = podLogPath(namespace, pod);
  const head = await client.request<string>({
    method: 'GET',
    path,
    query: { container: 'main', limitBytes: limit + 1 },
  });
  const text = typeof head === 'string' ? head : '';
  if (Buffer.byteLength(text) <= limit) return text;
  let tail = Buffer.alloc(0);
  await client.stream({ method: 'GET', path, query: { container: 'main' } }, (chunk) => {
    const next = Buffer.concat([tail, Buffer.from(chunk)]);
    tail = next.length > limit ? next.subarray(next.length - limit) : next;
  });
  return tail.toString('utf8');
}

/**
 * Returns the pods with `mainLog` set where the engine wants it. A pod already gone (deleted between
 * the list and the read) or whose container never started is left without a log: the engine then
 * records no result for it.
 */
export async function withMainLogs(
  registry: ClusterRegistry,
  wf: Workflow,
  pods: ObservedPod[],
  templates: Record<string, Workflow> | undefined,
  parallelism = LOG_READS_AT_ONCE,
): Promise<ObservedPod[]> {
  const out = [...pods];
  const todo = pods.flatMap((observed, i) => (wantsMainLog(wf, observed, templates) ? [i] : []));
  let next = 0;
  const worker = async () => {
    // An index, not todo.shift(): shifting a long array is quadratic (runtime/apply.ts).
    for (let i = todo[next++]; i !== undefined; i = todo[next++]) {
      const observed = pods[i] as ObservedPod;
      const client = await clientForPlace(registry, observed);
      try {
        const mainLog = await readLogTail(client, observed.namespace, observed.pod.metadata.name ?? '');
        out[i] = { ...observed, mainLog };
      } catch (e) {
        // Gone, or a container that never started (400 "waiting to start"): there is no output to read.
        if (!isNotFound(e) && !(isKubeApiError(e) && e.statusCode === 400)) throw e;
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(parallelism, todo.length) }, worker));
  return out;
}
