/**
 * How the UI names where an artifact is: its kind and key (`s3: bucket/key`), as the node panel and the
 * workflow's global outputs show it. Pure and DOM-free.
 */
import type { Artifact, Outputs, Workflow } from '../../../src/engine/types.ts';

const KINDS = ['s3', 'gcs', 'azure', 'oss', 'http', 'git', 'raw', 'hdfs', 'artifactory'];

/** `s3: my-bucket/wf/pod/x.tgz`, `http: https://…`, `raw: `, or the path when it has no location. */
export function artifactLocation(a: Artifact): string {
  const x = a as unknown as Record<string, { key?: string; bucket?: string; url?: string; repo?: string } | undefined>;
  for (const kind of KINDS) {
    const loc = x[kind];
    if (!loc) continue;
    const where = loc.key ?? loc.url ?? loc.repo ?? '';
    return `${kind}: ${loc.bucket ? `${loc.bucket}/` : ''}${where}`;
  }
  return a.path ?? '';
}

/** One line of the workflow's outputs section. */
export interface OutputRow {
  kind: 'parameter' | 'artifact';
  name: string;
  value: string;
  /** The artifact was deleted by artifact garbage collection. */
  deleted?: boolean;
}

/** The workflow's global outputs (`status.outputs`: globalName parameters and artifacts), in order. */
export function globalOutputs(wf: Workflow): OutputRow[] {
  const out: Outputs = wf.status?.outputs ?? {};
  return [
    ...(out.parameters ?? []).map((p): OutputRow => ({
      kind: 'parameter',
      name: p.name,
      value: String(p.value ?? ''),
    })),
    ...(out.artifacts ?? []).map((a): OutputRow => ({
      kind: 'artifact',
      name: a.name,
      value: artifactLocation(a),
      deleted: a.deleted || undefined,
    })),
  ];
}
