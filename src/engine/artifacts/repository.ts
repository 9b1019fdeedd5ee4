/**
 * Which artifact repository a workflow uses, resolved as Argo's `artifactrepositories.Resolve` does and
 * pinned in `status.artifactRepositoryRef` on the first reconcile (later ConfigMap edits do not move a
 * running workflow): with `spec.artifactRepositoryRef`, ConfigMap `configMap` (default
 * `artifact-repositories`) in the workflow's namespace, then in the controller's; without it,
 * `artifact-repositories` in the workflow's namespace, else the controller's default (`default: true`).
 * The data key is the ref's `key`, else the ConfigMap's default-repository annotation.
 */
import type { ObservedConfigMap } from '../contract.ts';
import type { ArtifactRepository, ArtifactRepositoryRefStatus, Template, Workflow } from '../types.ts';
import { readGoYaml, YamlReaderMissing } from '../yaml-reader.ts';

export const ARTIFACT_REPOSITORIES = 'artifact-repositories';
export const DEFAULT_REPOSITORY_ANNOTATION = 'workflows.argoproj.io/default-artifact-repository';

/** Repository kinds Argosy passes to the executor; the others are refused by name. */
const SUPPORTED_KINDS = ['s3'];
const KINDS = ['s3', 'gcs', 'azure', 'oss', 'hdfs', 'artifactory', 'plugin'];

/** A place a repository ConfigMap may be read from (`namespace/name`, as `Snapshot.configMaps` keys). */
export interface RepositoryCandidate {
  namespace: string;
  configMap: string;
  key?: string;
}

function templateUsesArtifacts(t: Template): boolean {
  if ((t.inputs?.artifacts ?? []).length > 0 || (t.outputs?.artifacts ?? []).length > 0) return true;
  if (t.archiveLocation || t.data?.source?.artifactPaths) return true;
  const steps = [...(t.steps ?? []).flatMap((g) => g ?? []), ...(t.dag?.tasks ?? [])];
  return steps.some((s) => (s.arguments?.artifacts ?? []).length > 0);
}

/** True when a workflow (or a template it references) moves artifacts: only then is a repository resolved. */
export function usesArtifacts(wf: Workflow, workflowTemplates?: Record<string, Workflow>): boolean {
  const specs = [wf.spec, ...Object.values(workflowTemplates ?? {}).map((t) => t.spec)];
  return specs.some(
    (s) =>
      s.artifactRepositoryRef !== undefined ||
      s.archiveLogs === true ||
      (s.arguments?.artifacts ?? []).length > 0 ||
      (s.templates ?? []).some(templateUsesArtifacts),
  );
}

/** The ConfigMaps to read, in Argo's order. */
export function repositoryCandidates(wf: Workflow, controllerNamespace: string | undefined): RepositoryCandidate[] {
  const namespace = wf.metadata.namespace ?? '';
  const ref = wf.spec.artifactRepositoryRef;
  if (!ref) return [{ namespace, configMap: ARTIFACT_REPOSITORIES }];
  const configMap = ref.configMap || ARTIFACT_REPOSITORIES;
  const out: RepositoryCandidate[] = [{ namespace, configMap, key: ref.key }];
  if (controllerNamespace && controllerNamespace !== namespace)
    out.push({ namespace: controllerNamespace, configMap, key: ref.key });
  return out;
}

/** Argo's `(*ArtifactRepositoryRef).String()`: `configMap#key`, or `nil`. */
function refText(ref: { configMap?: string; key?: string } | undefined): string {
  return ref ? `${ref.configMap ?? ''}#${ref.key ?? ''}` : 'nil';
}

/** Argo's `(*ArtifactRepositoryRefStatus).String()` of a candidate: `namespace/configMap#key`. */
function candidateText(c: RepositoryCandidate, wf: Workflow): string {
  const ref = wf.spec.artifactRepositoryRef;
  return `${c.namespace}/${refText({ configMap: ref?.configMap ?? '', key: ref?.key ?? '' })}`;
}

type Found = { ref: ArtifactRepositoryRefStatus } | { skip: true } | { error: string };

function fromConfigMap(c: RepositoryCandidate, cm: ObservedConfigMap | undefined, wf: Workflow): Found {
  if (!cm) return { skip: true };
  // Argo goes on to the next candidate only when the ConfigMap is not found; any other read error (a 403
  // where the controller may not read it) ends the workflow with that error, never as "absent".
  if (cm.readError !== undefined)
    return {
      error: `error getting config map for artifact repository ref "${candidateText(c, wf)}": ${cm.readError}`,
    };
  const key = c.key || cm.annotations?.[DEFAULT_REPOSITORY_ANNOTATION] || '';
  const value = cm.data?.[key];
  if (value === undefined) return { skip: true };
  let repo: ArtifactRepository;
  try {
    repo = (readGoYaml(value) ?? {}) as ArtifactRepository;
  } catch (e) {
    if (e instanceof YamlReaderMissing) throw e;
    return {
      error: `failed to unmarshall config map key "${key}" for artifact repository ref "${candidateText(c, wf)}": ${(e as Error).message}`,
    };
  }
  const kind = KINDS.find((k) => repo[k] !== undefined);
  if (kind && !SUPPORTED_KINDS.includes(kind))
    return {
      error: `${c.namespace}/${c.configMap} key "${key}": ${kind} artifact repositories are not supported yet (only s3)`,
    };
  return { ref: { namespace: c.namespace, configMap: c.configMap, key, artifactRepository: repo } };
}

/**
 * Resolves the repository from the ConfigMaps read (`namespace/name` keys). Returns the ref to pin, or
 * Argo's workflow error (`failed to resolve artifact repository: ...`).
 */
export function resolveRepository(
  wf: Workflow,
  configMaps: Record<string, ObservedConfigMap> | undefined,
  controllerNamespace: string | undefined,
  controllerDefault?: ArtifactRepository,
): { ref: ArtifactRepositoryRefStatus } | { error: string } {
  for (const c of repositoryCandidates(wf, controllerNamespace)) {
    const found = fromConfigMap(c, configMaps?.[`${c.namespace}/${c.configMap}`], wf);
    if ('skip' in found) continue;
    if ('error' in found) return { error: `failed to resolve artifact repository: ${found.error}` };
    return found;
  }
  const ref = wf.spec.artifactRepositoryRef;
  if (ref)
    return {
      error: `failed to resolve artifact repository: failed to find any artifact repository for artifact repository ref "${refText(ref)}"`,
    };
  const pinned: ArtifactRepositoryRefStatus = { default: true };
  if (controllerDefault) pinned.artifactRepository = controllerDefault;
  return { ref: pinned };
}
