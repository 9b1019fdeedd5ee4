/**
 * `argo retry` as Argo's FormulateRetryWorkflow does it (workflow/util/util.go): the same Workflow
 * object runs again. Failed/Error pod-like nodes without a succeeded descendant (and, with
 * `--restart-successful`, the nodes the `--node-field-selector` matches) are dropped with everything
 * below them; the group, boundary and failed Retry nodes above them become Running again; the
 * workflow exit handler's nodes are dropped; the pods of dropped nodes must be deleted — here in the
 * cluster and namespace each node recorded, so the controller re-creates them there (and checks the
 * placement again on create). The workflow's phase is empty again, so the controller starts it.
 */
import type { Condition, NodeStatus, Workflow, WorkflowStatus } from '../types.ts';
import { LABEL_COMPLETED } from '../labels.ts';
import { formatTime } from '../names.ts';
import { nodeSelectorMatcher } from '../suspend/resume.ts';
import { buildGraph, descendants, failedOrError, resetPath, sortedFromRoot, type GraphNode } from './node-graph.ts';
import { overrideParameters } from './parameters.ts';
import { podsOfNodes, type PodToDelete } from './pods.ts';
import { RerunError } from './rerun-error.ts';

/** Argo's label of archived workflows (dropped on retry, as Argo does). */
export const LABEL_ARCHIVING_STATUS = 'workflows.argoproj.io/workflow-archiving-status';

/** The options of `argo retry`. */
export interface RetryOptions {
  restartSuccessful?: boolean;
  nodeFieldSelector?: string;
  /** `-p NAME=VALUE` overrides of the workflow's arguments. */
  parameters?: string[];
  /** The controller's cluster: where nodes that recorded no cluster ran. */
  mainCluster: string;
}

/** The workflow to write back, and the pods to delete first. */
export interface RetryPlan {
  workflow: Workflow;
  podsToDelete: PodToDelete[];
}

const EXECUTION_TYPES = new Set(['Container', 'Pod', 'HTTP', 'Plugin']);

/** Argo's phase check: Failed/Error; Succeeded only for restarting selected successful nodes. */
function checkPhase(wf: Workflow, opts: RetryOptions): void {
  const phase = wf.status?.phase ?? '';
  if (phase === 'Failed' || phase === 'Error') return;
  if (phase === 'Succeeded') {
    if (opts.restartSuccessful && opts.nodeFieldSelector) return;
    throw new RerunError('To retry a succeeded workflow, set the options restartSuccessful and nodeFieldSelector');
  }
  throw new RerunError(`Cannot retry a workflow in phase ${phase}`);
}

/** Argo's createNewRetryWorkflow: the workflow with its completion undone and no nodes yet. */
function restartedWorkflow(wf: Workflow, opts: RetryOptions, now: Date): Workflow {
  const labels = { ...wf.metadata.labels };
  delete labels[LABEL_COMPLETED];
  delete labels[LABEL_ARCHIVING_STATUS];
  const spec = { ...wf.spec };
  delete spec.shutdown;
  if (spec.activeDeadlineSeconds === 0) delete spec.activeDeadlineSeconds;
  const old = wf.status ?? {};
  const conditions: Condition[] = (old.conditions ?? []).filter((c) => c.type !== 'Completed');
  conditions.push({ type: 'Completed', status: 'False' });
  const status: WorkflowStatus = { ...old, phase: '', nodes: {}, startedAt: formatTime(now), conditions };
  for (const key of ['message', 'finishedAt', 'compressedNodes', 'offloadNodeStatusVersion', 'effectRetries'])
    delete status[key];
  status.persistentVolumeClaims = [];
  const stored = old.storedWorkflowTemplateSpec;
  if (stored) {
    status.storedWorkflowTemplateSpec = { ...stored };
    delete status.storedWorkflowTemplateSpec.shutdown;
  }
  return overrideParameters({ ...wf, metadata: { ...wf.metadata, labels }, spec, status }, opts.parameters ?? []);
}

/**
 * Argo's isDescendantNodeSucceeded: a Succeeded node below `node` that is not being reset. Answers are
 * kept per node (`seen`): a DAG's diamonds would otherwise walk the same subtrees once per path.
 */
function hasSucceededDescendant(
  nodes: Record<string, NodeStatus>,
  node: NodeStatus,
  reset: Set<string>,
  seen = new Map<string, boolean>(),
): boolean {
  const known = seen.get(node.id);
  if (known !== undefined) return known;
  let found = false;
  for (const id of node.children ?? []) {
    const child = nodes[id];
    if (!child) throw new RerunError(`couldn't obtain child ${id}`);
    found = (!reset.has(id) && child.phase === 'Succeeded') || hasSucceededDescendant(nodes, child, reset, seen);
    if (found) break;
  }
  seen.set(node.id, found);
  return found;
}

