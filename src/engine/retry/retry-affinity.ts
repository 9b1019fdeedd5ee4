/**
 * `retryStrategy.affinity.nodeAntiAffinity` (Argo's RetryOnDifferentHost, workflow/controller/
 * retry_tweak.go and workflow/util/retry/retry.go): a retried pod must not land on a host where an
 * earlier attempt under the same Retry node failed or errored. The hosts (`hostNodeName` of Failed/Error
 * Pod nodes below the Retry node) go into a required node affinity `kubernetes.io/hostname NotIn`,
 * merged into the pod's own affinity as Argo merges it.
 */
import type { ExecContext } from '../context.ts';
import { getNode } from '../context.ts';
import type { NodeStatus, RetryStrategy } from '../types.ts';
import { nodeTemplate } from '../template.ts';

/** Argo's default RETRY_HOST_NAME_LABEL_KEY. */
export const HOST_LABEL = 'kubernetes.io/hostname';

interface Requirement {
  key: string;
  operator: string;
  values?: string[];
}
interface Term {
  matchExpressions?: Requirement[];
  [k: string]: unknown;
}
interface Affinity {
  nodeAffinity?: {
    requiredDuringSchedulingIgnoredDuringExecution?: { nodeSelectorTerms?: Term[] };
    [k: string]: unknown;
  };
  [k: string]: unknown;
}

/** The Retry node directly above `id` (attempts are named `<retry>(n)`). */
function retryParent(ctx: ExecContext, id: string | undefined): NodeStatus | undefined {
  const node = id ? ctx.nodes[id] : undefined;
  const m = node ? /^(.*)\(\d+\)$/.exec(node.name) : null;
  const parent = m ? getNode(ctx, m[1] as string) : undefined;
  return parent?.type === 'Retry' && parent.children?.includes(node?.id ?? '') ? parent : undefined;
}

function strategyOf(ctx: ExecContext, retry: NodeStatus): RetryStrategy | undefined {
  const t = nodeTemplate(ctx, retry);
  return t?.retryStrategy ?? (ctx.wf.spec.retryStrategy as RetryStrategy | undefined);
}

/** Argo's GetFailHosts: depth-first from the Retry node, duplicates dropped. */
export function failedHosts(nodes: Record<string, NodeStatus>, retryId: string): string[] {
  const stack = [retryId];
  const hosts: string[] = [];
  while (stack.length > 0) {
    const x = nodes[stack.pop() as string];
    if (!x) continue;
    if ((x.phase === 'Failed' || x.phase === 'Error') && x.type === 'Pod') hosts.push(x.hostNodeName ?? '');
    for (const c of x.children ?? []) if (nodes[c]) stack.push(c);
  }
  return [...new Set(hosts)];
}

/** Argo's AddHostnamesToAffinity. */
export function addHostsToAffinity(hosts: string[], target: Affinity | undefined): Affinity | undefined {
  if (hosts.length === 0) return target;
  const req: Requirement = { key: HOST_LABEL, operator: 'NotIn', values: hosts };
  const required = { nodeSelectorTerms: [{ matchExpressions: [req] }] };
  if (!target) return { nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: required } };
  if (!target.nodeAffinity)
    return { ...target, nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: required } };
  const exec = target.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution;
  const terms = exec?.nodeSelectorTerms ?? [];
  const withTerms = (t: Term[]): Affinity => ({
    ...target,
    nodeAffinity: {
      ...target.nodeAffinity,
      requiredDuringSchedulingIgnoredDuringExecution: { ...exec, nodeSelectorTerms: t },
    },
  });
  if (terms.length === 0) return withTerms(required.nodeSelectorTerms);
  const out = terms.map((t) => ({ ...t, matchExpressions: [...(t.matchExpressions ?? [])] }));
  for (const term of out) {
    const exprs = term.matchExpressions as Requirement[];
    if (exprs.length === 0) {
      exprs.push(req);
      return withTerms(out);
    }
    const i = exprs.findIndex((e) => e.key === HOST_LABEL && e.operator === 'NotIn');
    if (i >= 0) {
      const e = exprs[i] as Requirement;
      exprs[i] = { ...e, values: [...new Set([...(e.values ?? []), ...hosts])] };
      return withTerms(out);
    }
  }
  (out[0] as Term).matchExpressions?.push(req);
  return withTerms(out);
}

/**
 * The pod affinity for a pod of `node`: its own, plus the failed hosts of its Retry node (the node's
 * parent, or its boundary's) when that node's strategy asks for nodeAntiAffinity.
 */
export function retryAffinity(ctx: ExecContext, node: NodeStatus, own: unknown): unknown {
  const retry = retryParent(ctx, node.id) ?? retryParent(ctx, node.boundaryID);
  if (!retry) return own;
  const affinity = strategyOf(ctx, retry)?.affinity as { nodeAntiAffinity?: unknown } | undefined;
  if (!affinity?.nodeAntiAffinity) return own;
  return addHostsToAffinity(failedHosts(ctx.nodes, retry.id), own as Affinity | undefined);
}
