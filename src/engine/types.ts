/**
 * Argo Workflow types (argoproj.io/v1alpha1), as much as Argosy reads, plus Argosy's per-template
 * `clusterName`, `namespace` and `serviceAccount` alias (docs/engine.md). JSON field names are Argo's exactly.
 */
import type { ObjectMeta } from './object-meta.ts';

export interface Parameter {
  name: string;
  value?: string;
  default?: string;
  enum?: string[];
  description?: string;
  globalName?: string;
  valueFrom?: {
    path?: string;
    default?: string;
    parameter?: string;
    expression?: string;
    supplied?: Record<string, never>;
    jsonPath?: string;
    configMapKeyRef?: { name: string; key: string };
  };
}

/** An S3 location (Argo's `S3Artifact`); a repository adds `keyFormat`/`keyPrefix`. */
export interface S3Location {
  endpoint?: string;
  bucket?: string;
  region?: string;
  insecure?: boolean;
  key?: string;
  accessKeySecret?: { name: string; key: string };
  secretKeySecret?: { name: string; key: string };
  sessionTokenSecret?: { name: string; key: string };
  [field: string]: unknown;
}

/** Argo's `Artifact` (and, without name/path, `ArtifactLocation`). */
export interface Artifact {
  name: string;
  path?: string;
  mode?: number;
  recurseMode?: boolean;
  from?: string;
  fromExpression?: string;
  subPath?: string;
  globalName?: string;
  optional?: boolean;
  archive?: { none?: object; tar?: { compressionLevel?: number }; zip?: object };
  s3?: S3Location;
  raw?: { data?: string };
  http?: { url?: string; headers?: { name: string; value: string }[] };
  artifactGC?: { strategy?: string; serviceAccountName?: string };
  deleted?: boolean;
  [field: string]: unknown;
}

/** Argo's `ArtifactLocation` of a template (`archiveLocation`). */
export interface ArtifactLocation {
  archiveLogs?: boolean;
  s3?: S3Location;
  [kind: string]: unknown;
}

export interface Arguments {
  parameters?: Parameter[];
  artifacts?: Artifact[];
}

export interface Inputs {
  parameters?: Parameter[];
  artifacts?: Artifact[];
}

export interface Outputs {
  parameters?: Parameter[];
  artifacts?: Artifact[];
  result?: string;
  exitCode?: string;
}

export interface RetryStrategy {
  limit?: number | string;
  retryPolicy?: 'Always' | 'OnFailure' | 'OnError' | 'OnTransientError';
  backoff?: { duration?: string | number; factor?: number | string; maxDuration?: string | number; cap?: string };
  expression?: string;
  affinity?: unknown;
}

export interface ContinueOn {
  error?: boolean;
  failed?: boolean;
}

export interface LifecycleHook {
  template?: string;
  templateRef?: TemplateRef;
  arguments?: Arguments;
  expression?: string;
}

export interface TemplateRef {
  name: string;
  template: string;
  clusterScope?: boolean;
}

export type Items = unknown[];

export interface Sequence {
  count?: string | number;
  start?: string | number;
  end?: string | number;
  format?: string;
}

export interface WorkflowStep {
  name: string;
  template?: string;
  templateRef?: TemplateRef;
  inline?: Template;
  arguments?: Arguments;
  when?: string;
  withItems?: Items;
  withParam?: string;
  withSequence?: Sequence;
  continueOn?: ContinueOn;
  onExit?: string;
  hooks?: Record<string, LifecycleHook>;
}

export interface DAGTask extends WorkflowStep {
  dependencies?: string[];
  depends?: string;
}

export interface DAGTemplate {
  tasks: DAGTask[];
  target?: string;
  failFast?: boolean;
}

export interface Container {
  image?: string;
  command?: string[];
  args?: string[];
  env?: { name: string; value?: string; valueFrom?: unknown }[];
  workingDir?: string;
  resources?: { requests?: Record<string, string>; limits?: Record<string, string> };
  [key: string]: unknown;
}

/** One member of a `containerSet` (Argo's ContainerNode): a container and the members it waits for. */
export interface ContainerNode extends Container {
  name: string;
  dependencies?: string[];
}

/** Argo's ContainerSetTemplate: containers of one pod run as a graph, sharing `volumeMounts`. */
export interface ContainerSetTemplate {
  containers?: ContainerNode[];
  volumeMounts?: { name: string; mountPath: string; [key: string]: unknown }[];
  retryStrategy?: { retries?: number | string; duration?: string };
}

