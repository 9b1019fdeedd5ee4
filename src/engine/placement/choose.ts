/**
 * Chooses a step's cluster among its `placement` candidates from observed facts only (registered
 * clusters and labels, Pending pods per place, the policy check, the node's history), so the choice
 * is deterministic. See docs/adr/0013-cluster-choice.md.
 */
import type { ExecContext } from '../context.ts';
import { idOf } from '../context.ts';
import { attemptsOf } from '../retry/process-retry.ts';
import { matchesSelector } from '../pod-gc.ts';
import type { NodeStatus } from '../types.ts';
import type { TemplatePlacement } from './spec.ts';

/** The result: a cluster, or why none (`final`: no candidate can become usable by waiting). */
export type Choice = { cluster: string } | { cluster?: undefined; message: string; final: boolean };

/** Where the step's pods run apart from the cluster: its namespace and service account. */
export interface ChoicePlace {
  namespace: string;
  serviceAccountName?: string;
}

/** The candidates as written (`clusters`) or the registered clusters matching the selector, by name. */
export function candidatesOf(ctx: Pick<ExecContext, 'clusterLabels'>, p: TemplatePlacement): string[] {
  if (p.clusters) return [...new Set(p.clusters)];
  const labels = ctx.clusterLabels ?? new Map<string, Record<string, string>>();
  return [...labels.entries()]
    .filter(([, l]) => matchesSelector(l, p.clusterSelector))
    .map(([name]) => name)
    .sort();
}

/** Chooses a cluster for a node (`tried`: clusters it or earlier attempts must avoid). */
export function chooseCluster(ctx: ExecContext, p: TemplatePlacement, place: ChoicePlace, tried: string[]): Choice {
  const candidates = candidatesOf(ctx, p);
  if (candidates.length === 0) {
    const what = p.clusters ? 'placement.clusters is empty' : 'no registered cluster matches placement.clusterSelector';
    return { message: `no candidate cluster: ${what} (see argosy cluster list)`, final: true };
  }
  const refusals: string[] = [];
  let waiting = false;
  const usable = candidates.filter((cluster) => {
    const why = unusable(ctx, cluster, place, tried);
    if (why === undefined) return true;
    refusals.push(`${cluster}: ${why.message}`);
    waiting ||= !why.final;
    return false;
  });
  const chosen = pick(ctx, p, usable, place.namespace);
  if (chosen !== undefined) return { cluster: chosen };
  return { message: `no candidate cluster can run this step: ${refusals.join('; ')}`, final: !waiting };
}

function unusable(
  ctx: ExecContext,
  cluster: string,
  place: ChoicePlace,
  tried: string[],
): { message: string; final: boolean } | undefined {
  if (tried.includes(cluster)) return { message: 'already tried', final: true };
  const known = cluster === ctx.controller.clusterName || ctx.clusterLabels?.has(cluster);
  if (!known) return { message: 'not a registered cluster (see argosy cluster list)', final: true };
  const denied = ctx.checkPlacement?.({ cluster, ...place, workflowNamespace: ctx.wfNamespace });
  if (denied) return { message: `denied: ${denied}`, final: true };
  const load = ctx.placeLoads?.get(`${cluster}/${place.namespace}`);
  if (load?.problem && load.refused) return { message: `cannot list pods there: ${load.problem}`, final: true };
  if (load?.problem) return { message: `cannot be reached now: ${load.problem}`, final: false };
  return undefined;
}

function pick(ctx: ExecContext, p: TemplatePlacement, usable: string[], namespace: string): string | undefined {
  if (usable.length <= 1 || !p.strategy || p.strategy === 'Ordered') return usable[0];
  const score = p.strategy === 'Spread' ? workflowPods(ctx) : pendingPods(ctx, namespace);
  let best = usable[0] as string;
  for (const c of usable) if ((score.get(c) ?? 0) < (score.get(best) ?? 0)) best = c;
  return best;
}

/** Pod nodes of this workflow per cluster (Spread). */
function workflowPods(ctx: ExecContext): Map<string, number> {
  const count = new Map<string, number>();
  for (const n of Object.values(ctx.nodes))
    if (n.type === 'Pod' && !n.awaitingCluster) {
      const c = n.clusterName || ctx.controller.clusterName;
      count.set(c, (count.get(c) ?? 0) + 1);
    }
  return count;
}

/** Observed Pending pods per cluster in `namespace`, plus the pods this decide is creating (LeastLoaded). */
function pendingPods(ctx: ExecContext, namespace: string): Map<string, number> {
  const count = new Map<string, number>();
  for (const load of ctx.placeLoads?.values() ?? [])
    if (load.namespace === namespace) count.set(load.cluster, load.pending ?? 0);
  for (const a of ctx.actions)
    if (a.kind === 'CreatePod' && a.namespace === namespace) count.set(a.cluster, (count.get(a.cluster) ?? 0) + 1);
  return count;
}

/**
 * Clusters a new node must avoid: for a retry attempt, those earlier attempts failed over from and,
 * with `antiAffinity`, every cluster an earlier attempt used.
 */
export function avoidedClusters(ctx: ExecContext, p: TemplatePlacement, nodeName: string): string[] {
  const m = /^(.*)\(\d+\)$/.exec(nodeName);
  const retry = m ? ctx.nodes[idOf(ctx, m[1] as string)] : undefined;
  if (!retry || retry.type !== 'Retry') return [];
  const clusterOf = (n: NodeStatus): string => n.clusterName || ctx.controller.clusterName;
  return attemptsOf(ctx, retry)
    .filter((a) => a.name !== nodeName && !a.awaitingCluster && (a.failedOver || p.antiAffinity))
    .map((a) => [...(a.clusterHistory ?? []), clusterOf(a)])
    .flat();
}
