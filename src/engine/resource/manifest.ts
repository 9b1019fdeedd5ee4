/**
 * What the controller checks and changes in a resource template before its pod is created (Argo's
 * `executeResource` and the resource part of `validateLeaf`), and the placement rules a manifest must
 * follow so that a resource template is never a way around the placement policy: the object goes to the
 * node's own recorded namespace (the one the policy allowed), cluster-scoped kinds are refused, and
 * `setOwnerReference` is refused where the owner reference could not point at the Workflow.
 */
import { readGoYaml, YamlReaderMissing } from '../yaml-reader.ts';
import type { Template } from '../types.ts';

/** Argo's `ResourceTemplate`. */
export interface ResourceTemplate {
  action?: string;
  manifest?: string;
  manifestFrom?: unknown;
  mergeStrategy?: string;
  flags?: string[];
  setOwnerReference?: boolean;
  successCondition?: string;
  failureCondition?: string;
}

export const RESOURCE_ACTIONS = ['get', 'create', 'apply', 'delete', 'replace', 'patch'] as const;
const MERGE_STRATEGIES = ['strategic', 'merge', 'json'];

/**
 * Kinds Kubernetes serves cluster-scoped. A custom cluster-scoped kind not in this list is still
 * stopped by the workflow's own rights: infra/k8s/workflow-rbac grants namespaced Roles only.
 */
const CLUSTER_SCOPED = new Set([
  'Namespace',
  'Node',
  'PersistentVolume',
  'ClusterRole',
  'ClusterRoleBinding',
  'CustomResourceDefinition',
  'StorageClass',
  'PriorityClass',
  'RuntimeClass',
  'IngressClass',
  'CSIDriver',
  'CSINode',
  'VolumeAttachment',
  'MutatingWebhookConfiguration',
  'ValidatingWebhookConfiguration',
  'ValidatingAdmissionPolicy',
  'ValidatingAdmissionPolicyBinding',
  'APIService',
  'CertificateSigningRequest',
  'ClusterWorkflowTemplate',
  'ClusterIssuer',
  'FlowSchema',
  'PriorityLevelConfiguration',
  'TokenReview',
  'SubjectAccessReview',
  'SelfSubjectAccessReview',
  'SelfSubjectRulesReview',
]);

/** Flags that would send the object elsewhere than the node's namespace, or to every namespace. */
const PLACE_FLAGS =
  /^(-n|--namespace|-A|--all-namespaces|--context|--cluster|--kubeconfig|--server|-s|--token|--as|--as-group|--user)(=|$)/;

export function resourceOf(t: Template): ResourceTemplate | undefined {
  return t.resource as ResourceTemplate | undefined;
}

/** The input artifact named by `manifestFrom.artifact`, if any. */
export function manifestArtifact(r: ResourceTemplate): string | undefined {
  const from = r.manifestFrom as { artifact?: { name?: string } } | undefined;
  return from?.artifact ? (from.artifact.name ?? '') : undefined;
}

/** Argo's validation of a resource template (messages as Argo's `validateLeaf`). */
export function resourceValidationProblems(t: Template): string[] {
  const r = resourceOf(t);
  if (!r) return [];
  const problems: string[] = [];
  const action = r.action ?? '';
  if (!action.includes('{{') && !(RESOURCE_ACTIONS as readonly string[]).includes(action))
    problems.push(`templates.${t.name}.resource.action must be one of: get, create, apply, delete, replace, patch`);
  if (action !== 'delete' && action !== 'get') {
    if (!r.manifest && !r.manifestFrom)
      problems.push(
        `either templates.${t.name}.resource.manifest or templates.${t.name}.resource.manifestFrom must be specified`,
      );
    if (r.manifest && r.manifestFrom)
      problems.push("shouldn't have both `manifest` and `manifestFrom` specified in `Manifest` for resource template");
    const from = manifestArtifact(r);
    if (from !== undefined && !(t.inputs?.artifacts ?? []).some((a) => a.name === from))
      problems.push(`artifact ${from} in \`manifestFrom\` refer to a non-exist artifact`);
    if (r.manifest && !r.manifest.includes('{{') && parseManifest(r.manifest) instanceof Error)
      problems.push(`templates.${t.name}.resource.manifest must be a valid yaml`);
  }
  if (r.mergeStrategy && !MERGE_STRATEGIES.includes(r.mergeStrategy))
    problems.push(`templates.${t.name}.resource.mergeStrategy must be one of: strategic, merge, json`);
  if (action === 'delete' && (r.successCondition || r.failureCondition || (t.outputs?.parameters ?? []).length > 0))
    problems.push('successCondition, failureCondition and outputs are not supported for delete action');
  return problems;
}

