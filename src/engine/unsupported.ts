/**
 * The one list of what Argo has and Argosy does not do yet. Lint, submit and the controller all
 * check a workflow against it, so an unimplemented field is refused by name
 * (`spec.templates[2].memoize: not supported by Argosy yet`) instead of being ignored, and
 * docs/engine.md prints it (a test keeps the two equal). Entries are keyed by Argo's type and field
 * (the names of argo-schema.generated.ts); implementing a feature means deleting its row here.
 */
import { walkArgo, type FieldVisit, type PathProblem } from './argo-walk.ts';

export interface UnsupportedField {
  /** Argo type and field, e.g. `Template.memoize`. */
  at: string;
  /** What the feature is, for docs/engine.md. */
  feature: string;
  /** A template type (`http`, `resource`...): reported as `template type X is not supported yet`. */
  templateType?: boolean;
  /** When only some values are unsupported: the problem with this value, or undefined. */
  check?: (value: unknown) => string | undefined;
  /** With `check`: a value it refuses (for the generated docs table and its test). */
  refused?: unknown;
}

const NOT_SUPPORTED = 'not supported by Argosy yet';

/** Artifact stores other than S3, HTTP and raw. */
const ARTIFACT_KINDS = ['gcs', 'azure', 'git', 'oss', 'hdfs', 'artifactory', 'plugin'];

const templateType = (name: string, feature: string): UnsupportedField => ({
  at: `Template.${name}`,
  feature,
  templateType: true,
});

/** What is not implemented, by Argo type and field. */
export const UNSUPPORTED: readonly UnsupportedField[] = [
  templateType('plugin', 'executor plugin templates'),
  { at: 'Mutex.database', feature: 'database-backed mutexes (synchronization across controllers)' },
  { at: 'SemaphoreRef.database', feature: 'database-backed semaphores (synchronization across controllers)' },
  {
    at: 'Cache.configMap',
    feature: 'memoization caches named with variables',
    // The runtime reads each cache before deciding, so its name must be known without running anything.
    check: (v) =>
      String((v as { name?: unknown }).name ?? '').includes('{{')
        ? `a memoization cache named with variables is ${NOT_SUPPORTED} (name the ConfigMap literally)`
        : undefined,
    refused: { name: '{{workflow.parameters.cache}}' },
  },
  ...ARTIFACT_KINDS.filter((k) => k !== 'git').map((k): UnsupportedField => ({
    at: `Artifact.${k}`,
    feature: `${k} artifacts (S3, HTTP, git and raw are supported)`,
  })),
  ...ARTIFACT_KINDS.map((k): UnsupportedField => ({
    at: `ArtifactLocation.${k}`,
    feature: `${k} archive locations (S3 is supported)`,
  })),
  { at: 'ArchiveStrategy.zip', feature: 'zip artifact archives (tar and none are supported)' },
  { at: 'Artifact.archiveLogs', feature: 'per-artifact archiveLogs' },
  { at: 'WorkflowLevelArtifactGC.podSpecPatch', feature: 'a pod spec patch for artifact GC pods' },
  { at: 'ValueFrom.event', feature: 'parameter valueFrom.event' },
  { at: 'WorkflowSpec.executorPlugins', feature: 'executor plugins' },
  { at: 'Template.podResources', feature: 'pod-level resources' },
  { at: 'WorkflowSpec.podResources', feature: 'pod-level resources' },
  { at: 'Template.resourceClaims', feature: 'resource claims' },
  { at: 'WorkflowSpec.resourceClaims', feature: 'resource claims' },
  { at: 'WorkflowSpec.podDisruptionBudget', feature: 'pod disruption budgets' },
  { at: 'WorkflowSpec.hostNetwork', feature: 'host network' },
];

const BY_AT = new Map(UNSUPPORTED.map((u) => [u.at, u]));

/** Zero values change nothing in Argo either (`daemon: false`, `sidecars: []`). */
function isEmpty(v: unknown): boolean {
  if (v === undefined || v === null || v === false || v === '') return true;
  if (Array.isArray(v)) return v.length === 0;
  return typeof v === 'object' && Object.keys(v).length === 0;
}

function visitProblem(v: FieldVisit): PathProblem | undefined {
  const entry = BY_AT.get(`${v.type}.${v.field}`);
  if (!entry || isEmpty(v.value)) return undefined;
  if (entry.check) {
    const why = entry.check(v.value);
    return why ? { path: v.path, message: why } : undefined;
  }
  if (entry.templateType) return { path: v.path, message: `template type ${v.field} is not supported yet` };
  return { path: v.path, message: NOT_SUPPORTED };
}

/** What a document written as Argo type `type` uses that Argosy does not implement, and its unknown fields. */
export function inputProblems(
  doc: unknown,
  type: string,
  path = '',
): { unknown: PathProblem[]; unsupported: PathProblem[] } {
  const unsupported: PathProblem[] = [];
  const unknown = walkArgo(doc, type, path, (v) => {
    const p = visitProblem(v);
    if (!p) return true;
    unsupported.push(p);
    return false;
  });
  return { unknown, unsupported };
}

/** A template from a (Cluster)WorkflowTemplate, checked as the workflow's own templates are. */
export function templateProblems(template: unknown, path: string): string[] {
  const { unknown, unsupported } = inputProblems(template, 'Template', path);
  return [...unknown, ...unsupported].map((p) => `${p.path}: ${p.message}`);
}
