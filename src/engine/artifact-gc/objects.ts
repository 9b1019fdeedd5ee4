/**
 * The objects of one artifact GC group, as Argo builds them (workflow/controller/artifact_gc.go): a
 * `WorkflowArtifactGCTask` listing the artifacts to delete per node with the archive location to find
 * them, and the pod (`argoexec artifact delete`) that deletes them and reports into the task's status.
 * Argosy creates both in the place (cluster/namespace) the artifacts' nodes ran in, where the repository
 * credentials the producing pods used are: the deletion happens with those Secrets or that IAM role,
 * never from the controller (docs/adr/0023-artifact-gc-where-produced.md).
 */
import type { KubePod, ObjectMeta } from '../contract.ts';
import type { Artifact, ArtifactLocation, Workflow } from '../types.ts';
import {
  LABEL_COMPLETED,
  LABEL_INSTANCE_ID,
  LABEL_WORKFLOW,
  LABEL_WORKFLOW_CLUSTER_NAME,
  LABEL_WORKFLOW_NAMESPACE,
  LABEL_WORKFLOW_UID,
} from '../labels.ts';
import { LABEL_COMPONENT, MINIMAL_SC } from '../http-template/agent.ts';
import { DEFAULT_EXECUTOR_IMAGE, LOG_FLAGS, secretVolumes } from '../pod/executor-pod.ts';
import { fnv32a, type GcStrategy } from './strategy.ts';

/** Argo's label tying GC tasks to their pod (`common.LabelKeyArtifactGCPodHash`). */
export const LABEL_GC_POD_HASH = 'workflows.argoproj.io/artifact-gc-pod';
/** Argo's annotation naming the strategy a GC pod works for. */
export const ANNOTATION_GC_STRATEGY = 'workflows.argoproj.io/artifact-gc-strategy';
/** The `component` label value of GC pods. */
export const GC_COMPONENT = 'artifact-gc';

export interface GcPlace {
  cluster: string;
  namespace: string;
}

/** Service account and metadata of the pod that deletes a group (Argo's `podInfo`). */
export interface GcPodInfo {
  serviceAccount: string;
  labels: Record<string, string>;
  annotations: Record<string, string>;
}

/** What one GC pod deletes: per node, the archive location and the artifacts by name. */
export type ArtifactsByNode = Record<
  string,
  { archiveLocation?: ArtifactLocation; artifacts: Record<string, Artifact> }
>;

/** Argo's `WorkflowArtifactGCTask`. */
export interface ArtifactGCTask {
  apiVersion: 'argoproj.io/v1alpha1';
  kind: 'WorkflowArtifactGCTask';
  metadata: ObjectMeta;
  spec: { artifactsByNode: ArtifactsByNode };
  status?: {
    artifactResultsByNode?: Record<
      string,
      { artifactResults?: Record<string, { name: string; success?: boolean; error?: string }> }
    >;
  };
}

const sorted = (m: Record<string, string>) => Object.keys(m).sort();

/** Argo's `artGCPodName`: `<wf>-artgc-<wfcomp|wfdel>-<fnv of account, labels, annotations>`. */
export function gcPodName(wfName: string, strategy: GcStrategy, info: GcPodInfo): string {
  let text = info.serviceAccount;
  for (const k of sorted(info.labels)) text += k + info.labels[k];
  for (const k of sorted(info.annotations)) text += k + info.annotations[k];
  const abbreviated = strategy === 'OnWorkflowCompletion' ? 'wfcomp' : 'wfdel';
  return `${wfName}-artgc-${abbreviated}-${fnv32a(text)}`;
}

/** Argo's `artifactGCPodLabel`: the task label value for a pod name. */
export function gcPodHash(podName: string): string {
  return String(fnv32a(podName));
}

/** Labels tying an object in `place` to this workflow, as on its other pods. */
function workflowLabels(
  wf: Workflow,
  place: GcPlace,
  mainCluster: string,
  instanceId?: string,
): Record<string, string> {
  const labels: Record<string, string> = { [LABEL_WORKFLOW]: wf.metadata.name ?? '' };
  if (instanceId) labels[LABEL_INSTANCE_ID] = instanceId;
  if (wf.metadata.uid) labels[LABEL_WORKFLOW_UID] = wf.metadata.uid;
  if (place.cluster !== mainCluster) labels[LABEL_WORKFLOW_CLUSTER_NAME] = mainCluster;
  if (place.namespace !== wf.metadata.namespace) labels[LABEL_WORKFLOW_NAMESPACE] = wf.metadata.namespace ?? '';
  return labels;
}

