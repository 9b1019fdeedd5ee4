/**
 * `argo resubmit` as Argo's FormulateResubmitWorkflow does it (workflow/util/util.go): a new Workflow
 * from the old one's spec, named by its generateName (or `<name>-`), carrying the user's labels,
 * annotations and owner references plus `workflows.argoproj.io/resubmitted-from-workflow`. With
 * `--memoized` (Failed/Error workflows only) the new workflow starts with the old nodes renamed:
 * succeeded pods become Skipped `original pod: <id>` (so they do not run again and keep their
 * outputs), failed pods and the nodes above them are Pending and run again.
 */
import type { Condition, NodeStatus, Workflow } from '../types.ts';
import { LABEL_COMPLETED, LABEL_PHASE } from '../labels.ts';
import { formatTime, nodeId } from '../names.ts';
import { overrideParameters } from './parameters.ts';
import { RerunError } from './rerun-error.ts';
import { failedOrError } from './node-graph.ts';
import { LABEL_ARCHIVING_STATUS } from './retry-workflow.ts';

/** Argo's label naming the workflow a resubmitted one came from. */
export const LABEL_RESUBMITTED_FROM = 'workflows.argoproj.io/resubmitted-from-workflow';

/** Labels Argo does not carry over: who created it, and its completion. */
const DROPPED_LABELS = [
  'workflows.argoproj.io/creator',
  'workflows.argoproj.io/creator-email',
  'workflows.argoproj.io/creator-preferred-username',
  LABEL_PHASE,
  LABEL_COMPLETED,
  LABEL_ARCHIVING_STATUS,
];

/** The options of `argo resubmit`. */
export interface ResubmitOptions {
  memoized?: boolean;
  /** `-p NAME=VALUE` overrides of the workflow's arguments. */
  parameters?: string[];
  /**
   * The 5-character suffix of the new name in memoized mode (Argo's RandSuffix; node IDs derive from
   * the name, so it must be known before the workflow is created). The engine has no randomness.
   */
  suffix?: string;
}

function newMetadata(wf: Workflow, opts: ResubmitOptions): Workflow['metadata'] {
  const old = wf.metadata;
  const generateName = old.generateName || `${old.name ?? ''}-`;
  const labels: Record<string, string> = {};
  for (const [k, v] of Object.entries(old.labels ?? {})) if (!DROPPED_LABELS.includes(k)) labels[k] = v;
  labels[LABEL_RESUBMITTED_FROM] = old.name ?? '';
  const meta: Workflow['metadata'] = { generateName, labels, annotations: { ...old.annotations } };
  if (old.namespace) meta.namespace = old.namespace;
  if (old.ownerReferences?.length) meta.ownerReferences = [...old.ownerReferences];
  if (opts.memoized) meta.name = `${generateName}${opts.suffix ?? ''}`;
  return meta;
}

/** Argo's isDescendantNodeSucceeded with nothing being reset. */
function hasSucceededDescendant(nodes: Record<string, NodeStatus>, node: NodeStatus): boolean {
  return (node.children ?? []).some((id) => {
    const child = nodes[id];
    return !!child && (child.phase === 'Succeeded' || hasSucceededDescendant(nodes, child));
  });
}

/** One old node as the memoized workflow starts with it; undefined when it is left out. */
function memoizedNode(wf: Workflow, newName: string, node: NodeStatus, now: string): NodeStatus | undefined {
  const oldName = wf.metadata.name ?? '';
  const nodes = wf.status?.nodes ?? {};
  const rename = (name: string): string => (name.startsWith(oldName) ? newName + name.slice(oldName.length) : name);
  const convert = (id: string): string => nodeId(newName, rename(nodes[id]?.name ?? ''));
  const out: NodeStatus = { ...node, name: rename(node.name), id: nodeId(newName, rename(node.name)) };
  if (node.boundaryID) out.boundaryID = convert(node.boundaryID);
  if (node.children) out.children = node.children.map(convert);
  if (node.outboundNodes) out.outboundNodes = node.outboundNodes.map(convert);
  const rerun = failedOrError(node) && node.type === 'Pod';
  if (rerun) {
    delete out.startedAt;
    delete out.finishedAt;
  } else out.startedAt = out.finishedAt = now;
  if (!failedOrError(node) && node.type === 'Pod') {
    return { ...out, phase: 'Skipped', type: 'Skipped', message: `original pod: ${node.id}` };
  }
  if (node.type === 'Skipped' && !hasSucceededDescendant(nodes, node)) return undefined;
  out.phase = 'Pending';
  delete out.message;
  return out;
}

function memoizedStatus(wf: Workflow, newName: string, now: Date): Workflow['status'] {
  const exitName = `${wf.metadata.name ?? ''}.onExit`;
  const nodes: Record<string, NodeStatus> = {};
  for (const node of Object.values(wf.status?.nodes ?? {})) {
    if (node.name.startsWith(exitName)) continue;
    const out = memoizedNode(wf, newName, node, formatTime(now));
    if (out) nodes[out.id] = out;
  }
  const conditions: Condition[] = [{ type: 'Completed', status: 'False' }];
  return { phase: '', nodes, storedTemplates: { ...wf.status?.storedTemplates }, conditions };
}

/**
 * The workflow to create for `argosy resubmit`. Throws {@link RerunError} with Argo's message when a
 * memoized resubmit is asked of a workflow that did not fail, or a `-p` value has no `=`.
 * @example const wf2 = formulateResubmit(wf, { memoized: true, suffix: 'x7k2q' }, new Date());
 */
export function formulateResubmit(wf: Workflow, opts: ResubmitOptions, now: Date): Workflow {
  const phase = wf.status?.phase;
  if (opts.memoized && phase !== 'Failed' && phase !== 'Error')
    throw new RerunError('workflow must be Failed/Error to resubmit in memoized mode');
  const spec = { ...wf.spec };
  if (spec.activeDeadlineSeconds === 0) delete spec.activeDeadlineSeconds;
  delete spec.shutdown;
  const metadata = newMetadata(wf, opts);
  const fresh: Workflow = { metadata, spec };
  if (wf.apiVersion) fresh.apiVersion = wf.apiVersion;
  if (wf.kind) fresh.kind = wf.kind;
  const out = overrideParameters(fresh, opts.parameters ?? []);
  if (opts.memoized) out.status = memoizedStatus(wf, metadata.name ?? '', now);
  return out;
}