/** Argo's per-type rule for `valueFrom` of output parameters (container/script: path; resource: jqFilter/jsonPath). */
export function outputSourceProblems(t: Template): string[] {
  const kind = t.container ? 'container' : t.script ? 'script' : t.resource ? 'resource' : undefined;
  if (!kind) return [];
  const problems: string[] = [];
  for (const p of t.outputs?.parameters ?? []) {
    const v = p.valueFrom as { path?: string; jqFilter?: string; jsonPath?: string } | undefined;
    if (!v) continue;
    const ref = `templates.${t.name}.outputs.parameters.${p.name}`;
    if (kind !== 'resource' && !v.path) problems.push(`${ref}.path must be specified for ${kind} templates`);
    if (kind === 'resource' && !v.jqFilter && !v.jsonPath)
      problems.push(`${ref} .jqFilter or jsonPath must be specified for resource templates`);
  }
  return problems;
}

/** The manifest as an object (a JSON patch is a list), or the parse error. */
export function parseManifest(text: string): unknown {
  try {
    return readGoYaml(text);
  } catch (e) {
    if (e instanceof YamlReaderMissing) throw e;
    return new Error((e as Error).message);
  }
}

interface ManifestMeta {
  kind?: string;
  metadata?: { namespace?: string; ownerReferences?: unknown[] };
}

/** Where the node is, and whose the object would be. */
export interface ResourcePlace {
  cluster: string;
  namespace: string;
  /** The workflow's own cluster and namespace (owner references can only point there). */
  workflowCluster: string;
  workflowNamespace: string;
  workflowName: string;
  workflowUid?: string;
}

/** Why the resolved template may not run at `place`, or undefined. */
export function resourcePlacementProblem(t: Template, place: ResourcePlace): string | undefined {
  const r = resourceOf(t) as ResourceTemplate;
  const flag = (r.flags ?? []).find((f) => PLACE_FLAGS.test(f));
  if (flag)
    return `resource template '${t.name}': flag ${flag} is not allowed; the object goes to the template's clusterName/namespace (${place.cluster}/${place.namespace})`;
  // A manifest from an artifact is only read in the pod: its executor applies the other rules there.
  if (manifestArtifact(r) !== undefined) return ownerReferenceProblem(t, r, place);
  if (!r.manifest || r.mergeStrategy === 'json') return undefined;
  const obj = parseManifest(r.manifest);
  if (obj instanceof Error) return `resource template '${t.name}': manifest must be a valid yaml: ${obj.message}`;
  const m = (obj ?? {}) as ManifestMeta;
  if (m.kind && CLUSTER_SCOPED.has(m.kind))
    return `resource template '${t.name}': ${m.kind} is cluster-scoped; resource templates may only manage namespaced objects in their own namespace (${place.cluster}/${place.namespace})`;
  const ns = m.metadata?.namespace;
  if (ns && ns !== place.namespace)
    return `resource template '${t.name}': manifest namespace "${ns}" differs from the template's namespace "${place.namespace}"; set the template's namespace (checked by the placement policy) instead of metadata.namespace`;
  return ownerReferenceProblem(t, r, place);
}

/** `setOwnerReference` away from the Workflow's cluster and namespace. */
function ownerReferenceProblem(t: Template, r: ResourceTemplate, place: ResourcePlace): string | undefined {
  if (r.setOwnerReference && (place.cluster !== place.workflowCluster || place.namespace !== place.workflowNamespace))
    return `resource template '${t.name}': setOwnerReference needs the object next to its Workflow (${place.workflowCluster}/${place.workflowNamespace}), but it goes to ${place.cluster}/${place.namespace}, where an owner reference to the Workflow would let the garbage collector delete the object at once; drop setOwnerReference and delete the object with a later step or an exit handler`;
  return undefined;
}

/**
 * The template with Argo's `setOwnerReference` applied: a controller reference to the Workflow appended
 * to the manifest's ownerReferences (the manifest is written back as JSON, which is YAML).
 */
export function withOwnerReference(t: Template, place: ResourcePlace): Template {
  const r = resourceOf(t);
  if (!r?.setOwnerReference || !r.manifest) return t;
  const obj = parseManifest(r.manifest) as ManifestMeta;
  const metadata = { ...(obj.metadata ?? {}) };
  metadata.ownerReferences = [
    ...(metadata.ownerReferences ?? []),
    {
      apiVersion: 'argoproj.io/v1alpha1',
      kind: 'Workflow',
      name: place.workflowName,
      uid: place.workflowUid ?? '',
      controller: true,
      blockOwnerDeletion: true,
    },
  ];
  return { ...t, resource: { ...r, manifest: JSON.stringify({ ...obj, metadata }) } };
}
