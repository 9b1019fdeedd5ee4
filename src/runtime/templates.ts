/**
 * Loads the WorkflowTemplates and ClusterWorkflowTemplates a workflow references (`spec.workflowTemplateRef`
 * and every `templateRef` of its steps/tasks, following references inside the loaded templates), from the
 * main cluster, once per reconcile and only by name. Keys are the engine's (`Snapshot.workflowTemplates`):
 * `<namespace>/<name>` for WorkflowTemplates, `cluster/<name>` for ClusterWorkflowTemplates. A template
 * that does not exist (or that the controller may not read) is left out: the engine then fails the
 * workflow/node with Argo's "not found" message.
 */
import type { Template, TemplateRef, Workflow, WorkflowStep } from '../engine/types.ts';
import type { KubeClient } from '../ports/kube.ts';
import { isKubeApiError, isNotFound } from '../adapters/kube/errors.ts';
import { clusterWorkflowTemplatePath, workflowTemplatePath } from '../adapters/kube/resources.ts';

/** Nesting bound: a reference chain deeper than this is not followed (the engine reports what is missing). */
const MAX_ROUNDS = 10;

interface Ref {
  key: string;
  name: string;
  cluster: boolean;
}

function refOf(namespace: string, name: string, clusterScope: boolean | undefined): Ref {
  return { key: clusterScope ? `cluster/${name}` : `${namespace}/${name}`, name, cluster: clusterScope === true };
}

/** The templateRefs of a list of templates (steps, DAG tasks, nested inline templates). */
function templateRefs(templates: Template[] | undefined, namespace: string, out: Map<string, Ref>): void {
  const visit = (ref: TemplateRef | undefined) => {
    if (ref?.name) {
      const r = refOf(namespace, ref.name, ref.clusterScope);
      out.set(r.key, r);
    }
  };
  for (const t of templates ?? []) {
    const steps: WorkflowStep[] = [...(t.steps ?? []).flatMap((g) => g ?? []), ...(t.dag?.tasks ?? [])];
    for (const step of steps) {
      visit(step.templateRef);
      for (const h of Object.values(step.hooks ?? {})) visit(h?.templateRef);
    }
  }
}

/** Every reference a workflow (or a loaded template) makes. */
export function referencedTemplates(wf: Workflow, namespace: string): Map<string, Ref> {
  const out = new Map<string, Ref>();
  const w = wf.spec.workflowTemplateRef;
  if (w?.name) {
    const r = refOf(namespace, w.name, w.clusterScope);
    out.set(r.key, r);
  }
  templateRefs(wf.spec.templates, namespace, out);
  for (const h of Object.values(wf.spec.hooks ?? {})) {
    if (h?.templateRef?.name) {
      const r = refOf(namespace, h.templateRef.name, h.templateRef.clusterScope);
      out.set(r.key, r);
    }
  }
  return out;
}

function pathOf(namespace: string, ref: Ref): string {
  return ref.cluster ? clusterWorkflowTemplatePath(ref.name) : workflowTemplatePath(namespace, ref.name);
}

/**
 * The referenced templates, keyed as the engine expects; `undefined` when the workflow references none
 * (no reads at all). Errors other than NotFound/Forbidden propagate (the reconcile is retried).
 */
export async function loadWorkflowTemplates(
  client: KubeClient,
  wf: Workflow,
): Promise<Record<string, Workflow> | undefined> {
  const namespace = wf.metadata.namespace ?? '';
  let pending = [...referencedTemplates(wf, namespace).values()];
  if (pending.length === 0) return undefined;
  const found: Record<string, Workflow> = {};
  const tried = new Set<string>();
  for (let round = 0; round < MAX_ROUNDS && pending.length > 0; round++) {
    for (const r of pending) tried.add(r.key);
    const loaded = await Promise.all(
      pending.map(async (r) => {
        try {
          return [r.key, await client.request<Workflow>({ method: 'GET', path: pathOf(namespace, r) })] as const;
        } catch (e) {
          // Not there, or not readable by the controller (a namespaced install has no RBAC on
          // ClusterWorkflowTemplates): retrying cannot help, so the engine reports it as not found.
          if (isNotFound(e) || (isKubeApiError(e) && e.statusCode === 403)) return undefined;
          throw e;
        }
      }),
    );
    const next = new Map<string, Ref>();
    for (const entry of loaded) {
      if (!entry) continue;
      found[entry[0]] = entry[1];
      for (const [k, r] of referencedTemplates(entry[1], namespace)) if (!tried.has(k)) next.set(k, r);
    }
    pending = [...next.values()];
  }
  return found;
}
