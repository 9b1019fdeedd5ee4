/**
 * What counts as a significant change. The watcher forwards only changes that can alter a decision;
 * everything else (status writes of our own, heartbeats, managedFields churn) is dropped here. Each
 * object is reduced to a small signature; a change is significant when the signature changed.
 *
 * Careful: the reconcile writes workflow status, and a watcher that forwarded those writes would nudge
 * the workflow into a loop. The workflow signature therefore looks only at what users change (spec),
 * deletion, and the completed label; never at status, resourceVersion or generation (a CRD without a
 * status subresource bumps generation on status writes too).
 */
import { createHash } from 'node:crypto';
import { decompressNodes } from '../adapters/kube/compressed-nodes.ts';
import { LABEL_COMPLETED } from '../engine/labels.ts';

type Obj = Record<string, unknown>;
type Meta = {
  name?: string;
  namespace?: string;
  uid?: string;
  resourceVersion?: string;
  deletionTimestamp?: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
};

export function metaOf(o: Obj): Meta {
  return (o.metadata ?? {}) as Meta;
}

type ContainerState = {
  name: string;
  ready?: boolean;
  state?: { waiting?: { reason?: string } } & Record<string, unknown>;
};

/**
 * Signature of a pod: phase, container states (with the reason a container waits: `ErrImagePull`, and
 * readiness: a daemon's node waits for every container to be ready), why it is not scheduled
 * (`Unschedulable`), deletion, node. Those reasons are what the node's message
 * shows while the pod is Pending (as Argo shows them), and what placement failover acts on.
 */
export function podSignature(pod: Obj): string {
  const spec = (pod.spec ?? {}) as { nodeName?: string };
  const status = (pod.status ?? {}) as {
    phase?: string;
    containerStatuses?: ContainerState[];
    initContainerStatuses?: ContainerState[];
    conditions?: { type?: string; status?: string; reason?: string }[];
  };
  const states = [...(status.initContainerStatuses ?? []), ...(status.containerStatuses ?? [])]
    .map(
      (c) => `${c.name}:${Object.keys(c.state ?? {}).join('')}${c.state?.waiting?.reason ?? ''}${c.ready ? '+' : ''}`,
    )
    .join(',');
  const scheduled = status.conditions?.find((c) => c.type === 'PodScheduled' && c.status === 'False')?.reason ?? '';
  const deleting = metaOf(pod).deletionTimestamp ? 'deleting' : '';
  return [status.phase ?? '', states, deleting, spec.nodeName ?? '', scheduled].join('|');
}

/** Signature of a fresh pod as we create it: Pending, no container states, not scheduled. */
export const FRESH_POD_SIGNATURE = podSignature({ status: { phase: 'Pending' } });

/**
 * Suspend nodes that are no longer waiting. A user's resume (`argosy resume`, `argo resume`) writes
 * only status; counting resolved suspend nodes makes it significant. When the reconcile itself ends a
 * suspend (duration elapsed) this costs one extra, write-free reconcile — never a loop. A large
 * workflow stores its nodes compressed: they are inflated first, or its resume would wait for the resync.
 */
function resolvedSuspends(wf: Obj): number {
  const status = (wf.status ?? {}) as { nodes?: Nodes; compressedNodes?: string };
  const nodes = (status.compressedNodes ? decompressNodes<Nodes>(status.compressedNodes) : status.nodes) ?? {};
  return countResolvedSuspends(nodes);
}

type Nodes = Record<string, { type?: string; phase?: string } | undefined>;

/** Suspend nodes no longer waiting (offloaded nodes are counted by offloaded.ts with the same rule). */
export function countResolvedSuspends(nodes: Nodes): number {
  let n = 0;
  for (const id in nodes) {
    const node = nodes[id];
    if (node?.type === 'Suspend' && node.phase !== 'Running' && node.phase !== 'Pending') n++;
  }
  return n;
}

/** Signature of a workflow: spec, deletion, completed label, resolved suspend nodes. */
export function workflowSignature(wf: Obj): string {
  const spec = createHash('sha1')
    .update(JSON.stringify(wf.spec ?? {}))
    .digest('hex');
  const meta = metaOf(wf);
  const completed = meta.labels?.[LABEL_COMPLETED] ?? '';
  // '' and 'false' are the same to the reconcile (the first phase write sets 'false').
  const suspends = resolvedSuspends(wf);
  return [
    spec,
    meta.deletionTimestamp ? 'deleting' : '',
    completed === 'true' ? 'done' : '',
    ...(suspends > 0 ? [`suspends:${suspends}`] : []),
  ].join('|');
}

/**
 * Whether a watch event is worth a nudge, as a reason string (`undefined` = drop).
 * `previous` is the signature last seen for this object (undefined = never seen).
 */
export function significantChange(
  kind: 'pod' | 'workflow',
  type: 'ADDED' | 'MODIFIED' | 'DELETED',
  signature: string,
  previous: string | undefined,
): string | undefined {
  if (type === 'DELETED') return kind === 'pod' ? 'pod deleted' : undefined;
  if (previous === undefined) {
    // A completed workflow seen for the first time (watcher start, re-list) needs nothing, unless it
    // is being deleted (its remote pods may still need cleaning up).
    if (kind === 'workflow') {
      const [, deleting, done] = signature.split('|');
      return done === 'done' && deleting === '' ? undefined : 'workflow added';
    }
    return signature === FRESH_POD_SIGNATURE ? undefined : 'pod seen';
  }
  if (previous === signature) return undefined;
  return `${kind} changed`;
}