export interface ScriptTemplate extends Container {
  source: string;
}

export interface SuspendTemplate {
  duration?: string;
}

/** Argo's `Data` template: list the keys under an artifact location, then transform them with expressions. */
export interface DataTemplate {
  source?: { artifactPaths?: Artifact };
  transformation?: { expression?: string }[];
}

export interface Template {
  name: string;
  inputs?: Inputs;
  outputs?: Outputs;
  container?: Container;
  script?: ScriptTemplate;
  steps?: WorkflowStep[][];
  dag?: DAGTemplate;
  suspend?: SuspendTemplate;
  resource?: unknown;
  data?: DataTemplate;
  containerSet?: ContainerSetTemplate;
  retryStrategy?: RetryStrategy;
  activeDeadlineSeconds?: number | string;
  timeout?: string;
  pendingTimeout?: string;
  parallelism?: number;
  failFast?: boolean;
  metadata?: { labels?: Record<string, string>; annotations?: Record<string, string> };
  /** Argo reads one key: `workflows.argoproj.io/display-name` (display-name.ts). */
  annotations?: Record<string, string>;
  nodeSelector?: Record<string, string>;
  /** Multi-cluster: the cluster to run this template in; empty = the main cluster. */
  clusterName?: string;
  /** Multi-cluster: the namespace to run this template in; empty = the workflow's namespace. */
  namespace?: string;
  serviceAccountName?: string;
  /** Accepted alias of `serviceAccountName`, which wins when both are set (docs/engine.md). */
  serviceAccount?: string;
  podSpecPatch?: string;
  archiveLocation?: ArtifactLocation;
  [key: string]: unknown;
}

export interface WorkflowSpec {
  entrypoint?: string;
  templates?: Template[];
  arguments?: Arguments;
  onExit?: string;
  hooks?: Record<string, LifecycleHook>;
  serviceAccountName?: string;
  parallelism?: number;
  activeDeadlineSeconds?: number;
  shutdown?: 'Stop' | 'Terminate' | '';
  suspend?: boolean;
  podGC?: { strategy?: string; labelSelector?: unknown; deleteDelayDuration?: string };
  podMetadata?: { labels?: Record<string, string>; annotations?: Record<string, string> };
  workflowTemplateRef?: { name: string; clusterScope?: boolean };
  /** Labels and annotations the controller sets on the workflow (labelsFrom: expressions). */
  workflowMetadata?: {
    labels?: Record<string, string>;
    annotations?: Record<string, string>;
    labelsFrom?: Record<string, { expression?: string }>;
  };
  artifactRepositoryRef?: { configMap?: string; key?: string };
  archiveLogs?: boolean;
  [key: string]: unknown;
}

export type WorkflowPhase = '' | 'Pending' | 'Running' | 'Succeeded' | 'Failed' | 'Error';
export type NodePhase = 'Pending' | 'Running' | 'Succeeded' | 'Skipped' | 'Failed' | 'Error' | 'Omitted';
export type NodeType =
  | 'Pod'
  | 'Container'
  | 'Steps'
  | 'StepGroup'
  | 'DAG'
  | 'TaskGroup'
  | 'Retry'
  | 'Skipped'
  | 'Suspend'
  | 'HTTP'
  | 'Plugin';

export interface NodeStatus {
  id: string;
  name: string;
  displayName?: string;
  type: NodeType;
  templateName?: string;
  templateRef?: TemplateRef;
  templateScope?: string;
  phase?: NodePhase;
  boundaryID?: string;
  message?: string;
  startedAt?: string;
  finishedAt?: string;
  estimatedDuration?: number;
  progress?: string;
  resourcesDuration?: Record<string, number>;
  podIP?: string;
  daemoned?: boolean;
  nodeFlag?: { hooked?: boolean; retried?: boolean };
  /** Argo v4: the pod's WorkflowTaskResult has been reported (true from creation for pod nodes; not daemons). */
  taskResultSynced?: boolean;
  /** Argo's memoization: whether the node came from the cache, and which entry. */
  memoizationStatus?: { hit: boolean; key: string; cacheName: string };
  inputs?: Inputs;
  outputs?: Outputs;
  children?: string[];
  outboundNodes?: string[];
  hostNodeName?: string;
  /** Multi-cluster: only set when different from the controller's cluster. */
  clusterName?: string;
  /** Multi-cluster: only set when different from the workflow's namespace. */
  namespace?: string;
  /**
   * The service account the node's pods run as, resolved when the node was created (Argosy addition:
   * every later pod create of the node uses this recorded place, never the current spec).
   */
  serviceAccountName?: string;
  /** Argosy (`placement`): the clusters this node left, oldest first (docs/adr/0013-cluster-choice.md). */
  clusterHistory?: string[];
  /** Argosy (`placement`): no candidate cluster can take the node yet; its message says why. */
  awaitingCluster?: boolean;
  /** Argosy (`placement`): this attempt ended because its pod could not start where it was; retries avoid it. */
  failedOver?: boolean;
  /** Argo: the lock this node waits for (synchronization), while it waits. */
  synchronizationStatus?: { waiting?: string };
}

