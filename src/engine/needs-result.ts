/**
 * Whether a node's `outputs.result` (its main container's stdout) is referenced, as Argo decides it
 * (`ARGO_INCLUDE_SCRIPT_OUTPUT`): the enclosing steps/DAG template mentions `steps.<name>.outputs.result`
 * or `tasks.<name>.outputs.result`. The runtime reads the pod's log only for such nodes.
 */
import type { NodeStatus, Template, Workflow } from './types.ts';
import { execWorkflow } from './effective-spec.ts';
import { templateOfNode, type ScopeSources } from './template-scope.ts';

const cache = new WeakMap<Template, Set<string>>();
// `steps.a.outputs.result`, and the expression forms `steps['a-b'].outputs.result`.
const RESULT_REF = /(?:steps|tasks)(?:\.([A-Za-z0-9_-]+)|\[['"]([A-Za-z0-9_-]+)['"]\])\.outputs\.result/g;

/** Walks strings (cheaper than serialising a 10k-task template) and records `X.outputs.result` names. */
function collectResultRefs(value: unknown, names: Set<string>): void {
  const stack: unknown[] = [value];
  while (stack.length > 0) {
    const v = stack.pop();
    if (typeof v === 'string') {
      if (v.includes('outputs.result')) for (const m of v.matchAll(RESULT_REF)) names.add(m[1] ?? m[2] ?? '');
    } else if (Array.isArray(v)) for (const x of v) stack.push(x);
    else if (v !== null && typeof v === 'object') for (const k in v) stack.push((v as Record<string, unknown>)[k]);
  }
}

/** The step/task names whose `outputs.result` a template mentions (scanned once per template object). */
function referencedResults(t: Template): Set<string> {
  let names = cache.get(t);
  if (names === undefined) {
    names = new Set();
    collectResultRefs(t, names);
    cache.set(t, names);
  }
  return names;
}

function metricsMentionResult(t: object | undefined): boolean {
  const metrics = (t as { metrics?: unknown } | undefined)?.metrics;
  return metrics !== undefined && JSON.stringify(metrics).includes('outputs.result');
}

function templateHasOwnMetrics(templates: Template[], node: NodeStatus): boolean {
  const t = templates.find((x) => x.name === node.templateName);
  return (t as { metrics?: unknown } | undefined)?.metrics !== undefined;
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
  templateOf: (node: NodeStatus) => Template | undefined,
): boolean {
  // Argo's metrics may observe the node's own `{{outputs.result}}` (workflow/controller/steps.go prepareMetricScope).
  if (metricsMentionResult(templateOf(node))) return true;
  if (!node.boundaryID) return false;
  const boundary = nodes[node.boundaryID];
  if (!boundary) return false;
  const t = templateOf(boundary);
  if (!t) return false;
  return referencedResults(t).has(logicalName(node));
}

/**
 * True when the runtime should read the `main` log of the pod of node `nodeId` and pass it as
 * `ObservedPod.mainLog`. Pass the snapshot's `workflowTemplates` when the workflow uses `workflowTemplateRef`.
 * @example if (needsResult(wf, pod.metadata.annotations['workflows.argoproj.io/node-id'])) observed.mainLog = await readLog(...)
 */
export function needsResult(workflow: Workflow, nodeId: string, workflowTemplates?: Record<string, Workflow>): boolean {
  const nodes = workflow.status?.nodes ?? {};
  const node = nodes[nodeId];
  if (!node) return false;
  const merged = execWorkflow(workflow, workflowTemplates);
  const spec = (typeof merged === 'string' ? workflow : merged).spec;
  const templates = spec.templates ?? [];
  if (metricsMentionResult(spec.templateDefaults as object | undefined) && !templateHasOwnMetrics(templates, node))
    return true;
  const src: ScopeSources = {
    namespace: workflow.metadata.namespace ?? '',
    local: (n) => templates.find((t) => t.name === n),
    stored: workflow.status?.storedTemplates,
    workflowTemplates,
  };
  return isResultReferenced(nodes, node, (n) => templateOfNode(n, src));
}
