/**
 * Whether a node's `outputs.result` (its main container's stdout) is referenced, as Argo decides it
 * (`ARGO_INCLUDE_SCRIPT_OUTPUT`): the enclosing steps/DAG template mentions `steps.<name>.outputs.result`
 * or `tasks.<name>.outputs.result`. The runtime reads the pod's log only for such nodes.
 */
import type { NodeStatus, Template, Workflow } from './types.ts';

const cache = new WeakMap<Template, string>();

function templateText(t: Template): string {
  let text = cache.get(t);
  if (text === undefined) {
    text = JSON.stringify(t);
    cache.set(t, text);
  }
  return text;
}

/** The step/task name of a node: its display name without an `(i:value)` item suffix. */
function logicalName(node: NodeStatus): string {
  const name = node.displayName ?? node.name;
  const paren = name.indexOf('(');
  return paren > 0 ? name.slice(0, paren) : name;
}

/** Core check given the node map and a template lookup. */
export function isResultReferenced(
  nodes: Record<string, NodeStatus>,
  node: NodeStatus,
  templateByName: (name: string) => Template | undefined,
): boolean {
  if (!node.boundaryID) return false;
  const boundary = nodes[node.boundaryID];
  if (!boundary?.templateName) return false;
  const t = templateByName(boundary.templateName);
  if (!t) return false;
  const text = templateText(t);
  const name = logicalName(node);
  return text.includes(`steps.${name}.outputs.result`) || text.includes(`tasks.${name}.outputs.result`);
}

/**
 * True when the runtime should read the `main` log of the pod of node `nodeId` and pass it as
 * `ObservedPod.mainLog`.
 * @example if (needsResult(wf, pod.metadata.annotations['workflows.argoproj.io/node-id'])) observed.mainLog = await readLog(...)
 */
export function needsResult(workflow: Workflow, nodeId: string): boolean {
  const nodes = workflow.status?.nodes ?? {};
  const node = nodes[nodeId];
  if (!node) return false;
  const templates = workflow.spec.templates ?? [];
  return isResultReferenced(nodes, node, (n) => templates.find((t) => t.name === n));
}