export interface Condition {
  type: string;
  status: string;
  message?: string;
}

export interface WorkflowStatus {
  phase?: WorkflowPhase;
  startedAt?: string;
  finishedAt?: string;
  estimatedDuration?: number;
  progress?: string;
  message?: string;
  nodes?: Record<string, NodeStatus>;
  compressedNodes?: string;
  /** Argo: the nodes are offloaded (src/adapters/kube/offloaded-nodes.ts); this names their version. */
  offloadNodeStatusVersion?: string;
  storedTemplates?: Record<string, Template>;
  /** The spec frozen when the workflow started (Argo's field name; see effective-spec.ts). */
  storedWorkflowTemplateSpec?: WorkflowSpec;
  outputs?: Outputs;
  conditions?: Condition[];
  resourcesDuration?: Record<string, number>;
  taskResultsCompletionStatus?: Record<string, boolean>;
  /** The artifact repository resolved on the first reconcile and pinned (Argo's field). */
  artifactRepositoryRef?: ArtifactRepositoryRefStatus;
  /**
   * Argosy: nodes waiting for a cluster that fails for now (by node ID): attempts so far, since when,
   * and the time of the last attempt. Gone once the node's pod is seen or the node ends.
   */
  effectRetries?: Record<string, EffectRetry>;
  /**
   * Argosy: every place the workflow's pods may be in, kept when the node tree cannot be stored (status
   * too large) so that stopping and deleting the workflow still finds its pods.
   */
  podPlaces?: PodPlace[];
  /** Argo's claims of `spec.volumeClaimTemplates` (pod mounts resolve against them), with their place. */
  persistentVolumeClaims?: VolumeClaimEntry[];
  /** Argo's `ArtGCStatus`: which GC strategies started their pods, which GC pods were read back. */
  artifactGCStatus?: ArtGCStatus;
  [key: string]: unknown;
}

/** Argo's `ArtGCStatus` (workflow_types.go). */
export interface ArtGCStatus {
  strategiesProcessed?: Record<string, boolean>;
  podsRecouped?: Record<string, boolean>;
  notSpecified?: boolean;
}

/**
 * An entry of `status.persistentVolumeClaims`: Argo's Volume `{name, persistentVolumeClaim: {claimName}}`,
 * plus (Argosy) the cluster and namespace the claim was created in (docs/adr/0020-volume-claims.md).
 */
export interface VolumeClaimEntry {
  name: string;
  persistentVolumeClaim: { claimName: string };
  clusterName: string;
  namespace: string;
}

/** A cluster and namespace a workflow's pods may live in. */
export interface PodPlace {
  cluster: string;
  namespace: string;
}

/** Argo's `ArtifactRepositoryRefStatus`: where the repository came from, and the repository itself. */
export interface ArtifactRepositoryRefStatus {
  configMap?: string;
  key?: string;
  namespace?: string;
  default?: boolean;
  artifactRepository?: ArtifactRepository;
}

/** Argo's `ArtifactRepository` (the value of a key of ConfigMap `artifact-repositories`). */
export interface ArtifactRepository {
  archiveLogs?: boolean;
  s3?: S3Location & { keyFormat?: string; keyPrefix?: string };
  [kind: string]: unknown;
}

/** One node's wait for a cluster (see {@link WorkflowStatus.effectRetries}). */
export interface EffectRetry {
  attempts: number;
  since: string;
  last: string;
  /** Why the last attempt failed (a finished workflow's delete retries: the give-up event names it). */
  message?: string;
}

export interface Workflow {
  apiVersion?: string;
  kind?: string;
  metadata: ObjectMeta;
  spec: WorkflowSpec;
  status?: WorkflowStatus;
}