/** Argo's getNodeIDsToReset: with --restart-successful, the nodes the selector matches. */
function selectedNodes(nodes: Record<string, NodeStatus>, opts: RetryOptions): Set<string> {
  if (!opts.restartSuccessful || !opts.nodeFieldSelector) return new Set();
  let match: (n: NodeStatus) => boolean;
  try {
    match = nodeSelectorMatcher(opts.nodeFieldSelector);
  } catch (e) {
    throw new RerunError((e as Error).message);
  }
  return new Set(
    Object.values(nodes)
      .filter(match)
      .map((n) => n.id),
  );
}

/** The nodes that must run again: the selected ones and the failed pod-like ones nothing after succeeded. */
function nodesToRestart(nodes: Record<string, NodeStatus>, opts: RetryOptions): Set<string> {
  const out = selectedNodes(nodes, opts);
  const selected = new Set(out);
  const seen = new Map<string, boolean>();
  const retryParents = new Map<string, NodeStatus>();
  for (const n of Object.values(nodes))
    if (n.type === 'Retry') for (const child of n.children ?? []) retryParents.set(child, n);
  for (const [id, node] of Object.entries(nodes)) {
    if (!failedOrError(node) || !EXECUTION_TYPES.has(node.type)) continue;
    // An attempt of a retryStrategy counts as its Retry node (Argo's FindRetryNodeByChild).
    const judged = node.nodeFlag?.retried ? (retryParents.get(id) ?? node) : node;
    if (!hasSucceededDescendant(nodes, judged, selected, seen)) out.add(id);
  }
  return out;
}

/** The reset and dropped nodes over every node to restart, top-down so a dropped node is not walked again. */
function resetAndDrop(sorted: GraphNode[], restart: Set<string>): { reset: Set<string>; drop: Set<string> } {
  const reset = new Set<string>();
  const drop = new Set<string>();
  for (const g of sorted) {
    if (!restart.has(g.node.id) || drop.has(g.node.id)) continue;
    const path = resetPath(sorted, g.node.id);
    for (const id of path.reset) reset.add(id);
    for (const id of path.drop) drop.add(id);
  }
  return { reset, drop };
}

/** Argo's resetNode: Running again (Skipped stays Skipped), no message, started now; supplied outputs unset. */
function resetNode(node: NodeStatus, now: Date): NodeStatus {
  const out: NodeStatus = {
    ...node,
    phase: node.phase === 'Skipped' ? 'Skipped' : 'Running',
    startedAt: formatTime(now),
  };
  delete out.message;
  delete out.finishedAt;
  if (node.type === 'Suspend' && node.outputs?.parameters) {
    const parameters = node.outputs.parameters.map((p) => ({ name: p.name, valueFrom: { supplied: {} } }));
    out.outputs = { ...node.outputs, parameters };
  }
  return out;
}

/**
 * The retried workflow and the pods to delete before it is written. Throws {@link RerunError} with
 * Argo's message when the workflow cannot be retried (its phase, a selector that does not parse, a
 * broken node tree).
 * @example const { workflow, podsToDelete } = formulateRetry(wf, { mainCluster: 'main' }, new Date());
 */
export function formulateRetry(wf: Workflow, opts: RetryOptions, now: Date): RetryPlan {
  checkPhase(wf, opts);
  const name = wf.metadata.name ?? '';
  const oldNodes = wf.status?.nodes ?? {};
  const next = restartedWorkflow(wf, opts, now);
  const restart = nodesToRestart(oldNodes, opts);
  const graph = buildGraph(name, oldNodes);
  const { reset, drop } = resetAndDrop(sortedFromRoot(graph, name), restart);
  // New parameter values: the groups being reset expand their children again (Argo's fix of #15802).
  if ((opts.parameters ?? []).length > 0)
    for (const id of reset) {
      const g = graph.get(id);
      if (!drop.has(id) && g && (g.node.type === 'TaskGroup' || g.node.type === 'StepGroup'))
        for (const child of descendants(g)) drop.add(child);
    }
  const exitName = `${name}.onExit`;
  const nodes: Record<string, NodeStatus> = {};
  for (const [id, node] of Object.entries(oldNodes)) {
    if (drop.has(id) || node.name.startsWith(exitName)) continue;
    const kept = reset.has(id) ? resetNode(node, now) : { ...node };
    kept.children = (node.children ?? []).filter((c) => !drop.has(c));
    kept.outboundNodes = (node.outboundNodes ?? []).filter((c) => !drop.has(c));
    // Go's omitempty: an emptied list is not written.
    if (kept.children.length === 0) delete kept.children;
    if (kept.outboundNodes.length === 0) delete kept.outboundNodes;
    nodes[id] = kept;
  }
  const exitTree = Object.values(oldNodes).filter((n) => n.name === exitName);
  const exitIds = exitTree.flatMap((n) => [n.id, ...descendants(graph.get(n.id) as GraphNode)]);
  const dropped = [...drop].filter((id) => oldNodes[id]?.type === 'Pod');
  const podsToDelete = podsOfNodes(wf, [...dropped, ...exitIds], opts.mainCluster);
  return { workflow: { ...next, status: { ...next.status, nodes } }, podsToDelete };
}