/** An ownerReference to the Workflow where garbage collection can follow it (its own namespace). */
function ownerRefs(wf: Workflow, place: GcPlace, mainCluster: string): ObjectMeta['ownerReferences'] {
  if (place.cluster !== mainCluster || place.namespace !== wf.metadata.namespace || !wf.metadata.uid) return undefined;
  return [{ apiVersion: 'argoproj.io/v1alpha1', kind: 'Workflow', name: wf.metadata.name ?? '', uid: wf.metadata.uid }];
}

export interface GcGroupInput {
  wf: Workflow;
  place: GcPlace;
  mainCluster: string;
  instanceId?: string;
  executorImage?: string;
  strategy: GcStrategy;
  info: GcPodInfo;
  podName: string;
  artifactsByNode: ArtifactsByNode;
}

/** The task of a group (Argo's `<pod>-0`: one task per pod). */
export function gcTask(g: GcGroupInput): ArtifactGCTask {
  const metadata: ObjectMeta = {
    name: `${g.podName}-0`,
    namespace: g.place.namespace,
    labels: {
      ...workflowLabels(g.wf, g.place, g.mainCluster, g.instanceId),
      [LABEL_GC_POD_HASH]: gcPodHash(g.podName),
    },
  };
  const owners = ownerRefs(g.wf, g.place, g.mainCluster);
  if (owners) metadata.ownerReferences = owners;
  return {
    apiVersion: 'argoproj.io/v1alpha1',
    kind: 'WorkflowArtifactGCTask',
    metadata,
    spec: { artifactsByNode: g.artifactsByNode },
  };
}

/** The pod of a group (Argo's `createArtifactGCPod`), with the Secrets its locations name mounted. */
export function gcPod(g: GcGroupInput, now: Date): KubePod {
  const locations = Object.values(g.artifactsByNode).flatMap((n) => [n.archiveLocation, ...Object.values(n.artifacts)]);
  const secrets = secretVolumes({ name: 'artifact-gc', inputs: { artifacts: locations as Artifact[] } });
  const metadata: ObjectMeta = {
    name: g.podName,
    namespace: g.place.namespace,
    labels: {
      ...workflowLabels(g.wf, g.place, g.mainCluster, g.instanceId),
      [LABEL_COMPONENT]: GC_COMPONENT,
      [LABEL_COMPLETED]: 'false',
      ...g.info.labels,
    },
    annotations: { [ANNOTATION_GC_STRATEGY]: g.strategy, ...g.info.annotations },
  };
  const owners = ownerRefs(g.wf, g.place, g.mainCluster);
  if (owners) metadata.ownerReferences = owners;
  const main = {
    name: 'main',
    image: g.executorImage || DEFAULT_EXECUTOR_IMAGE,
    args: ['artifact', 'delete', ...LOG_FLAGS],
    env: [
      { name: 'ARGO_POD_NAME', valueFrom: { fieldRef: { apiVersion: 'v1', fieldPath: 'metadata.name' } } },
      { name: 'ARGO_TEMPLATE', value: '{}' },
      { name: 'ARGO_DEADLINE', value: now.toISOString().replace(/\.\d+Z$/, 'Z') },
      { name: 'ARGO_ARTIFACT_POD_NAME', value: gcPodHash(g.podName) },
      { name: 'ARGO_ARTIFACT_PLUGIN_NAMES', value: '' },
    ],
    securityContext: MINIMAL_SC,
    resources: { limits: { cpu: '100m', memory: '64Mi' }, requests: { cpu: '50m', memory: '32Mi' } },
    volumeMounts: secrets.mounts,
  };
  const spec: KubePod['spec'] = {
    volumes: secrets.volumes,
    securityContext: { runAsNonRoot: true, runAsUser: 8737, seccompProfile: { type: 'RuntimeDefault' } },
    containers: [main],
    automountServiceAccountToken: true,
    restartPolicy: 'Never',
  };
  if (g.info.serviceAccount) spec.serviceAccountName = g.info.serviceAccount;
  return { apiVersion: 'v1', kind: 'Pod', metadata, spec };
}
