/**
 * `resourcesDuration`, as Argo computes it (`util/resource/duration.go`, `summary.go`, `updater.go` in
 * Argo's repository): a finished pod's node gets, per resource, the seconds each container ran times
 * what it requested, in units of 1 (CPU, GPUs, ...), 100Mi (memory) or 10Gi (storage). A container
 * that requests nothing counts as 100m CPU and 100Mi memory; requests win over limits (Kubernetes
 * defaults requests to limits); pod-level resources count once, for the first container without its
 * own. Every other node, once fulfilled, sums the pods reachable through its children (each once), and
 * the workflow sums all pod nodes.
 */
import type { KubePod } from './contract.ts';
import type { NodeStatus } from './types.ts';
import { isFulfilled } from './context.ts';
import { milliValue, parseQuantity } from './quantity.ts';

/** Resource name → resource-seconds, as `status.resourcesDuration`. */
export type ResourcesDuration = Record<string, number>;

type ResourceList = Record<string, unknown>;
interface Resources {
  limits?: ResourceList;
  requests?: ResourceList;
}
interface Container {
  name: string;
  resources?: Resources;
}

const DEFAULTS: ResourceList = { cpu: '100m', memory: '100Mi' };
// argo ResourceQuantityDenominator, in thousandths.
const DENOMINATOR_MILLI: Record<string, bigint> = {
  memory: 100n * 1024n * 1024n * 1000n,
  storage: 10n * 1024n ** 3n * 1000n,
  'ephemeral-storage': 10n * 1024n ** 3n * 1000n,
};

const isEmpty = (r: Resources | undefined): boolean =>
  Object.keys(r?.limits ?? {}).length + Object.keys(r?.requests ?? {}).length === 0;

/** Each container's resource list: defaults, the pod-level budget once, then its limits and requests. */
function resourceLists(pod: KubePod): Map<string, ResourceList> {
  const spec = pod.spec as { initContainers?: Container[]; containers: Container[]; resources?: Resources };
  const lists = new Map<string, ResourceList>();
  let podLevelUsed = false;
  for (const c of [...(spec.initContainers ?? []), ...spec.containers]) {
    let list: ResourceList = { ...DEFAULTS };
    if (spec.resources && !podLevelUsed && isEmpty(c.resources)) {
      list = { ...list, ...spec.resources.limits, ...spec.resources.requests };
      podLevelUsed = true;
    }
    lists.set(c.name, { ...list, ...c.resources?.limits, ...c.resources?.requests });
  }
  return lists;
}

/** Whole seconds a terminated container ran (Go's `Duration.Seconds()` truncated); 0 otherwise. */
function secondsRan(terminated: { startedAt?: string; finishedAt?: string } | undefined): bigint {
  const start = Date.parse(terminated?.startedAt ?? '');
  const end = Date.parse(terminated?.finishedAt ?? '');
  if (Number.isNaN(start) || Number.isNaN(end)) return 0n;
  return BigInt(Math.trunc((end - start) / 1000));
}

/** argo `DurationForPod`: the pod's resource-seconds per resource. */
export function durationForPod(pod: KubePod): ResourcesDuration {
  const lists = resourceLists(pod);
  const ran = new Map<string, bigint>();
  for (const cs of [...(pod.status?.initContainerStatuses ?? []), ...(pod.status?.containerStatuses ?? [])])
    ran.set(cs.name, secondsRan(cs.state?.terminated));
  const out: ResourcesDuration = {};
  for (const [name, list] of lists) {
    const age = ran.get(name) ?? 0n;
    for (const [resource, raw] of Object.entries(list)) {
      const q = parseQuantity(raw);
      const milli = q ? milliValue(q) : 0n;
      const seconds = (milli * age) / (DENOMINATOR_MILLI[resource] ?? 1000n);
      out[resource] = (out[resource] ?? 0) + Number(seconds);
    }
  }
  return out;
}

function add(into: ResourcesDuration, more: ResourcesDuration | undefined): void {
  for (const [k, v] of Object.entries(more ?? {})) into[k] = (into[k] ?? 0) + v;
}

/** argo `resourceDuration`: the pods reachable through `node`'s children, each counted once. */
function reachableSum(nodes: Record<string, NodeStatus>, node: NodeStatus, visited: Set<string>): ResourcesDuration {
  const sum: ResourcesDuration = {};
  const stack = [...(node.children ?? [])].reverse();
  while (stack.length > 0) {
    const id = stack.pop() as string;
    if (visited.has(id)) continue;
    visited.add(id);
    const child = nodes[id];
    if (!child) continue;
    if (child.type === 'Pod') add(sum, child.resourcesDuration);
    for (let i = (child.children ?? []).length - 1; i >= 0; i--) stack.push(child.children![i]!);
  }
  return sum;
}

/** Same resources and values, in any key order (a status read back may order keys differently). */
function same(a: ResourcesDuration | undefined, b: ResourcesDuration | undefined): boolean {
  const ka = Object.keys(a ?? {});
  if (ka.length !== Object.keys(b ?? {}).length) return false;
  return ka.every((k) => a![k] === b?.[k]);
}

/**
 * argo `UpdateResourceDurations`: fulfilled non-pod nodes get the sum of their reachable pods (a new
 * node object where it changed); returns the workflow's total, the sum of every pod node (undefined
 * when there is nothing to count, as Go omits an empty map).
 */
export function updateResourcesDurations(nodes: Record<string, NodeStatus>): ResourcesDuration | undefined {
  const total: ResourcesDuration = {};
  for (const id in nodes) {
    const node = nodes[id] as NodeStatus;
    if (node.type === 'Pod') {
      add(total, node.resourcesDuration);
      continue;
    }
    if (!isFulfilled(node)) continue;
    const sum = reachableSum(nodes, node, new Set());
    if (same(node.resourcesDuration, sum)) continue;
    const next: NodeStatus = { ...node, resourcesDuration: sum };
    // Go omits an empty map.
    if (Object.keys(sum).length === 0) delete next.resourcesDuration;
    nodes[id] = next;
  }
  return Object.keys(total).length > 0 ? total : undefined;
}
