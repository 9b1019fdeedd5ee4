/**
 * Template scopes, as Argo's templateresolution keeps them: a template is looked up by name in the
 * object it was written in — the workflow (`local/<workflow>`), a WorkflowTemplate
 * (`namespaced/<name>`) or a ClusterWorkflowTemplate (`cluster/<name>`). A `templateRef` moves the
 * lookup into the referenced object for everything inside the template it reaches, so an inner step's
 * `template: print-message` names the WorkflowTemplate's own template, not the workflow's. Nodes
 * record the scope their template was resolved from (`templateScope`), and `status.storedTemplates`
 * keys templates as `<scope>/<template>`.
 */
import type { NodeStatus, Template, TemplateRef, Workflow } from './types.ts';

/** A scope string: `local/<wf>`, `namespaced/<wft>` or `cluster/<cwft>`. */
export type TemplateScope = string;

/** The scope of the workflow's own templates. */
export function localScope(workflowName: string): TemplateScope {
  return `local/${workflowName}`;
}

/** The scope a templateRef moves into. */
export function refScope(ref: TemplateRef): TemplateScope {
  return `${ref.clusterScope ? 'cluster' : 'namespaced'}/${ref.name}`;
}

/** True for the workflow's own scope (templates found in `spec.templates`, never stored). */
export function isLocalScope(scope: TemplateScope): boolean {
  return scope.startsWith('local/');
}

/** The key of the snapshot's `workflowTemplates` for a non-local scope (`<ns>/<name>`, `cluster/<name>`). */
export function snapshotKey(scope: TemplateScope, namespace: string): string {
  const slash = scope.indexOf('/');
  const kind = scope.slice(0, slash);
  const name = scope.slice(slash + 1);
  return kind === 'cluster' ? `cluster/${name}` : `${namespace}/${name}`;
}

/** What a scope's templates are looked up in. */
export interface ScopeSources {
  namespace: string;
  local: (name: string) => Template | undefined;
  stored?: Record<string, Template>;
  workflowTemplates?: Record<string, Workflow>;
}

/**
 * Argo's `addPodMetadata`: a (Cluster)WorkflowTemplate's `spec.podMetadata` labels and annotations
 * reach the pods of its templates, the template's own winning.
 */
export function withPodMetadata(t: Template, holder: Workflow | undefined): Template {
  const pm = holder?.spec.podMetadata;
  if (!pm || (!pm.labels && !pm.annotations)) return t;
  const own = t.metadata ?? {};
  const metadata = { ...own };
  if (pm.labels) metadata.labels = { ...pm.labels, ...(own.labels ?? {}) };
  if (pm.annotations) metadata.annotations = { ...pm.annotations, ...(own.annotations ?? {}) };
  return { ...t, metadata };
}

/** A template by name in a non-local scope: stored first, else from the loaded object. */
export function templateInScope(scope: TemplateScope, name: string, src: ScopeSources): Template | undefined {
  if (isLocalScope(scope)) return src.local(name);
  const stored = src.stored?.[`${scope}/${name}`];
  if (stored) return stored;
  const holder = src.workflowTemplates?.[snapshotKey(scope, src.namespace)];
  const found = holder?.spec.templates?.find((t) => t.name === name);
  return found ? withPodMetadata(found, holder) : undefined;
}

/** The template a node ran (its templateRef, else its templateName in its templateScope). */
export function templateOfNode(
  node: Pick<NodeStatus, 'templateName' | 'templateRef' | 'templateScope'>,
  src: ScopeSources,
): Template | undefined {
  if (node.templateRef) return templateInScope(refScope(node.templateRef), node.templateRef.template, src);
  if (!node.templateName) return undefined;
  const scope = node.templateScope && !isLocalScope(node.templateScope) ? node.templateScope : 'local/';
  return templateInScope(scope, node.templateName, src);
}
