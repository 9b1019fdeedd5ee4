/**
 * Artifact locations as Argo's `ArtifactLocation` helpers define them (`HasLocation`, `HasKey`,
 * `AppendToKey`) and the template's `archiveLocation` the controller fills in from the pinned repository
 * (Argo's `addArchiveLocation`): the repository with key `{{workflow.name}}/{{pod.name}}` (or its
 * `keyFormat`), rendered with the pod's variables before the template goes into `ARGO_TEMPLATE`.
 */
import type { Artifact, ArtifactLocation, ArtifactRepository, Template } from '../types.ts';

export const DEFAULT_ARCHIVE_PATTERN = '{{workflow.name}}/{{pod.name}}';

/** Go's path.Join for keys (no leading slash added, empty parts dropped, `.`/`..` kept out by validation). */
export function joinKey(...parts: string[]): string {
  return parts
    .flatMap((p) => p.split('/'))
    .filter((p) => p !== '' && p !== '.')
    .join('/');
}

/** A location complete enough to use without the archive location. */
export function hasLocation(a: Partial<Artifact> | undefined): boolean {
  if (!a) return false;
  if (a.s3) return !!(a.s3.endpoint && a.s3.bucket && a.s3.key);
  if (a.raw) return true;
  if (a.http) return !!a.http.url;
  if (a.git) return !!(a.git as { repo?: string }).repo;
  return false;
}

/** A key set (a key-only artifact is completed by the archive location). */
export function hasKey(a: Partial<Artifact> | undefined): boolean {
  return !!a?.s3?.key;
}

export function hasLocationOrKey(a: Partial<Artifact> | undefined): boolean {
  return hasLocation(a) || hasKey(a);
}

/** The artifact with `subPath` appended to its key (Argo's `AppendToKey`); throws when it has no key. */
export function appendToKey(a: Artifact, subPath: string): Artifact {
  if (!a.s3?.key) throw new Error(`artifact '${a.name}' has no key to append sub-path "${subPath}" to`);
  return { ...a, s3: { ...a.s3, key: joinKey(a.s3.key, subPath) } };
}

/** Argo's `IsArchiveLogs`: the repository's `true` wins; else the template's, else the workflow's. */
export function isArchiveLogs(t: Template, repo: ArtifactRepository | undefined, wfArchiveLogs?: boolean): boolean {
  if (repo?.archiveLogs === true) return true;
  return t.archiveLocation?.archiveLogs ?? wfArchiveLogs ?? false;
}

/** True when the pod needs an archive location: logs are archived, or an artifact lacks a full location. */
export function needsArchiveLocation(t: Template, archiveLogs: boolean): boolean {
  if (hasLocation(t.archiveLocation as Partial<Artifact> | undefined)) return false;
  const source = t.data?.source?.artifactPaths;
  const arts = [...(t.inputs?.artifacts ?? []), ...(t.outputs?.artifacts ?? []), ...(source ? [source] : [])];
  return archiveLogs || arts.some((a) => !hasLocation(a));
}

/** The repository as a template's archive location (Argo's `ToArtifactLocation`), or why it cannot be one. */
export function archiveLocationOf(
  repo: ArtifactRepository | undefined,
  archiveLogs: boolean,
): ArtifactLocation | { error: string } {
  if (!repo?.s3)
    return {
      error:
        'You need to configure artifact storage. More information on how to do this can be found in the docs: ' +
        'https://argo-workflows.readthedocs.io/en/latest/configure-artifact-repository/ ' +
        '(Argosy: ConfigMap artifact-repositories in the workflow namespace, see docs/artifacts.md)',
    };
  const { keyFormat, keyPrefix, ...bucket } = repo.s3;
  const key = keyFormat || joinKey(keyPrefix ?? '', DEFAULT_ARCHIVE_PATTERN);
  return { archiveLogs, s3: { ...bucket, key } };
}
