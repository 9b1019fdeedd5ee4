/**
 * Starting a strategy (Argo's `processArtifactGCStrategy`): the output artifacts of Pod nodes that the
 * strategy deletes and that are not deleted yet, grouped by the place their node ran in and by the
 * service account and metadata of the pod that deletes them; one task and one pod per group.
 */
import type { KubePod } from '../contract.ts';
import type { Artifact, ArtifactLocation, NodeStatus, Template, Workflow, WorkflowSpec } from '../types.ts';
import { archiveLocationOf, hasLocation } from '../artifacts/location.ts';
import { gcStrategy, workflowGc, type GcStrategy } from './strategy.ts';
import {
  gcPod,
  gcPodName,
  gcTask,
  type ArtifactGCTask,
  type ArtifactsByNode,
  type GcPlace,
  type GcPodInfo,
} from './objects.ts';

export interface GcCreate {
  place: GcPlace;
  task: ArtifactGCTask;
  pod: KubePod;
}

export interface GcSettings {
  mainCluster: string;
  instanceId?: string;
  executorImage?: string;
}

/** Argo's `getArtifactGCPodInfo`: the workflow's settings, overridden by the artifact's. */
export function podInfoOf(spec: WorkflowSpec, a: Artifact): GcPodInfo {
  const info: GcPodInfo = { serviceAccount: '', labels: {}, annotations: {} };
  const own = a.artifactGC as { serviceAccountName?: string; podMetadata?: GcPodInfo['labels'] } | undefined;
  for (const gc of [workflowGc(spec), own] as const) {
    if (!gc) continue;
    if (gc.serviceAccountName) info.serviceAccount = gc.serviceAccountName;
    const meta = (gc as { podMetadata?: { labels?: Record<string, string>; annotations?: Record<string, string> } })
      .podMetadata;
    Object.assign(info.labels, meta?.labels ?? {});
    Object.assign(info.annotations, meta?.annotations ?? {});
  }
  return info;
}

/** The template a node ran (by name, or the templateRef target kept in storedTemplates). */
function templateOf(wf: Workflow, spec: WorkflowSpec, node: NodeStatus): Template | undefined {
  const name = node.templateName ?? node.templateRef?.template;
  if (node.templateName) {
    const own = (spec.templates ?? []).find((t) => t.name === name);
    if (own) return own;
  }
  return Object.values(wf.status?.storedTemplates ?? {}).find((t) => t.name === name);
}

/** Where a node's artifacts are looked up: its template's archiveLocation, else the pinned repository. */
function archiveLocation(wf: Workflow, spec: WorkflowSpec, node: NodeStatus): ArtifactLocation | undefined {
  const own = templateOf(wf, spec, node)?.archiveLocation;
  if (own && hasLocation(own as Partial<Artifact>)) return own;
  const repo = archiveLocationOf(wf.status?.artifactRepositoryRef?.artifactRepository, false);
  return 'error' in repo ? undefined : repo;
}

interface Group {
  place: GcPlace;
  info: GcPodInfo;
  podName: string;
  artifactsByNode: ArtifactsByNode;
}

/** Adds one artifact to its group (created on first use). */
function addToGroup(
  groups: Map<string, Group>,
  wf: Workflow,
  spec: WorkflowSpec,
  s: GcSettings,
  node: NodeStatus,
  a: Artifact,
  strategy: GcStrategy,
): void {
  const place = {
    cluster: node.clusterName || s.mainCluster,
    namespace: node.namespace || wf.metadata.namespace || '',
  };
  const info = podInfoOf(spec, a);
  const podName = gcPodName(wf.metadata.name ?? '', strategy, info);
  const key = `${place.cluster}/${place.namespace}/${podName}`;
  let group = groups.get(key);
  if (!group) groups.set(key, (group = { place, info, podName, artifactsByNode: {} }));
  const entry = (group.artifactsByNode[node.id] ??= { artifacts: {} });
  const location = archiveLocation(wf, spec, node);
  if (location) entry.archiveLocation = location;
  entry.artifacts[a.name] = a;
}

/** The tasks and pods that start `strategy` now (none when nothing is left for it). */
export function startStrategy(
  wf: Workflow,
  spec: WorkflowSpec,
  s: GcSettings,
  strategy: GcStrategy,
  now: Date,
): GcCreate[] {
  const groups = new Map<string, Group>();
  for (const node of Object.values(wf.status?.nodes ?? {})) {
    if (node.type !== 'Pod') continue;
    for (const a of node.outputs?.artifacts ?? [])
      if (!a.deleted && gcStrategy(spec, a) === strategy) addToGroup(groups, wf, spec, s, node, a, strategy);
  }
  return [...groups.values()].map((g) => {
    const input = {
      ...g,
      wf,
      mainCluster: s.mainCluster,
      instanceId: s.instanceId,
      executorImage: s.executorImage,
      strategy,
    };
    return { place: g.place, task: gcTask(input), pod: gcPod(input, now) };
  });
}
